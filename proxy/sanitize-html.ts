/** Reduces Meta's oEmbed `html` to one allowlisted `blockquote.instagram-media` tree before caching. */
import { DomUtils, parseDocument } from 'htmlparser2';
import { ALLOWED_ELEMENTS, cleanAttribute, isAllowedAttribute, isEmbedRoot, MAX_EMBED_DEPTH } from '../instagram/embed-markup.js';
import { canonicalisePostUrl } from '../instagram/post-url.js';

/**
 * The script tag Meta appends today when `omitscript` is not set (2020 and 2026 recordings alike).
 * The proxy always asks Meta with `omitscript=true` and appends this itself, after a `\n` as Meta does,
 * for clients that did not ask for `omitscript`. (`//www.instagram.com/embed.js` was the legacy
 * endpoint's tag; both load the same `instgrm.Embeds`.)
 */
export const EMBED_SCRIPT_TAG = '<script async src="//platform.instagram.com/en_US/embeds.js"></script>';

/** Matches the Graph client's body cap: anything longer is not Meta's embed. */
export const MAX_EMBED_HTML_LENGTH = 256 * 1024;

type Node = ReturnType<typeof parseDocument>['children'][number];
type Element = Extract<Node, { attribs: Record<string, string> }>;

const VOID_ELEMENTS: ReadonlySet<string> = new Set(['br']);

/** htmlparser2 lower-cases attribute names; SVG wants these back in camelCase. */
const SVG_ATTRIBUTE_CASE: Readonly<Record<string, string>> = { viewbox: 'viewBox' };

const TEXT_SPECIALS = /[&<>]/g;
const ATTRIBUTE_SPECIALS = /[&<>"]/g;
const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeWith = (specials: RegExp) => (value: string): string =>
  value.replace(specials, (c) => ENTITY[c] ?? c);
const escapeText = escapeWith(TEXT_SPECIALS);
const escapeAttribute = escapeWith(ATTRIBUTE_SPECIALS);

const isEmbedBlockquote = (node: Node): node is Element =>
  DomUtils.isTag(node) && isEmbedRoot(node.name, node.attribs.class);

/** Thrown inside the walk to abandon the whole document; never escapes this module. */
class Rejected extends Error {}

/**
 * Appends `node` to `out` if it is allowed, by the shared rules of `instagram/embed-markup.ts` (the
 * widget's sanitiser applies the same ones). Comments, processing instructions and CDATA are dropped.
 * Every value is re-escaped, so the output contains no `<` but our own tags and a browser parses it
 * into exactly the allowlisted elements, whatever the input parsed as in htmlparser2.
 */
function serialise(node: Node, depth: number, out: string[]): void {
  if (DomUtils.isText(node)) {
    out.push(escapeText(node.data));
    return;
  }
  if (!DomUtils.isTag(node) || !ALLOWED_ELEMENTS.has(node.name)) return;
  if (depth > MAX_EMBED_DEPTH) throw new Rejected();
  // A second embed inside the first would be picked up by embed.js on its own.
  if (depth > 0 && isEmbedBlockquote(node)) throw new Rejected();
  let tag = `<${node.name}`;
  for (const [name, raw] of Object.entries(node.attribs)) {
    const value = cleanAttribute(node.name, name, raw, depth === 0);
    if (value === null) continue;
    const shown = SVG_ATTRIBUTE_CASE[name] ?? name;
    // Bare boolean attributes stay bare, as Meta writes `data-instgrm-captioned`.
    tag += value === '' ? ` ${shown}` : ` ${shown}="${escapeAttribute(value)}"`;
  }
  out.push(`${tag}>`);
  if (VOID_ELEMENTS.has(node.name)) return;
  for (const child of node.children) serialise(child, depth + 1, out);
  out.push(`</${node.name}>`);
}

/**
 * The cleaned `blockquote.instagram-media` from Meta's `html`, or null (502 `upstream_invalid`) when
 * there is not exactly one such blockquote at the top level, when its `data-instgrm-permalink` is not
 * an Instagram post URL, or when it names another post than `expectedPermalink` (compared canonically,
 * so Meta's `?utm_source=…` and `/reels/` spellings match). Meta's trailing script tag is dropped.
 */
export function sanitizeEmbedHtml(html: string, expectedPermalink?: string): string | null {
  if (html.length > MAX_EMBED_HTML_LENGTH) return null;
  const candidates = parseDocument(html).children.filter(isEmbedBlockquote);
  const blockquote = candidates[0];
  if (blockquote === undefined || candidates.length > 1) return null;

  const permalink = blockquote.attribs['data-instgrm-permalink'];
  if (permalink === undefined || !isAllowedAttribute('blockquote', 'data-instgrm-permalink', permalink)) return null;
  const post = canonicalisePostUrl(permalink);
  if (post === null) return null;
  if (expectedPermalink !== undefined && canonicalisePostUrl(expectedPermalink)?.url !== post.url) return null;

  const out: string[] = [];
  try {
    serialise(blockquote, 0, out);
  } catch (error) {
    if (error instanceof Rejected) return null;
    throw error;
  }
  return out.join('');
}
