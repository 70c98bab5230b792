/**
 * Entry `ig-embed/consent/cookiebot`: Cookiebot's answer for one category drives the consent gate.
 *
 * The API, from Cookiebot's Developer Resources (https://www.cookiebot.com/en/developer/):
 * `window.Cookiebot.consent.necessary | preferences | statistics | marketing` (booleans, read-only) and the
 * window events `CookiebotOnConsentReady` (the choice is known: on load and after every change),
 * `CookiebotOnAccept` and `CookiebotOnDecline`. Cookiebot fires them when it loads, so a Cookiebot that
 * loads after this adapter needs no polling.
 */
import { follower, invalid, text, type ConsentOptions } from './follow.js';

export type { ConsentTarget } from './follow.js';

export interface CookiebotOptions extends ConsentOptions {
  /** The Cookiebot category that covers Instagram: `preferences`, `statistics` or `marketing` (default). */
  category?: string;
}

const NAME = 'connectCookiebot';
const CATEGORIES = ['necessary', 'preferences', 'statistics', 'marketing'];
const EVENTS = ['CookiebotOnConsentReady', 'CookiebotOnAccept', 'CookiebotOnDecline'];

/**
 * Follows Cookiebot: consent to `category` grants, its withdrawal revokes. Returns a function that stops
 * following (the gate stays as it is).
 *
 * @example
 * import { connectCookiebot } from 'ig-embed/consent/cookiebot';
 * connectCookiebot({ category: 'marketing' });
 */
export function connectCookiebot(options: CookiebotOptions = {}): () => void {
  const category = text(NAME, 'category', options.category, 'marketing');
  if (!CATEGORIES.includes(category)) invalid(NAME, 'category', `one of ${CATEGORIES.join(', ')}`, category);
  const follow = follower(options.element);
  const read = () => {
    const consent = (window as { Cookiebot?: { consent?: Record<string, unknown> } }).Cookiebot?.consent;
    follow(consent ? consent[category] === true : undefined);
  };
  for (const type of EVENTS) window.addEventListener(type, read);
  read();
  return () => {
    for (const type of EVENTS) window.removeEventListener(type, read);
  };
}
