/**
 * The classic-script build (/ig-embed.js) for CMS pages: configures the element from its own <script>
 * tag, then registers it. Endpoint: `data-endpoint`, else the directory the script was served from
 * (its origin when served at /ig-embed.js, /ig/ when at /ig/ig-embed.js);
 * `data-script-src` overrides the embed.js URL; `data-consent="required"` gates every element until
 * consent, `data-consent-remember` offers to remember it; `data-consent="<adapter>"` (tcf, cookiebot,
 * onetrust, usercentrics, wp-consent-api) gates them too and loads `ig-embed.consent-<adapter>.js` from
 * this script's directory, which lets the consent manager open the gate (issue 16).
 */
import { IgEmbedElement } from './ig-embed-element.js';
import { scriptUrl } from './sanitize.js';

const tag = document.currentScript as HTMLScriptElement | null;
const consent = tag?.dataset.consent;
if (tag?.src) {
  // The directory, not the origin: a proxy mounted under a sub-path (/ig/ig-embed.js) answers at /ig/instagram_oembed.
  IgEmbedElement.endpoint = tag.dataset.endpoint || new URL('.', tag.src).href;
  if (tag.dataset.scriptSrc) IgEmbedElement.scriptSrc = tag.dataset.scriptSrc;
  // Any other value names an adapter. The name is not checked here (bytes): an unknown one fails to
  // load, and the posts stay behind their cards (fails closed). The adapter waits for define() itself.
  if (consent && consent !== 'required') {
    const adapter = document.createElement('script');
    adapter.src = scriptUrl(new URL(`ig-embed.consent-${consent}.js`, tag.src).href);
    document.head.append(adapter);
  }
}
// Before define(): the elements already on the page must start gated.
if (consent) IgEmbedElement.consent = 'required';
if (tag?.hasAttribute('data-consent-remember')) IgEmbedElement.consentRemember = true;
// Registered after configuring, in the same task: elements on the page upgrade right here.
IgEmbedElement.define();

export { IgEmbedElement };
