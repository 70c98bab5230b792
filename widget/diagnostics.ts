/** Console diagnostics for fallbacks: one short warning per reason per page, saying what happened and where to look. */
import type { FallbackReason } from './oembed-request.js';

// Where to look, by reason. Each is written once per page: warnOnce takes it out of the table.
// not_embeddable has none (docs/element.md, "Console warnings"): a deleted or private post is content, not a
// fault of the page or the proxy, and the card says so.
const HINTS: Partial<Record<FallbackReason, string>> = {
  invalid_url: 'not a post URL',
  origin_not_allowed: "add it to the proxy's ALLOWED_ORIGINS",
  proxy_error: "see the proxy's log",
  network: 'proxy down? CSP connect-src?',
  script_blocked: 'ad blocker? CSP script-src?',
  timeout: "see the proxy's log; Instagram down? CSP frame-src?",
};

/**
 * Warns about `reason` the first time the page meets it, naming what it is about: the url, the embed.js
 * URL, the page's origin or the proxy; with `element`, so that devtools can point at it.
 */
export function warnOnce(reason: FallbackReason, element: Element & { url: string }, endpoint: string, scriptSrc: string): void {
  const hint = HINTS[reason];
  if (!hint) return;
  delete HINTS[reason];
  const subject = reason === 'invalid_url' ? `"${element.url}"` : reason === 'script_blocked' ? scriptSrc : reason === 'origin_not_allowed' ? location.origin : endpoint;
  console.warn(`ig-embed: ${reason} (${subject}): ${hint}`, element);
}
