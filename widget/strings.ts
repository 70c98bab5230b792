/** The fallback card's visible text; override `IgEmbedElement.strings` (page-wide) or `el.strings` to translate. */
export interface IgEmbedStrings {
  /** The link to the post. */
  view: string;
  /** The provider attribution. */
  provider: string;
  /** Alt text for the thumbnail when no `thumbnail-alt` is given. */
  thumbnailAlt: string;
}

export const defaultStrings: IgEmbedStrings = {
  view: 'View this post on Instagram',
  provider: 'Instagram',
  thumbnailAlt: 'Preview of the Instagram post',
};
