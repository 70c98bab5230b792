/** Entry `ig-embed/element`: the class alone, without registering it (no side effects). */
export { IgEmbedElement } from './ig-embed-element.js';
export type { FallbackReason, IgEmbedFallbackDetail, IgEmbedState, IgEmbedStrings, OembedData } from './ig-embed-element.js';
export type { IgEmbedConsentDetail, IgEmbedLoadDetail } from './ig-embed-element.js';
