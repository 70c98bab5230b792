/** The one function through which outside HTML enters the DOM, plus the page's Trusted Types policy. */
import { ALLOWED_ELEMENTS, DROPPED_WITH_CONTENT, isAllowedAttribute } from '../proxy/embed-allowlist.js';

const HTML_NS = 'http://www.w3.org/1999/xhtml';
const SVG_NS = 'http://www.w3.org/2000/svg';

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
 * only receives `IgEmbedElement.scriptSrc`, which the page itself configures.
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
  return policy ?? null;
}

/** The script URL for embed.js, as a TrustedScriptURL when Trusted Types exist. */
export function scriptUrl(src: string): string {
  return (trusted()?.createScriptURL(src) ?? src) as string;
}

/**
 * Returns a fresh copy of the first `blockquote.instagram-media` in `html`, keeping only what the
 * shared allowlist permits, or null if there is none. Why this is safe: the string is parsed inside a
 * <template>, whose document has no browsing context, so nothing in it loads or runs; then a new
 * tree is built from scratch with createElementNS/setAttribute, copying only allowlisted elements and
 * attributes (no on*, srcdoc, src, javascript: or foreign URLs, no forms, iframes, objects or scripts,
 * no style with url()/expression()). Nested `instagram-media` classes are stripped so embed.js only
 * ever sees the one root blockquote.
 */
export function sanitizeEmbed(html: string): HTMLElement | null {
  const template = document.createElement('template');
  template.innerHTML = (trusted()?.createHTML(html) ?? html) as string;
  const root = template.content.querySelector('blockquote.instagram-media');
  return root ? (copy(root, true) as HTMLElement) : null;
}

function copy(source: Element, isRoot = false): Node {
  const tag = source.localName;
  const ns = source.namespaceURI;
  const keep = ALLOWED_ELEMENTS.has(tag) && (ns === HTML_NS || ns === SVG_NS);
  // A disallowed element is unwrapped: its allowed descendants and text survive, it does not.
  const out = keep ? document.createElementNS(ns, tag) : document.createDocumentFragment();
  if (out instanceof Element) {
    for (const { name, value } of Array.from(source.attributes)) {
      if (name.startsWith('xmlns') || !isAllowedAttribute(tag, name, value)) continue;
      out.setAttribute(name, name === 'class' && !isRoot ? value.replace(/\binstagram-media\S*/g, '') : value);
    }
  }
  for (const child of Array.from(source.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) out.appendChild(document.createTextNode(child.nodeValue ?? ''));
    else if (child instanceof Element && !DROPPED_WITH_CONTENT.has(child.localName)) out.appendChild(copy(child));
  }
  return out;
}
