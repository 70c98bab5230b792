/**
 * The classic-script build (/ig-embed.js) for CMS pages: configures the element from its own <script>
 * tag, then registers it. Endpoint: `data-endpoint`, else the origin the script was served from;
 * `data-script-src` overrides the embed.js URL; `data-consent="required"` gates every element until
 * consent, `data-consent-remember` offers to remember it.
 */
import { IgEmbedElement } from './ig-embed-element.js';

const tag = document.currentScript as HTMLScriptElement | null;
if (tag?.src) {
  IgEmbedElement.endpoint = tag.dataset.endpoint || new URL(tag.src).origin;
  if (tag.dataset.scriptSrc) IgEmbedElement.scriptSrc = tag.dataset.scriptSrc;
}
// Before define(): the elements already on the page must start gated.
if (tag?.dataset.consent === 'required') IgEmbedElement.consent = 'required';
if (tag?.hasAttribute('data-consent-remember')) IgEmbedElement.consentRemember = true;
// Registered after configuring, in the same task: elements on the page upgrade right here.
IgEmbedElement.define();

export { IgEmbedElement };
