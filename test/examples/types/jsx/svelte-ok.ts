// Compiles: ig-embed/svelte's element table (svelteHTML.IntrinsicElements) with attributes and both event forms.
// (tsc only: a template under svelte-check is not part of these tests.)
import type {} from 'ig-embed/svelte';

type Props = svelteHTML.IntrinsicElements['ig-embed'];
export const svelte5: Props = { url: 'https://www.instagram.com/p/fA9uwTtkSN/', maxwidth: 540, 'onig-embed-fallback': (e) => console.log(e.detail.reason) };
export const svelte4: Props = { loading: 'eager', 'on:ig-embed-load': (e) => console.log(e.detail.url) };
