// Consent demo: the page's "consent manager" buttons, a live count of what the page requested from the proxy and
// from Meta, and the elements' events. <ig-embed> comes from the classic script tag; this module only uses the
// class that registered it, so it imports no build of the widget.
import { isMetaHost } from '../instagram/meta-hosts.js';
import type { IgEmbedElement } from '../widget/element.js';
import { mirrorStates } from './state-pills.js';

const CONSENT_KEY = 'ig-embed:consent';
const log = document.getElementById('log') as HTMLOListElement;
const count = (name: string) => document.querySelector(`[data-count="${name}"]`) as HTMLElement;

function record(message: string): void {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString([], { hour12: false })}  ${message}`;
  log.prepend(item);
  count('stored').textContent = localStorage.getItem(CONSENT_KEY) ?? 'none';
}

mirrorStates();
record('page loaded');

// What the browser fetched, as the page itself can see it: the proxy's oEmbed requests and anything from Meta.
let proxy = 0;
let meta = 0;
new PerformanceObserver((entries) => {
  for (const entry of entries.getEntries()) {
    const url = new URL(entry.name);
    if (url.origin === location.origin && url.pathname === '/instagram_oembed') proxy++;
    else if (isMetaHost(url.hostname)) meta++;
  }
  count('proxy').textContent = String(proxy);
  count('meta').textContent = String(meta);
}).observe({ type: 'resource', buffered: true });

for (const type of ['ig-embed-consent', 'ig-embed-load', 'ig-embed-fallback'] as const) {
  document.addEventListener(type, (event) => {
    const target = event.target as IgEmbedElement;
    // ig-embed-load and ig-embed-consent name the post; a fallback's detail is only its reason.
    record(`${type} ${JSON.stringify((event as CustomEvent).detail)}${type === 'ig-embed-fallback' ? ` (${target.url})` : ''}`);
  });
}

const IgEmbed = (await customElements.whenDefined('ig-embed')) as typeof IgEmbedElement;
document.querySelector('[data-action="grant"]')?.addEventListener('click', () => {
  IgEmbed.grantConsent();
  record('grantConsent()');
});
document.querySelector('[data-action="revoke"]')?.addEventListener('click', () => {
  IgEmbed.revokeConsent();
  record('revokeConsent(): the posts are gone; cookies Meta set meanwhile stay in the browser');
});
