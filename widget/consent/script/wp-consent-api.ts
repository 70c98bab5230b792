/** The classic file ig-embed.consent-wp-consent-api.js: the WP Consent API drives the gate; `data-consent-category`. */
import { scriptOptions } from '../script-options.js';
import { connectWpConsentApi } from '../wp-consent-api.js';

const options = scriptOptions();
connectWpConsentApi({ category: options.consentCategory });
