// Must not compile: ig-embed-load's detail has a url, not a reason.
import type {} from 'ig-embed/svelte';

export const props: svelteHTML.IntrinsicElements['ig-embed'] = { 'onig-embed-load': (e) => console.log(e.detail.reason) };
