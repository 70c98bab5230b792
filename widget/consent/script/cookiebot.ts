/** The classic file ig-embed.consent-cookiebot.js: Cookiebot drives the gate; `data-consent-category`. */
import { connectCookiebot } from '../cookiebot.js';
import { scriptOptions } from '../script-options.js';

connectCookiebot({ category: scriptOptions().consentCategory });
