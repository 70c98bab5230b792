// sanitizeEmbedHtml: Meta's recorded embeds survive byte-faithfully; hostile markup comes out inert or null, at a bounded cost.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DomUtils, parseDocument } from 'htmlparser2';
import { ALLOWED_ELEMENTS, isAllowedAttribute } from '../../instagram/embed-markup.js';
import {
  cleanEmbedHtml, EMBED_SCRIPT_TAG, MAX_CLEAN_HTML_BYTES, MAX_EMBED_ATTRIBUTES, MAX_EMBED_ELEMENTS, MAX_EMBED_HTML_LENGTH, sanitizeEmbedHtml,
} from '../../proxy/sanitize-html.js';

const FIXTURES = new URL('../../proxy/fixtures/graph/', import.meta.url);
const recordings = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json') && !file.endsWith('.headers.json'))
  .map((file) => ({ file, body: JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as { html?: unknown } }))
  .flatMap(({ file, body }) => (typeof body.html === 'string' ? [{ file, html: body.html }] : []));

// Meta writes https:// namespace URLs, which the allowlist refuses; HTML parsing ignores xmlns anyway.
const META_XMLNS = ' xmlns="https://www.w3.org/2000/svg" xmlns:xlink="https://www.w3.org/1999/xlink"';
const blockquoteOf = (html: string): string => html.slice(0, html.indexOf('</blockquote>') + '</blockquote>'.length);
const permalinkOf = (html: string): string => /data-instgrm-permalink="([^"]*)"/.exec(html)?.[1] ?? '';

/** Re-parses sanitiser output and checks every node against the allowlist, as a browser-agnostic invariant. */
function assertOnlyAllowlisted(output: string): void {
  const doc = parseDocument(output);
  assert.equal(doc.children.length, 1, 'one root');
  const root = doc.children[0];
  assert.equal(root !== undefined && DomUtils.isTag(root) && root.name === 'blockquote', true, 'root is a blockquote');
  const embeds = DomUtils.findAll((el) => /(^|\s)instagram-media(\s|$)/.test(el.attribs.class ?? ''), doc.children);
  assert.equal(embeds.length, 1, 'exactly one instagram-media');
  const visit = (node: (typeof doc.children)[number]): void => {
    if (DomUtils.isText(node)) return;
    assert.equal(DomUtils.isTag(node), true, `only elements and text, got ${node.type}`);
    if (!DomUtils.isTag(node)) return;
    assert.equal(ALLOWED_ELEMENTS.has(node.name), true, `element ${node.name}`);
    for (const [name, value] of Object.entries(node.attribs)) {
      assert.equal(isAllowedAttribute(node.name, name, value), true, `${node.name}[${name}=${value}]`);
    }
    node.children.forEach(visit);
  };
  visit(root!);
  assert.equal(sanitizeEmbedHtml(output), output, 'sanitising is idempotent');
}

describe("sanitizeEmbedHtml keeps Meta's recorded embeds", () => {
  assert.equal(recordings.length >= 8, true);
  for (const { file, html } of recordings) {
    test(`${file}: the blockquote survives byte for byte, without script or https xmlns`, () => {
      const output = sanitizeEmbedHtml(html);
      assert.equal(output, blockquoteOf(html).replace(META_XMLNS, ''));
      assert.equal(output?.includes('<script'), false);
      assert.equal(permalinkOf(output ?? ''), permalinkOf(html));
      assert.equal(DomUtils.textContent(parseDocument(output ?? '')), DomUtils.textContent(parseDocument(blockquoteOf(html))));
      assertOnlyAllowlisted(output ?? '');
    });
    test(`${file}: accepted for its own post, refused for another`, () => {
      const own = permalinkOf(html).replace('&amp;', '&');
      assert.equal(sanitizeEmbedHtml(html, own.slice(0, own.indexOf('?'))) !== null, true);
      assert.equal(sanitizeEmbedHtml(html, 'https://www.instagram.com/p/SomeOtherPost/'), null);
    });
  }

  test('the script tag constant is exactly what Meta appends today', () => {
    const eraA = recordings.find((r) => r.file.startsWith('xperience'));
    assert.equal(eraA?.html.endsWith(`</blockquote>\n${EMBED_SCRIPT_TAG}`), true);
  });

  test('a reel permalink matches an expected /reels/ spelling', () => {
    const reel = recordings.find((r) => r.file.includes('reel_DTxk5orCKEv'));
    assert.notEqual(sanitizeEmbedHtml(reel?.html ?? '', 'http://instagram.com/reels/DTxk5orCKEv'), null);
  });
});

const PERMALINK = 'https://www.instagram.com/p/x/';
const OPEN = `<blockquote class="instagram-media" data-instgrm-permalink="${PERMALINK}">`;
const wrap = (inner: string): string => `${OPEN}${inner}</blockquote>`;

describe('sanitizeEmbedHtml neutralises hostile markup inside the blockquote', () => {
  // [why, inner input, inner output]
  const cases: Array<[string, string, string]> = [
    ['img onerror', '<img src=x onerror=alert(1)>t', 't'],
    ['event handler attributes', '<div onclick="alert(1)" onmouseover=alert(1)>hi</div>', '<div>hi</div>'],
    ['script', '<script>alert(1)</script>t', 't'],
    ['script inside svg', '<svg><script>alert(1)</script></svg>', '<svg></svg>'],
    ['svg onload and an http xmlns', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', '<svg xmlns="http://www.w3.org/2000/svg"></svg>'],
    ['svg a with xlink:href', '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', '<svg><a></a></svg>'],
    ['svg animate rewriting href', '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>', '<svg></svg>'],
    ['svg use of a data URL', '<svg><use href="data:image/svg+xml,<svg onload=alert(1)>"/></svg>', '<svg></svg>'],
    ['svg foreignObject', '<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>', '<svg></svg>'],
    ['javascript: href', '<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['mixed-case javascript: href', '<a href="JaVaScRiPt:alert(1)">x</a>', '<a>x</a>'],
    ['entity-encoded javascript: href', '<a href="&#106;avascript:alert(1)">x</a>', '<a>x</a>'],
    ['href to another host', '<a href="https://evil.example/">x</a>', '<a>x</a>'],
    ['href to a look-alike host', '<a href="https://www.instagram.com.evil.example/">x</a>', '<a>x</a>'],
    ['scheme-relative href', '<a href="//www.instagram.com/p/x/">x</a>', '<a>x</a>'],
    ['http href', '<a href="http://www.instagram.com/p/x/">x</a>', '<a>x</a>'],
    ['target other than _blank', `<a href="${PERMALINK}" target="_top" rel="noopener">x</a>`, `<a href="${PERMALINK}" rel="noopener">x</a>`],
    ['style with url()', '<div style="background:url(https://evil.example/x.png)">x</div>', '<div>x</div>'],
    ['style with expression()', '<div style="width:expression(alert(1))">x</div>', '<div>x</div>'],
    ['style with @import', '<div style="@import \'https://evil.example/x.css\'">x</div>', '<div>x</div>'],
    ['style with a CSS escape', '<div style="background:u\\72l(x)">x</div>', '<div>x</div>'],
    ['style with a comment', '<div style="background:u/**/rl(x)">x</div>', '<div>x</div>'],
    ['style with javascript:', '<div style="background:javascript:alert(1)">x</div>', '<div>x</div>'],
    ['harmless style stays', '<div style="color:#c9c8cd; width:calc(100% - 2px);">x</div>', '<div style="color:#c9c8cd; width:calc(100% - 2px);">x</div>'],
    // Issue 12: only the declarations Meta's markup is made of.
    ['style with image-set()', `<div style="background:image-set('http://evil.example/t.png' 1x)">x</div>`, '<div>x</div>'],
    ['style with -webkit-image-set() keeps its other declarations', '<div style="color:#fff; background-image:-webkit-image-set(url(//evil.example/t.png) 1x)">x</div>', '<div style="color:#fff">x</div>'],
    ['a fixed full-page overlay keeps only its background', '<div style="position:fixed;inset:0;z-index:2147483647;background:#FFF">x</div>', '<div style="background:#FFF">x</div>'],
    ['position absolute and sticky, and offsets', '<div style="position:absolute;top:0">x</div><p style="position:sticky; left:0">y</p>', '<div>x</div><p>y</p>'],
    ['position static and relative stay', '<div style="position:relative; padding:0">x</div>', '<div style="position:relative; padding:0">x</div>'],
    ['negative margins and lengths of 1000 or more', '<div style="margin:0 -500px">x</div><p style="width:1000px;height:999px">y</p>', '<div>x</div><p style="height:999px">y</p>'],
    ['!important, quotes and unknown functions', `<div style="color:red !important; font-family:'x'; width:var(--w); height:1px">x</div>`, '<div style=" height:1px">x</div>'],
    ['transforms beyond three small steps', '<div style="transform:translateX(-100px)">a</div><p style="transform:scale(9)">b</p><span style="transform:rotate(1deg) rotate(1deg) rotate(1deg) rotate(1deg)">c</span>', '<div>a</div><p>b</p><span>c</span>'],
    ["Meta's transforms stay", '<div style="transform: rotate(-45deg) translateX(3px) translateY(1px); width: 12.5px;">a</div>', '<div style="transform: rotate(-45deg) translateX(3px) translateY(1px); width: 12.5px;">a</div>'],
    ['a style over 1024 characters', `<div style="${'color:red;'.repeat(103)}">x</div>`, '<div>x</div>'],
    ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>t', 't'],
    ['form and input', '<form action="https://evil.example"><input name=a><button>go</button></form>t', 't'],
    ['math', '<math><mi xlink:href="javascript:alert(1)">x</mi></math>t', 't'],
    ['noscript mXSS', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>t', 't'],
    ['attribute that looks like a closing tag', '<p title="</p><img src=x onerror=alert(1)>">t</p>', '<p>t</p>'],
    ['unquoted attributes', '<div class=x data-instgrm-foo=bar id=y>t</div>', '<div class="x" data-instgrm-foo="bar">t</div>'],
    ['upper-case tags and attributes', '<DIV CLASS="x" ONCLICK="a()">T</DIV>', '<div class="x">T</div>'],
    ['comment', '<!-- <script>alert(1)</script> -->t', 't'],
    ['CDATA', '<![CDATA[<script>alert(1)</script>]]>t', 't'],
    ['processing instruction', '<?xml-stylesheet href="evil.xsl"?>t', 't'],
    ['escaped markup stays text', '&lt;script&gt;alert(1)&lt;/script&gt; &amp;', '&lt;script&gt;alert(1)&lt;/script&gt; &amp;'],
    ['quotes in an allowed attribute are re-escaped', '<span data-instgrm-x="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">t</span>', '<span data-instgrm-x="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">t</span>'],
    ['style element', '<style>*{background:url(x)}</style>t', 't'],
    ['template', '<template><img src=x onerror=alert(1)></template>t', 't'],
    ['object and embed', '<object data="x"></object><embed src="x">t', 't'],
    ['textarea', '<textarea><img src=x onerror=alert(1)></textarea>t', 't'],
    ['xmp', '<xmp><img src=x onerror=alert(1)></xmp>t', 't'],
    ['base', '<base href="https://evil.example/">t', 't'],
    ['meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">t', 't'],
    ['link stylesheet', '<link rel=stylesheet href=x>t', 't'],
    ['unknown elements lose their content too', '<font color=red>hi</font><custom-el><div>x</div></custom-el>t', 't'],
    ['br keeps no attributes', '<br onclick=x>t', '<br>t'],
    ['time keeps datetime', '<time datetime="2020-01-01T00:00:00+00:00" onclick=x>Jan 1</time>', '<time datetime="2020-01-01T00:00:00+00:00">Jan 1</time>'],
    ['data-instgrm-permalink elsewhere must be Instagram', '<div data-instgrm-permalink="javascript:alert(1)"></div>', '<div></div>'],
    ['a nested div.instagram-media naming another post keeps neither class nor permalink', '<div class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/other/" data-instgrm-version="14">x</div>', '<div data-instgrm-version="14">x</div>'],
    ['data-instgrm-* names outside the grammar', '<div data-instgrm-Foo_bar="x" data-instgrmx="y"></div>', '<div></div>'],
    ['id, name and src are not kept', '<div id="x" name="y" src="z"></div>', '<div></div>'],
  ];
  assert.equal(cases.length >= 20, true);
  for (const [why, inner, expected] of cases) {
    test(why, () => {
      const output = sanitizeEmbedHtml(wrap(inner));
      assert.equal(output, wrap(expected));
      assertOnlyAllowlisted(output ?? '');
    });
  }
});

describe('sanitizeEmbedHtml refuses documents without exactly one valid embed', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['empty input', '', undefined],
    ['text only', 'View this post on Instagram', undefined],
    ['no blockquote', `<div class="instagram-media" data-instgrm-permalink="${PERMALINK}">x</div>`, undefined],
    ['blockquote without the class', `<blockquote data-instgrm-permalink="${PERMALINK}">x</blockquote>`, undefined],
    ['only a processed class', `<blockquote class="instagram-media-registered" data-instgrm-permalink="${PERMALINK}"></blockquote>`, undefined],
    ['embed wrapped in another element', `<div>${wrap('x')}</div>`, undefined],
    ['two blockquotes', `${wrap('a')}\n${wrap('b')}`, undefined],
    ['nested embed blockquote', wrap(`<div>${wrap('inner')}</div>`), undefined],
    ['no permalink', '<blockquote class="instagram-media">x</blockquote>', undefined],
    ['javascript: permalink', '<blockquote class="instagram-media" data-instgrm-permalink="javascript:alert(1)">x</blockquote>', undefined],
    ['permalink on another host', '<blockquote class="instagram-media" data-instgrm-permalink="https://evil.example/p/x/">x</blockquote>', undefined],
    ['permalink to a profile', '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/natgeo/">x</blockquote>', undefined],
    ['permalink for another post than asked', wrap('x'), 'https://www.instagram.com/p/y/'],
    ['expected permalink that is not a post', wrap('x'), 'https://www.instagram.com/natgeo/'],
    ['nesting deeper than 32 levels', wrap('<div>'.repeat(40) + 'x' + '</div>'.repeat(40)), undefined],
    ['over the size cap (1 MB)', wrap('<div>x</div>'.repeat(Math.ceil(1_048_576 / 12))), undefined],
  ];
  for (const [why, html, expected] of cases) {
    test(why, () => assert.equal(sanitizeEmbedHtml(html, expected), null));
  }
});

describe('sanitizeEmbedHtml on the document around the blockquote', () => {
  test('top-level junk, attributes and the trailing script are dropped', () => {
    const html = `<img src=x onerror=alert(1)>${OPEN.replace('>', ' onmouseover="alert(1)" id="e">')}x</blockquote>\n${EMBED_SCRIPT_TAG}<script>alert(1)</script>`;
    assert.equal(sanitizeEmbedHtml(html), wrap('x'));
  });

  test('an unclosed blockquote is closed', () => {
    assert.equal(sanitizeEmbedHtml(`${OPEN}<div>x`), wrap('<div>x</div>'));
  });

  test('32 levels of nesting are still accepted', () => {
    const inner = '<div>'.repeat(32) + 'x' + '</div>'.repeat(32);
    assert.equal(sanitizeEmbedHtml(wrap(inner)), wrap(inner));
  });

  test('a large legitimate document just under the 64 KiB cleaned-html cap comes through unchanged', () => {
    const unit = `<p style="padding:1px">${'y'.repeat(40)}</p>`;
    const html = wrap(unit.repeat(Math.floor((MAX_CLEAN_HTML_BYTES - OPEN.length - 20) / unit.length)));
    assert.equal(html.length > MAX_CLEAN_HTML_BYTES - 100, true);
    assert.equal(sanitizeEmbedHtml(html), html);
  });
});

describe('cleanEmbedHtml bounds its cost: the parse stops at the first limit passed', () => {
  /** The embed's opening tag, then `unit` repeated to fill the 256 KiB input cap. */
  const flood = (unit: string, head = OPEN) => head + unit.repeat(Math.floor((MAX_EMBED_HTML_LENGTH - head.length) / unit.length));
  const refusal = (html: string) => {
    const result = cleanEmbedHtml(html);
    return 'refused' in result ? result : assert.fail('expected a refusal');
  };

  test('52k unclosed <div>s: refused too_deep at the 33rd level, a few hundred bytes in', () => {
    const r = refusal(flood('<div>'));
    assert.equal(r.refused, 'too_deep');
    assert.equal(r.at < OPEN.length + 34 * 5, true, `stopped at ${r.at}`);
  });

  test('unclosed unknown elements (dropped, so never too deep): refused at 2048 elements', () => {
    const r = refusal(flood('<x>'));
    assert.equal(r.refused, 'too_many_elements');
    assert.equal(r.at < OPEN.length + (MAX_EMBED_ELEMENTS + 1) * 3, true, `stopped at ${r.at}`);
  });

  test('many closed elements, inside or outside the embed: refused at 2048 elements', () => {
    assert.equal(refusal(flood('<p>a</p>')).refused, 'too_many_elements');
    assert.equal(refusal(`${wrap('x')}${'<p>a</p>'.repeat(MAX_EMBED_ELEMENTS)}`).refused, 'too_many_elements');
    assert.notEqual(sanitizeEmbedHtml(`${wrap('x')}${'<p>a</p>'.repeat(MAX_EMBED_ELEMENTS - 10)}`), null);
  });

  test('one element with 50,000 attributes: refused at 4096 attributes', () => {
    const r = refusal(flood(' a=1', `${OPEN}<div`));
    assert.equal(r.refused, 'too_many_elements');
    assert.equal(r.at < OPEN.length + (MAX_EMBED_ATTRIBUTES + 1) * 4 + 10, true, `stopped at ${r.at}`);
  });

  test('256 KiB of "<<" (4× when escaped): output capped at 64 KiB, refused too_large a quarter of the way in', () => {
    const r = refusal(flood('<<'));
    assert.equal(r.refused, 'too_large');
    assert.equal(r.at < OPEN.length + MAX_CLEAN_HTML_BYTES / 4 + 10, true, `stopped at ${r.at}`);
  });

  test('cleaned html over 64 KiB in UTF-8 bytes is refused even when its characters fit', () => {
    const euros = wrap('€'.repeat(30_000)); // 30,000 characters, 90,000 bytes
    assert.equal(euros.length < MAX_CLEAN_HTML_BYTES, true);
    assert.deepEqual(cleanEmbedHtml(euros), { refused: 'too_large', at: euros.length });
  });

  test('input over 256 KiB is refused before any parsing', () => {
    assert.deepEqual(cleanEmbedHtml(wrap('x'.repeat(MAX_EMBED_HTML_LENGTH))), { refused: 'too_large', at: 0 });
  });

  test('each refusal says why', () => {
    const why = (html: string, expected?: string) => {
      const result = cleanEmbedHtml(html, expected);
      return 'refused' in result ? result.refused : 'accepted';
    };
    assert.deepEqual(
      [why('<p>x</p>'), why(wrap('a') + wrap('b')), why(wrap(wrap('b'))), why(wrap('x'), 'https://www.instagram.com/p/y/'), why(wrap('x'))],
      ['no_embed', 'several_embeds', 'nested_embed', 'permalink', 'accepted'],
    );
  });
});

describe('sanitizeEmbedHtml on generated tag soup', () => {
  test('500 seeded random documents come out null or allowlisted and idempotent', () => {
    const pieces = ['<', '>', '</', '/>', '"', "'", '=', ' ', '&', '&lt;', '&#x3c;', '<!--', '-->', '<![CDATA[', ']]>', '<?',
      'script', 'svg', 'math', 'style', 'noscript', 'div', 'p', 'a', 'blockquote', 'iframe', 'img', 'template',
      ' href=', ' onerror=', ' style=', ' class=', ' data-instgrm-x=', 'javascript:alert(1)', 'url(x)',
      'https://www.instagram.com/p/x/', 'instagram-media', 'text'];
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let cleaned = 0;
    for (let i = 0; i < 500; i++) {
      let soup = '';
      for (let j = 0; j < 40; j++) soup += pieces[random(pieces.length)];
      const output = sanitizeEmbedHtml(wrap(soup));
      if (output === null) continue;
      cleaned++;
      assertOnlyAllowlisted(output);
    }
    assert.equal(cleaned > 100, true, `only ${cleaned} documents were cleaned rather than refused`);
  });
});
