// Consent demo: a stand-in for Cookiebot (its banner buttons drive the gate through the classic script's Cookiebot
// adapter), a live count of what the page requested from the proxy and from Meta, and the elements' events.
// <ig-embed> and the adapter come from the classic script tag; this module imports no build of the widget.
import { isMetaHost } from '../instagram/meta-hosts.js';
import type { IgEmbedElement } from '../widget/element.js';
import { loadFakeCookiebot, submitFakeCookiebot, type FakeCookiebotChoice } from './fake-cookiebot.js';
import { mirrorStates } from './state-pills.js';

const log = document.getElementById('log') as HTMLOListElement;
const count = (name: string) => document.querySelector(`[data-count="${name}"]`) as HTMLElement;

function record(message: string): void {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString([], { hour12: false })}  ${message}`;
  log.prepend(item);
}

function showChoice(choice: FakeCookiebotChoice): void {
  count('stored').textContent = choice ?? 'none';
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

// The stand-in's script runs once the page is parsed, as Cookiebot's async script would; the adapter follows
// its events whichever comes first.
const choice = loadFakeCookiebot();
showChoice(choice);
record(`Cookiebot stand-in loaded: ${choice ?? 'no choice yet'}`);
for (const [action, value] of [['accept', 'accepted'], ['decline', 'declined']] as const) {
  document.querySelector(`[data-action="${action}"]`)?.addEventListener('click', () => {
    submitFakeCookiebot(value);
    showChoice(value);
    record(value === 'accepted'
      ? 'Cookiebot stand-in: marketing accepted (the adapter calls grantConsent())'
      : 'Cookiebot stand-in: declined (after an accept, the adapter calls revokeConsent(); cookies Meta set meanwhile stay in the browser)');
  });
}
