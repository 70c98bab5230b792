// Properties of the proxy's sanitiser over generated tag soup (fast-check): whatever comes out is inside the
// allowlist, and the one-pass streaming walk gives exactly what walking htmlparser2's tree would.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DomUtils, parseDocument } from 'htmlparser2';
import { ALLOWED_ELEMENTS, cleanAttribute, cleanStyle, isAllowedAttribute, isEmbedRoot, MAX_EMBED_DEPTH } from '../../instagram/embed-markup.js';
import { canonicalisePostUrl } from '../../instagram/post-url.js';
import { MAX_CLEAN_HTML_BYTES, sanitizeEmbedHtml } from '../../proxy/sanitize-html.js';
import { embedDocument, PERMALINK, styleValue, tagSoup } from '../support/tag-soup.js';

type Node = ReturnType<typeof parseDocument>['children'][number];

/** Fails unless `output` is one embed root for PERMALINK holding only allowlisted elements and attributes. */
function assertInsideAllowlist(output: string): void {
  assert.equal(Buffer.byteLength(output) <= MAX_CLEAN_HTML_BYTES, true, 'within 64 KiB');
  const doc = parseDocument(output);
  assert.equal(doc.children.length, 1, 'one root');
  const root = doc.children[0]!;
  assert.equal(DomUtils.isTag(root) && isEmbedRoot(root.name, root.attribs.class), true, 'the root is the embed');
  if (!DomUtils.isTag(root)) return;
  assert.equal(canonicalisePostUrl(root.attribs['data-instgrm-permalink'] ?? '')?.url, PERMALINK, 'for the requested post');
  const visit = (node: Node, depth: number): void => {
    if (DomUtils.isText(node)) return;
    assert.equal(DomUtils.isTag(node), true, `only elements and text, got ${node.type}`);
    if (!DomUtils.isTag(node)) return;
    assert.equal(ALLOWED_ELEMENTS.has(node.name), true, `element ${node.name}`);
    assert.equal(depth <= MAX_EMBED_DEPTH, true, 'depth');
    for (const [name, value] of Object.entries(node.attribs)) {
      assert.equal(isAllowedAttribute(node.name, name, value), true, `${node.name}[${name}=${value}]`);
      if (depth > 0) assert.equal(name === 'data-instgrm-permalink' || (name === 'class' && /(^|\s)instagram-media/.test(value)), false, `${name} below the root`);
    }
    node.children.forEach((child) => visit(child, depth + 1));
  };
  visit(root, 0);
}

/** The walk sanitize-html.ts did before it streamed: parseDocument, then a recursive walk by the same rules. */
function viaTree(html: string, expected: string): string | null {
  const isRoot = (n: Node): n is Extract<Node, { attribs: Record<string, string> }> => DomUtils.isTag(n) && isEmbedRoot(n.name, n.attribs.class);
  const roots = parseDocument(html).children.filter(isRoot);
  const permalink = roots[0]?.attribs['data-instgrm-permalink'];
  if (roots.length !== 1 || permalink === undefined || !isAllowedAttribute('blockquote', 'data-instgrm-permalink', permalink)
    || canonicalisePostUrl(permalink)?.url !== canonicalisePostUrl(expected)?.url) return null;
  const escape = (s: string, attribute: boolean) => s.replace(attribute ? /[&<>"]/g : /[&<>]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);
  const walk = (node: Node, depth: number): string => {
    if (DomUtils.isText(node)) return escape(node.data, false);
    if (!DomUtils.isTag(node) || !ALLOWED_ELEMENTS.has(node.name)) return '';
    if (depth > MAX_EMBED_DEPTH || (depth > 0 && isRoot(node))) throw new Error('refused');
    let tag = `<${node.name}`;
    for (const [name, raw] of Object.entries(node.attribs)) {
      const value = cleanAttribute(node.name, name, raw, depth === 0);
      if (value !== null) tag += value === '' ? ` ${name === 'viewbox' ? 'viewBox' : name}` : ` ${name === 'viewbox' ? 'viewBox' : name}="${escape(value, true)}"`;
    }
    if (node.name === 'br') return `${tag}>`;
    return `${tag}>${node.children.map((child) => walk(child, depth + 1)).join('')}</${node.name}>`;
  };
  try {
    return walk(roots[0]!, 0);
  } catch {
    return null;
  }
}

describe('sanitizeEmbedHtml over generated tag soup', () => {
  test('its output is null or one embed root for the requested post, inside the allowlist, and idempotent', () => {
    let cleaned = 0;
    fc.assert(fc.property(embedDocument, (html) => {
      const output = sanitizeEmbedHtml(html, PERMALINK);
      if (output === null) return;
      cleaned++;
      assertInsideAllowlist(output);
      assert.equal(sanitizeEmbedHtml(output, PERMALINK), output, 'idempotent');
    }), { numRuns: 1500, seed: 12 });
    // The property says something only if many documents are cleaned rather than refused.
    assert.equal(cleaned > 500, true, `only ${cleaned} of 1500 documents were cleaned`);
  });

  test('the streaming walk gives exactly what walking parseDocument\'s tree gives', () => {
    fc.assert(fc.property(fc.oneof(embedDocument, tagSoup), (html) => {
      assert.equal(sanitizeEmbedHtml(html, PERMALINK), viaTree(html, PERMALINK));
    }), { numRuns: 1500, seed: 7 });
  });
});

describe('cleanStyle over generated CSS', () => {
  test('keeps only whole allowed declarations, never a loading function, an escape or a way out of the box, and is idempotent', () => {
    let kept = 0;
    fc.assert(fc.property(styleValue, (style) => {
      const clean = cleanStyle(style);
      if (clean === null) return;
      kept++;
      assert.equal(cleanStyle(clean), clean, 'idempotent');
      // Negative numbers only inside transform steps, never as a margin.
      assert.doesNotMatch(clean, /url\(|image-set|expression|var\(|scale|position:\s*(?:fixed|absolute|sticky)|z-index|inset|(?:^|[;\s])top:|\\|\/\*|!|["']|(?:^|[:\s,])-\d|9999|vw/i);
    }), { numRuns: 3000, seed: 3 });
    assert.equal(kept > 500, true, `only ${kept} styles kept anything`);
  });
});
