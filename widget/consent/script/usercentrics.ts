/** The classic file ig-embed.consent-usercentrics.js: Usercentrics drives the gate; `data-consent-service`, `data-consent-event`. */
import { scriptOptions } from '../script-options.js';
import { connectUsercentrics } from '../usercentrics.js';

const options = scriptOptions();
connectUsercentrics({ service: options.consentService, event: options.consentEvent });
