import { createApp } from 'vue';
import 'ig-embed';
import type {} from 'ig-embed/vue';
import App from './App.vue';

createApp(App).mount('#app');
