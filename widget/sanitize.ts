/** The one function through which outside HTML enters the DOM, plus the page's Trusted Types policy. */
import { ALLOWED_ELEMENTS, cleanAttribute, isEmbedRoot, isInstagramHttpsUrl, MAX_EMBED_DEPTH } from '../instagram/embed-markup.js';
import { canonicalisePostUrl } from '../instagram/post-url.js';

const HTML_NS = 'http://www.w3.org/1999/xhtml';
const SVG_NS = 'http://www.w3.org/2000/svg';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

// The slice of the Trusted Types API used here (typed locally so the published .d.ts needs no extra types).
interface Policy {
  createHTML(input: string): unknown;
  createScriptURL(input: string): unknown;
}
type PolicyFactory = { createPolicy(name: string, rules: { createHTML(s: string): string; createScriptURL(s: string): string }): Policy };
let policy: Policy | null | undefined;

/**
 * The `ig-embed` Trusted Types policy, created on first use when the browser has Trusted Types.
 * It passes strings through unchanged, which is safe because it never leaves this module: createHTML
 * only feeds an inert <template> whose nodes are then rebuilt from the allowlist, and createScriptURL
 * only receives `IgEmbedElement.scriptSrc` and the classic script's consent-adapter URL (its own
 * directory and `data-consent`), both configured by the page itself.
 * If the page's CSP does not allow the name, the sinks throw and the element falls back (fails closed).
 */
function trusted(): Policy | null {
  if (policy === undefined) {
    policy = null;
    try {
      const factory = (window as { trustedTypes?: PolicyFactory }).trustedTypes;
      policy = factory?.createPolicy('ig-embed', { createHTML: (s) => s, createScriptURL: (s) => s }) ?? null;
    } catch {
      // `trusted-types` in the page's CSP does not list ig-embed.
    }
  }
  return policy;
}

/** A script URL the page configured (embed.js, a consent adapter), as a TrustedScriptURL when Trusted Types exist. */
export function scriptUrl(src: string): string {
  return (trusted()?.createScriptURL(src) ?? src) as string;
}

/**
 * Returns a fresh copy of the one top-level `blockquote.instagram-media` in `html`, by the rules the
 * proxy's sanitiser applies too (`instagram/embed-markup.ts`), or null when the document breaks them:
 * no such blockquote or more than one, a permalink that is not `expectedPermalink`'s post, a second
 * embed inside the first, or a tree deeper than the cap. Why this is safe: the string is parsed inside a
 * <template>, whose document has no browsing context, so nothing in it loads or runs; then a new tree
 * is built from scratch with createElementNS/setAttribute, copying only allowlisted elements (a
 * disallowed one goes with its subtree) and attributes (no on*, srcdoc, src, javascript: or foreign
 * URLs, no style with url()/expression()).
 */
export function sanitizeEmbed(html: string, expectedPermalink?: string): HTMLElement | null {
  const template = document.createElement('template');
  template.innerHTML = (trusted()?.createHTML(html) ?? html) as string;
  // The HTML parser only makes HTML blockquotes (`blockquote` leaves SVG and MathML), so no namespace test.
  const roots = [...template.content.children].filter((el) => isEmbedRoot(el.localName, el.getAttribute('class')));
  const permalink = roots[0]?.getAttribute('data-instgrm-permalink');
  // The permalink attribute's own rule (embed-markup.ts `cleanAttribute`), then the post it names.
  if (roots.length !== 1 || !permalink || !isInstagramHttpsUrl(permalink)) return null;
  const post = canonicalisePostUrl(permalink);
  if (!post || (expectedPermalink !== undefined && canonicalisePostUrl(expectedPermalink)?.url !== post.url)) return null;
  try {
    return copy(roots[0]!, 0) as HTMLElement;
  } catch (error) {
    if (error === REJECTED) return null;
    throw error;
  }
}

/** Thrown inside the walk to abandon the whole document; never escapes this module. */
const REJECTED = new Error();

/** The allowed copy of `source` at `depth` below the root, or null when it is dropped with its subtree. */
function copy(source: Element, depth: number): Element | null {
  const tag = source.localName;
  const ns = source.namespaceURI;
  if (!ALLOWED_ELEMENTS.has(tag) || (ns !== HTML_NS && ns !== SVG_NS)) return null;
  if (depth > MAX_EMBED_DEPTH || (depth > 0 && isEmbedRoot(tag, source.getAttribute('class')))) throw REJECTED;
  const out = document.createElementNS(ns, tag);
  for (const { name, value: raw } of source.attributes) {
    const value = cleanAttribute(tag, name, raw, depth === 0);
    if (value === null) continue;
    // xmlns attributes live in the XMLNS namespace, as the HTML parser puts them on a re-parse of the proxy's output.
    if (name.startsWith('xmlns')) out.setAttributeNS(XMLNS_NS, name, value);
    else out.setAttribute(name, value);
  }
  for (const child of source.childNodes) {
    // A string appended becomes a new text node of our document. (The HTML parser makes no CDATA
    // sections, the one other kind of Text; comments and the rest are dropped.)
    if (child instanceof Text) out.append(child.data);
    else if (child instanceof Element) {
      const kept = copy(child, depth + 1);
      if (kept) out.append(kept);
    }
  }
  return out;
}
