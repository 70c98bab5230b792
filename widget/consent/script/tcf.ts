/** The classic file ig-embed.consent-tcf.js: the page's TCF CMP drives the gate; `data-consent-purposes`, `data-consent-vendor`. */
import { scriptOptions } from '../script-options.js';
import { connectTcf } from '../tcf.js';

const options = scriptOptions();
const vendor = options.consentVendor;
connectTcf({
  // "1", "1,3" or "1 3 4".
  purposes: options.consentPurposes?.split(/[\s,]+/).filter(Boolean).map(Number),
  // "0" turns the Additional Consent check off.
  googleVendor: vendor ? Number(vendor) : undefined,
});
