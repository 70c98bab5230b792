/** The classic file ig-embed.consent-onetrust.js: OneTrust drives the gate; `data-consent-group`. */
import { connectOneTrust } from '../onetrust.js';
import { scriptOptions } from '../script-options.js';

connectOneTrust({ group: scriptOptions().consentGroup });
