/** The classic adapter files' options: `data-consent-*` on their own script tag, else on the ig-embed.js tag that loaded them. */

/**
 * Read while the adapter file runs (`document.currentScript` is its own tag then). Loaded by
 * `data-consent="<adapter>"` on the ig-embed.js tag, the adapter's tag has no attributes and the
 * ig-embed.js tag's apply; written by the page as a tag of its own (to pin it with `integrity`), its own
 * attributes win.
 */
export function scriptOptions(): DOMStringMap {
  const own = (document.currentScript as HTMLScriptElement | null)?.dataset;
  const main = document.querySelector<HTMLScriptElement>('script[data-consent][src*="ig-embed"]')?.dataset;
  return { ...main, ...own };
}
