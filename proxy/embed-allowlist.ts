/**
 * The allowlist for Instagram's embed HTML. The proxy cleans with it before caching and the widget
 * cleans with it again before inserting (defense in depth), so both import this one module. It is
 * pure data and string checks: no DOM, no Node APIs, safe in either runtime and tiny in a bundle.
 */

/** Elements Meta's embed blockquote is built from (2020 and 2026 shapes). Everything else is dropped. */
export const ALLOWED_ELEMENTS: ReadonlySet<string> = new Set([
  'blockquote', 'div', 'p', 'a', 'span', 'br', 'strong', 'em', 'time',
  'svg', 'g', 'path', 'circle', 'rect', 'polygon', 'line',
]);

/** Elements whose whole subtree is dropped, text included: their content is never shown as text. */
export const DROPPED_WITH_CONTENT: ReadonlySet<string> = new Set([
  'script', 'style', 'template', 'iframe', 'object', 'embed', 'noscript', 'textarea', 'title',
  'form', 'select', 'option', 'math', 'frameset', 'frame', 'noembed', 'noframes', 'xmp', 'plaintext',
]);

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
