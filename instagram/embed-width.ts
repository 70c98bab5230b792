/** Meta's accepted `maxwidth` range for Instagram embeds (Graph API error 2207049 outside it). */

export const MIN_EMBED_WIDTH = 320;
export const MAX_EMBED_WIDTH = 658;

/** True for a whole number of pixels Meta accepts as `maxwidth`. */
export function isEmbedWidth(value: number): boolean {
  return Number.isInteger(value) && value >= MIN_EMBED_WIDTH && value <= MAX_EMBED_WIDTH;
}
