/**
 * The rules for Instagram's embed markup, applied by both sanitisers: the proxy's (htmlparser2, before
 * caching) and the widget's (the browser's DOM, before inserting, as defense in depth). Both walk their
 * own tree and ask these functions, so they agree by construction:
 * - the document holds exactly one top-level `blockquote.instagram-media` (`isEmbedRoot`), whose
 *   `data-instgrm-permalink` names the requested post;
 * - an element not in ALLOWED_ELEMENTS is dropped together with its subtree, text included;
 * - deeper than MAX_EMBED_DEPTH, or a second embed root inside the first: the whole document is refused;
 * - an attribute stays only when `cleanAttribute` returns a value for it.
 * Pure data and string checks: no DOM, no Node APIs, safe in either runtime and tiny in a bundle.
 */

/** Elements Meta's embed blockquote is built from (2020 and 2026 shapes). Everything else is dropped. */
export const ALLOWED_ELEMENTS: ReadonlySet<string> = new Set([
  'blockquote', 'div', 'p', 'a', 'span', 'br', 'strong', 'em', 'time',
  'svg', 'g', 'path', 'circle', 'rect', 'polygon', 'line',
]);

/** Meta's tree is about 10 levels deep; the cap keeps both recursive walks far from the stack limit. */
export const MAX_EMBED_DEPTH = 32;

const PLAIN_ATTRIBUTES: ReadonlySet<string> = new Set([
  'class', 'width', 'height', 'viewbox', 'version', 'fill', 'fill-rule', 'clip-rule', 'd',
  'transform', 'datetime', 'cx', 'cy', 'r', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'points', 'opacity',
]);

const SVG_NAMESPACES: ReadonlySet<string> = new Set([
  'http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink',
]);

/**
 * CSS that can fetch, run code or hide behind escapes. Meta's inline styles never need any of it,
 * so a style value containing one is dropped whole rather than repaired.
 */
const DANGEROUS_STYLE = /url\s*\(|expression\s*\(|javascript:|@import|behavior\s*:|-moz-binding|[\\<>]|\/\*/i;

// Control characters, whitespace inside URLs and non-ASCII: browsers repair or reinterpret them.
// eslint-disable-next-line no-control-regex
const URL_UNSAFE_CHARS = /[\u0000-\u0020\u007f-\uffff\\]/;

/** The class token embed.js looks for; the same whitespace set as HTML's class splitting. */
const EMBED_CLASS = /(?:^|[\t\n\f\r ])instagram-media(?:$|[\t\n\f\r ])/;

/** True for `https://instagram.com/…` or `https://www.instagram.com/…` with nothing unusual in it. */
export function isInstagramHttpsUrl(value: string): boolean {
  if (value.length > 2048 || URL_UNSAFE_CHARS.test(value)) return false;
  if (!/^https:\/\/(www\.)?instagram\.com\//i.test(value)) return false;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    (parsed.hostname === 'www.instagram.com' || parsed.hostname === 'instagram.com') &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

export function isSafeStyle(value: string): boolean {
  return !DANGEROUS_STYLE.test(value);
}

/** `tag` (lower case) with `classValue` is an embed root: the element embed.js turns into an iframe. */
export function isEmbedRoot(tag: string, classValue: string | null | undefined): boolean {
  return tag === 'blockquote' && EMBED_CLASS.test(classValue ?? '');
}

/**
 * Whether attribute `name` (any case) with `value` may stay on element `tag` (lower case).
 * `on*`, `srcdoc`, `src`, `formaction` and every other unlisted name are refused.
 */
export function isAllowedAttribute(tag: string, name: string, value: string): boolean {
  const attr = name.toLowerCase();
  if (attr === 'style') return isSafeStyle(value);
  if (attr === 'href') return tag === 'a' && isInstagramHttpsUrl(value);
  if (attr === 'data-instgrm-permalink') return isInstagramHttpsUrl(value);
  if (attr === 'target') return tag === 'a' && value === '_blank';
  if (attr === 'rel') return tag === 'a' && /^[a-z ]*$/i.test(value);
  if (attr === 'xmlns' || attr === 'xmlns:xlink') return tag === 'svg' && SVG_NAMESPACES.has(value);
  if (attr.startsWith('data-instgrm-')) return /^data-instgrm-[a-z-]+$/.test(attr);
  if (attr.startsWith('stroke')) return /^stroke(-[a-z]+)*$/.test(attr);
  return PLAIN_ATTRIBUTES.has(attr);
}

/**
 * The value attribute `name` keeps on `tag`, or null to drop it. Below the root, class tokens that
 * start with `instagram-media` are removed, so embed.js only ever sees the one root it was given
 * (and never a copied `instagram-media-rendered` state); a class left empty is dropped.
 */
export function cleanAttribute(tag: string, name: string, value: string, isRoot: boolean): string | null {
  if (!isAllowedAttribute(tag, name, value)) return null;
  if (isRoot || name.toLowerCase() !== 'class') return value;
  const kept = value.split(/[\t\n\f\r ]+/).filter((token) => token !== '' && !token.startsWith('instagram-media')).join(' ');
  return kept === '' ? null : kept;
}
