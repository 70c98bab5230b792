/**
 * Entry `ig-embed/consent/wp-consent-api`: the WordPress Consent API's answer for one category drives the consent gate.
 *
 * The API, from the plugin's own script (https://github.com/Really-Simple-Plugins/wp-consent-level-api,
 * assets/js/wp-consent-api.js, and its readme): `wp_has_consent(category)` (a global function; true when
 * the visitor allowed it, when the region is opt-out and they did not object, or when no consent
 * management plugin set a consent type at all); `wp_set_consent(category, 'allow' | 'deny')` stores the
 * choice and dispatches `wp_listen_for_consent_change` on `document` with `detail[category] = value`.
 * Consent management plugins set `window.wp_consent_type` and dispatch `wp_consent_type_defined` on
 * `document` (seen in Complianz and others; the plugin's readme shows `wp_consent_type` only). When the
 * plugin is configured to wait for that hook (`window.waitfor_consent_hook`), the adapter decides no
 * earlier than it.
 */
import { follower, milliseconds, text, whenFunction, type ConsentOptions } from './follow.js';

export type { ConsentTarget } from './follow.js';

export interface WpConsentApiOptions extends ConsentOptions {
  /** The WP Consent API category that covers Instagram (`functional`, `preferences`, `statistics`, `statistics-anonymous`, `marketing`). Default `marketing`. */
  category?: string;
  /** Milliseconds to wait for `wp_has_consent` to appear when the plugin's script runs after this adapter. Default 10000. */
  wait?: number;
}

const NAME = 'connectWpConsentApi';

type WpWindow = { wp_has_consent?: (category: string) => boolean; waitfor_consent_hook?: unknown };

/**
 * Follows the WP Consent API: consent for `category` grants, its withdrawal revokes. The first answer is
 * read once the document is parsed (consent management plugins set the consent type by then), so a
 * site without a consent type does not flash Instagram before its banner's plugin ran. Returns a
 * function that stops following (the gate stays as it is).
 *
 * @example
 * import { connectWpConsentApi } from 'ig-embed/consent/wp-consent-api';
 * connectWpConsentApi({ category: 'marketing' });
 */
export function connectWpConsentApi(options: WpConsentApiOptions = {}): () => void {
  const category = text(NAME, 'category', options.category, 'marketing');
  const wait = milliseconds(NAME, options.wait);
  const follow = follower(options.element);
  const wp = window as WpWindow;
  const read = () => {
    if (typeof wp.wp_has_consent === 'function') follow(wp.wp_has_consent(category) === true);
  };
  const onChange = (event: Event) => {
    // wp_set_consent stores the cookie before it dispatches, so reading again gives the same answer;
    // the detail is used first for CMPs that dispatch the event without the API's own function.
    const value = ((event as CustomEvent).detail as Record<string, unknown> | null | undefined)?.[category];
    if (value === 'allow' || value === 'deny') follow(value === 'allow');
    else read();
  };
  let stopWaiting = () => {};
  let stopped = false;
  const start = () => {
    if (stopped) return;
    stopWaiting = whenFunction('wp_has_consent', () => {
      if (!wp.waitfor_consent_hook) read();
    }, wait);
  };
  document.addEventListener('wp_listen_for_consent_change', onChange);
  document.addEventListener('wp_consent_type_defined', read);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
  return () => {
    stopped = true;
    stopWaiting();
    document.removeEventListener('wp_listen_for_consent_change', onChange);
    document.removeEventListener('wp_consent_type_defined', read);
    document.removeEventListener('DOMContentLoaded', start);
  };
}
