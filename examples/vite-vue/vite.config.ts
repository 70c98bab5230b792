import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// <ig-embed> is a custom element, not a Vue component: Vue passes its props and listeners to the element.
export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'ig-embed' } } })],
});
