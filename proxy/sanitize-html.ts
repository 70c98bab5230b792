/** Reduces Meta's oEmbed `html` to one allowlisted `blockquote.instagram-media` tree before caching, at a bounded cost. */
import { Parser } from 'htmlparser2';
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

/** The cleaned html, in UTF-8 bytes. Real embeds are about 6.5 KB; ten times that is not an embed. */
export const MAX_CLEAN_HTML_BYTES = 64 * 1024;

/**
 * Elements opened in the whole document, dropped ones included; real embeds have about 36. htmlparser2
 * keeps unclosed elements on a stack that every later tag walks, so a flood of them (52k unclosed
 * `<div>`s fit in 256 KiB) would cost seconds; the walk stops at this count instead.
 */
export const MAX_EMBED_ELEMENTS = 2048;

/** Attributes in the whole document (real embeds: about 100), so one tag cannot carry 50,000. */
export const MAX_EMBED_ATTRIBUTES = 4096;

/** Why a document was refused; logged, never sent to clients (they get `upstream_invalid`). */
export type Refusal =
  | 'no_embed'           // no top-level blockquote.instagram-media
  | 'several_embeds'     // more than one at the top level
  | 'nested_embed'       // another embed root inside the first
  | 'permalink'          // missing, not an Instagram post URL, or another post than the one asked for
  | 'too_deep'           // an element kept deeper than MAX_EMBED_DEPTH below the root
  | 'too_many_elements'  // over MAX_EMBED_ELEMENTS or MAX_EMBED_ATTRIBUTES
  | 'too_large';         // input over MAX_EMBED_HTML_LENGTH, or cleaned html over MAX_CLEAN_HTML_BYTES

/** The cleaned html, or why not and how far into the input the parser had got when it stopped. */
export type CleanResult = { html: string } | { refused: Refusal; at: number };

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

/** Thrown inside the walk to abandon the whole document; never escapes this module. */
class Rejected extends Error {
  constructor(readonly reason: Refusal) {
    super(reason);
  }
}

/** `<name …>` with the attributes `cleanAttribute` keeps, every value re-escaped. */
function openTag(name: string, attribs: Record<string, string>, isRoot: boolean): string {
  let tag = `<${name}`;
  for (const [attr, raw] of Object.entries(attribs)) {
    const value = cleanAttribute(name, attr, raw, isRoot);
    if (value === null) continue;
    const shown = SVG_ATTRIBUTE_CASE[attr] ?? attr;
    // Bare boolean attributes stay bare, as Meta writes `data-instgrm-captioned`.
    tag += value === '' ? ` ${shown}` : ` ${shown}="${escapeAttribute(value)}"`;
  }
  return `${tag}>`;
}

/**
 * The cleaned `blockquote.instagram-media` from Meta's `html`, or why it was refused (502
 * `upstream_invalid`): not exactly one such blockquote at the top level, a `data-instgrm-permalink`
 * that is not an Instagram post URL or names another post than `expectedPermalink` (compared
 * canonically, so Meta's `?utm_source=…` and `/reels/` spellings match), or a limit passed.
 *
 * One pass over htmlparser2's events, with no tree: the shared rules of `instagram/embed-markup.ts`
 * (the widget's sanitiser applies the same ones) decide each element and attribute as it opens, and the
 * output is written as it goes. The events are the ones htmlparser2's own tree builder receives, so the
 * result is what walking `parseDocument`'s tree would give; but the walk stops at the first limit
 * passed (depth, element and attribute counts, output size), so a hostile document costs no more than
 * reading up to that point. Comments, processing instructions and CDATA are dropped; everything
 * outside the blockquote too, Meta's trailing script included. Every value is re-escaped, so the
 * output contains no `<` but our own tags and a browser parses it into exactly the allowlisted
 * elements, whatever the input parsed as in htmlparser2.
 */
export function cleanEmbedHtml(html: string, expectedPermalink?: string): CleanResult {
  if (html.length > MAX_EMBED_HTML_LENGTH) return { refused: 'too_large', at: 0 };
  const expected = expectedPermalink === undefined ? undefined : canonicalisePostUrl(expectedPermalink)?.url ?? null;
  let out = '';
  /**
   * Names of the elements open right now; its length is the depth of the next one (0 = top level, the
   * root's children are at 1). A close event pops it whatever name it carries, as htmlparser2's tree
   * builder does (an unfinished `<tag` at the very end is closed without having been opened).
   */
  const stack: string[] = [];
  let elements = 0;
  let attributes = 0;
  let state = 'before' as 'before' | 'inside' | 'after';
  /** While a dropped element's subtree is being skipped: the depth of that element, else -1. */
  let skipping = -1;

  const emit = (s: string): void => {
    out += s;
    // Characters never outnumber UTF-8 bytes: stop as soon as the length alone is over the cap.
    if (out.length > MAX_CLEAN_HTML_BYTES) throw new Rejected('too_large');
  };

  const parser = new Parser({
    onattribute() {
      if (++attributes > MAX_EMBED_ATTRIBUTES) throw new Rejected('too_many_elements');
    },
    onopentag(name, attribs) {
      const depth = stack.push(name) - 1;
      if (++elements > MAX_EMBED_ELEMENTS) throw new Rejected('too_many_elements');
      if (skipping >= 0) return;
      if (state !== 'inside') {
        if (depth !== 0 || !isEmbedRoot(name, attribs.class)) return;
        if (state === 'after') throw new Rejected('several_embeds');
        const permalink = attribs['data-instgrm-permalink'];
        const post = permalink !== undefined && isAllowedAttribute('blockquote', 'data-instgrm-permalink', permalink)
          ? canonicalisePostUrl(permalink) : null;
        if (post === null || (expected !== undefined && expected !== post.url)) throw new Rejected('permalink');
        state = 'inside';
        emit(openTag(name, attribs, true));
        return;
      }
      if (!ALLOWED_ELEMENTS.has(name)) {
        skipping = depth;
        return;
      }
      if (depth > MAX_EMBED_DEPTH) throw new Rejected('too_deep');
      // A second embed inside the first would be picked up by embed.js on its own.
      if (isEmbedRoot(name, attribs.class)) throw new Rejected('nested_embed');
      emit(openTag(name, attribs, false));
    },
    ontext(text) {
      if (state === 'inside' && skipping < 0) emit(escapeText(text));
    },
    onclosetag() {
      const name = stack.pop();
      const depth = stack.length;
      if (name === undefined) return;
      if (skipping >= 0) {
        if (depth === skipping) skipping = -1;
        return;
      }
      if (state !== 'inside') return;
      if (depth === 0) state = 'after';
      if (!VOID_ELEMENTS.has(name)) emit(`</${name}>`);
    },
  });

  try {
    parser.end(html);
  } catch (error) {
    if (error instanceof Rejected) return { refused: error.reason, at: parser.endIndex };
    throw error;
  }
  if (state !== 'after') return { refused: 'no_embed', at: html.length };
  if (Buffer.byteLength(out, 'utf8') > MAX_CLEAN_HTML_BYTES) return { refused: 'too_large', at: html.length };
  return { html: out };
}

/** `cleanEmbedHtml`'s html, or null when the document was refused. */
export function sanitizeEmbedHtml(html: string, expectedPermalink?: string): string | null {
  const result = cleanEmbedHtml(html, expectedPermalink);
  return 'html' in result ? result.html : null;
}
