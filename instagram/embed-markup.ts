/**
 * The rules for Instagram's embed markup, applied by both sanitisers: the proxy's (htmlparser2, before
 * caching) and the widget's (the browser's DOM, before inserting, as defense in depth). Both walk their
 * own tree and ask these functions, so they agree by construction:
 * - the document holds exactly one top-level `blockquote.instagram-media` (`isEmbedRoot`), whose
 *   `data-instgrm-permalink` names the requested post;
 * - an element not in ALLOWED_ELEMENTS is dropped together with its subtree, text included;
 * - deeper than MAX_EMBED_DEPTH, or a second embed root inside the first: the whole document is refused;
 * - an attribute stays only when `cleanAttribute` returns a value for it; a style keeps only the
 *   declarations on the CSS allowlist (`cleanStyle`), and no element below the root names a post.
 * Pure data and string checks: no DOM, no Node APIs, safe in either runtime and tiny in a bundle. An
 * expression only one function needs is written in that function: a module-level name costs the classic
 * script bytes, and the engine compiles a literal once either way.
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


/*
 * Inline styles keep only the declarations Meta's embed markup is made of (every recording in
 * proxy/fixtures/graph, 2020 and 2026): these properties, with values built from plain numbers, lengths,
 * hex colours, keywords, `calc(a ± b)`, `rgb()/rgba()` and, in `transform`, at most three small
 * `translate…()`/`rotate()` steps. So nothing can load (no `url()`, `image-set()` or any other
 * function), nothing can leave the embed's box (`position` only static or relative, no `z-index`, no
 * offsets, no negative margins, lengths under 1000, transforms under 100px), and no escape, comment,
 * quote or `!important` gets through: each of those fails the grammar and its declaration is dropped.
 */
const W = '[\\t\\n\\f\\r ]';
const NUMBER = '(?:\\d{1,3}(?:\\.\\d+)?|\\.\\d+)(?:px|%)?';
const SMALL = '-?\\d{1,2}(?:\\.\\d+)?(?:px|deg)?';
const LIST = (item: string) => `(?:${W}*,${W}*${item})`;
const TOKEN = `(?:(?:-webkit-)?calc\\(${NUMBER}${W}+[+-]${W}+${NUMBER}\\)|rgba?\\(${NUMBER}${LIST(NUMBER)}{2,3}\\)|#[\\da-f]{3,8}|${NUMBER}|[a-z]+(?:-[a-z]+)*)`;
const STEP = `(?:translate[xy]?|rotate)\\(${SMALL}${LIST(SMALL)}?\\)`;
const whole = (body: string) => new RegExp(`^${W}*(?:${body})${W}*$`, 'i');
// The allowed property names, each pattern with the grammar of its values. No name matches two patterns
// (`position` and `transform` are not in the long list), so the one a name matches decides.
const DECLARATIONS: ReadonlyArray<[name: RegExp, value: RegExp]> = [
  [whole('position'), whole('static|relative')],
  [whole('transform'), whole(`${STEP}(?:${W}+${STEP}){0,2}`)],
  [whole('(?:margin|padding|border)(?:-(?:top|right|bottom|left))?|border-(?:radius|width|style|color)|(?:(?:max|min)-)?(?:width|height)|background(?:-color)?|color|display|overflow|box-shadow|align-items|justify-content|flex-(?:direction|grow|shrink|wrap)|font-(?:family|size|style|weight)|line-height|text-(?:align|decoration|overflow)|white-space'),
    whole(`${TOKEN}(?:(?:${W}*,${W}*|${W}+)${TOKEN})*`)],
];
/** Meta's longest inline style is about 250 characters; a longer one is not Meta's. */
const MAX_STYLE_LENGTH = 1024;

/**
 * The declarations of style `value` that are on the allowlist, or null when none is. A style whose
 * every declaration is allowed comes back as it was, byte for byte (so Meta's markup is unchanged);
 * otherwise the allowed ones are joined by `;` as they were written.
 */
export function cleanStyle(value: string): string | null {
  if (value.length > MAX_STYLE_LENGTH) return null;
  // Empty or blank (CSS whitespace only) pieces are no declarations.
  const declarations = value.split(';').filter((d) => !/^[\t\n\f\r ]*$/.test(d));
  // Each `name:value` declaration on the allowlist.
  const kept = declarations.filter((declaration) => {
    const colon = declaration.indexOf(':');
    const name = declaration.slice(0, colon);
    const value = declaration.slice(colon + 1);
    return colon > 0 && DECLARATIONS.some(([names, values]) => names.test(name) && values.test(value));
  });
  if (kept.length === 0) return null;
  return kept.length === declarations.length ? value : kept.join(';');
}

/**
 * True for `https://instagram.com/…` or `https://www.instagram.com/…` with nothing unusual in it.
 * No URL object is needed: in a string of visible ASCII without `\` whose authority ends at the first
 * `/`, every URL parser reads https, exactly that host, no port and no user info
 * (test/instagram/embed-markup.property.test.ts holds this against `new URL()`). Unusual: NUL to space
 * (`\0- `: control characters and whitespace), DEL and everything above (`\x7f-\uffff`: non-ASCII),
 * which browsers repair or reinterpret, and `\`.
 */
export function isInstagramHttpsUrl(value: string): boolean {
  return value.length <= 2048 && !/[\0- \x7f-\uffff\\]/.test(value) && /^https:\/\/(www\.)?instagram\.com\//i.test(value);
}

/** True when style `value` is on the allowlist as it stands (cleanStyle would keep all of it). */
export function isSafeStyle(value: string): boolean {
  return cleanStyle(value) === value;
}

/**
 * `tag` (lower case) with `classValue` is an embed root: the element embed.js turns into an iframe. The
 * class token embed.js looks for, split on the same whitespace as HTML's class splitting.
 */
export function isEmbedRoot(tag: string, classValue: string | null | undefined): boolean {
  return tag === 'blockquote' && /(?:^|[\t\n\f\r ])instagram-media(?:$|[\t\n\f\r ])/.test(classValue ?? '');
}

/**
 * Whether attribute `name` (any case) with `value` may stay on element `tag` (lower case), as it is:
 * what `cleanAttribute` keeps unchanged on the root. `on*`, `srcdoc`, `src`, `formaction` and every
 * other unlisted name are refused.
 */
export function isAllowedAttribute(tag: string, name: string, value: string): boolean {
  return cleanAttribute(tag, name, value, true) === value;
}

/** The rule for each attribute but `style`, by its lower-case name `attr`. */
function allows(tag: string, attr: string, value: string): boolean {
  if (attr === 'href') return tag === 'a' && isInstagramHttpsUrl(value);
  if (attr === 'data-instgrm-permalink') return isInstagramHttpsUrl(value);
  if (attr === 'target') return tag === 'a' && value === '_blank';
  if (attr === 'rel') return tag === 'a' && /^[a-z ]*$/i.test(value);
  if (attr === 'xmlns' || attr === 'xmlns:xlink') {
    return tag === 'svg' && (value === 'http://www.w3.org/2000/svg' || value === 'http://www.w3.org/1999/xlink');
  }
  // No name in PLAIN_ATTRIBUTES starts with `data-instgrm-` or `stroke`: a misspelt one is refused either way.
  return /^(?:data-instgrm-[a-z-]+|stroke(?:-[a-z]+)*)$/.test(attr) || PLAIN_ATTRIBUTES.has(attr);
}

/**
 * The value attribute `name` keeps on `tag`, or null to drop it. Below the root, class tokens that
 * start with `instagram-media` are removed and `data-instgrm-permalink` is dropped, so embed.js only
 * ever sees the one root it was given, for the requested post (and never a copied
 * `instagram-media-rendered` state); a class left empty is dropped. A style keeps its allowed declarations.
 */
export function cleanAttribute(tag: string, name: string, value: string, isRoot: boolean): string | null {
  const attr = name.toLowerCase();
  if (attr === 'style') return cleanStyle(value);
  if (!allows(tag, attr, value) || (!isRoot && attr === 'data-instgrm-permalink')) return null;
  if (isRoot || attr !== 'class') return value;
  const kept = value.split(/[\t\n\f\r ]+/).filter((token) => token !== '' && !token.startsWith('instagram-media')).join(' ');
  return kept === '' ? null : kept;
}
