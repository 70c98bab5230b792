/** The cards' visible text (fallback and consent) and the embed's accessible name; override `IgEmbedElement.strings` (page-wide) or `el.strings` to translate. */
export interface IgEmbedStrings {
  /** The link to the post. */
  view: string;
  /** The provider attribution. */
  provider: string;
  /** The accessible name (title) of Instagram's iframe when the author is unknown. */
  frameTitle: string;
  /** The same when the author is known: `{author}` is replaced by the name. */
  frameTitleBy: string;
  /** The card's message when the post is deleted, private or not embeddable. */
  unavailable: string;
  /** The card's message for every other failure. */
  failed: string;
  /** Alt text for the thumbnail when no `thumbnail-alt` is given. */
  thumbnailAlt: string;
  /** The consent card's sentence: what loading the post does. */
  consentNotice: string;
  /** The consent card's link text to Instagram's privacy policy. */
  privacyPolicy: string;
  /** The consent card's button, which loads the post. */
  consentButton: string;
  /** The consent card's checkbox label (shown only when the page opted in to remembering). */
  consentRemember: string;
}

export const defaultStrings: IgEmbedStrings = {
  view: 'View this post on Instagram',
  provider: 'Instagram',
  frameTitle: 'Instagram post',
  frameTitleBy: 'Instagram post by {author}',
  unavailable: 'This post is unavailable.',
  failed: "This post couldn't be loaded here.",
  thumbnailAlt: 'Preview of the Instagram post',
  consentNotice: 'Loading this post sends data to Instagram (Meta).',
  privacyPolicy: 'Privacy policy',
  consentButton: 'Load post',
  consentRemember: 'Always allow Instagram on this site',
};
