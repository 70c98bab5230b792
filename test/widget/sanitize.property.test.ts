// Properties of the widget's sanitiser over generated tag soup (fast-check), in the browsers' own parsers:
// whatever comes out is one embed root for the requested post, inside the allowlist, and stable.
import fc from 'fast-check';
import { ALLOWED_ELEMENTS, isAllowedAttribute, isEmbedRoot, MAX_EMBED_DEPTH } from '../../instagram/embed-markup.js';
import { canonicalisePostUrl } from '../../instagram/post-url.js';
import { sanitizeEmbed } from '../../widget/sanitize.js';
import { embedDocument, PERMALINK } from '../support/tag-soup.js';
import { equal } from './support/helpers.js';

const NAMESPACES = new Set(['http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg']);

function assertInsideAllowlist(root: Element): void {
  equal(isEmbedRoot(root.localName, root.getAttribute('class')), true, 'the root is the embed');
  equal(canonicalisePostUrl(root.getAttribute('data-instgrm-permalink') ?? '')?.url, PERMALINK, 'for the requested post');
  const visit = (el: Element, depth: number): void => {
    equal(ALLOWED_ELEMENTS.has(el.localName) && NAMESPACES.has(el.namespaceURI ?? ''), true, `element ${el.namespaceURI} ${el.localName}`);
    equal(depth <= MAX_EMBED_DEPTH, true, 'depth');
    for (const { name, value } of Array.from(el.attributes)) {
      equal(isAllowedAttribute(el.localName, name, value), true, `${el.localName}[${name}=${value}]`);
      if (depth > 0) equal(name === 'data-instgrm-permalink' || (name === 'class' && /(^|\s)instagram-media/.test(value)), false, `${name} below the root`);
    }
    for (const child of Array.from(el.childNodes)) {
      if (child instanceof Element) visit(child, depth + 1);
      else equal(child.nodeType, Node.TEXT_NODE, 'only elements and text');
    }
  };
  visit(root, 0);
}

describe('sanitizeEmbed over generated tag soup', () => {
  it('returns null or one embed root for the requested post inside the allowlist, which sanitises to itself', () => {
    let cleaned = 0;
    fc.assert(fc.property(embedDocument, (html) => {
      const root = sanitizeEmbed(html, PERMALINK);
      if (root === null) return;
      cleaned++;
      assertInsideAllowlist(root);
      equal(sanitizeEmbed(root.outerHTML, PERMALINK)?.outerHTML, root.outerHTML, 'idempotent');
    }), { numRuns: 600, seed: 21 });
    equal(cleaned > 200, true, `only ${cleaned} of 600 documents were cleaned`);
  });
});
