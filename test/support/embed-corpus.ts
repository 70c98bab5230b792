/**
 * The shared hostile corpus for the two sanitisers (issue 7's contract). Each document says whether the
 * proxy's sanitiser accepts it (after cleaning) or refuses it whole. Run by the proxy in node
 * (test/proxy/sanitizer-contract.test.ts) and by the widget in Chromium and Firefox
 * (test/widget/sanitizer-contract.test.ts, which gets the proxy's output for each document from the
 * test server, test/widget/support/proxy-sanitizer.mjs): for every accepted document, the widget's
 * result on the proxy's output equals the browser's own parse of that output; every refused document
 * is refused by the widget too. Meta's recorded embeds are added to the accepted side by both tests.
 * Both sanitisers' own output for every accepted document, taken from the raw input, must also be free of
 * FORBIDDEN_IN_OUTPUT (the widget checks this in the browsers, on its own parse of the hostile markup).
 */

export interface CorpusDocument {
  name: string;
  html: string;
  /** The post the client asked for: the embed's permalink must name it. */
  permalink: string;
  proxy: 'accept' | 'reject';
}

const PERMALINK = 'https://www.instagram.com/p/Corpus1/';
const OTHER = 'https://www.instagram.com/p/Other2/';
const open = (extra = '') => `<blockquote class="instagram-media" data-instgrm-permalink="${PERMALINK}?utm_source=ig_embed" data-instgrm-version="14"${extra}>`;
const embed = (inner: string, extra = '') => `${open(extra)}${inner}</blockquote>`;
const nest = (levels: number) => `${'<div>'.repeat(levels)}x${'</div>'.repeat(levels)}`;

const accepted: Array<[string, string]> = [
  ['event handlers on allowed elements', embed('<div onclick="alert(1)" onmouseover="alert(2)">a</div>')],
  ['a script inside the embed, with its text', embed('<script>alert(1)</script><p>a</p>')],
  ['javascript: and foreign links', embed('<a href="javascript:alert(1)">a</a><a href="https://evil.example/">b</a>')],
  ['an image with onerror', embed('<img src=x onerror="alert(1)">c')],
  ['an iframe with srcdoc', embed('<iframe srcdoc="<script>alert(1)</script>"></iframe>x')],
  ['a form with a button and an input', embed('<form action="https://evil.example/"><button formaction="x">b</button><input name="q">t</form>u')],
  ['unknown and custom elements with text', embed('<custom-el>c</custom-el><marquee>m</marquee>k')],
  ['styles that fetch or run code', embed('<div style="background:url(https://evil.example/)">a</div><div style="width:expression(alert(1))">b</div>')],
  ['a style element', embed('<style>*{display:none}</style>a')],
  ['svg script, xlink:href and animate', embed('<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)"><animate attributeName="href" values="javascript:alert(1)"></animate><path d="M0"></path></a></svg>')],
  ['svg with Meta\'s namespaces and camelCase viewBox', embed('<svg width="50px" viewBox="0 0 60 60" version="1.1" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><g fill="none"><path d="M1 1"></path></g></svg>')],
  ['mathml', embed('<math><mi>x</mi></math>a')],
  ['noscript holding markup in an attribute (mXSS)', embed('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>n')],
  ['a comment that closes early', embed('<!--><img src=x onerror=alert(1)>-->c')],
  ['namespace confusion through math, table and style', embed('<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>z')],
  ['template content', embed('<template><img src=x onerror=alert(1)></template>t')],
  ['ids, names and srcset', embed('<div id="x" name="y" srcset="z">a</div>')],
  ['nested instagram-media class tokens', embed('<div class="instagram-media x instagram-media-rendered">a</div><p class="instagram-media">b</p>')],
  ['entities and quotes in text and attributes', embed('<p>&lt;script&gt; &amp; "q" \'s</p><a href="https://www.instagram.com/p/Corpus1/?a=1&amp;b=&quot;2">l</a>')],
  ['a target and rel on a link', embed('<a href="https://www.instagram.com/p/Corpus1/" target="_blank" rel="noopener">v</a>')],
  ['a time element with datetime', embed('<p><time datetime="2020-06-01T00:00:00+00:00">June 1</time></p>')],
  ['32 levels of nesting', embed(nest(31))],
  ['junk and a trailing script around the embed', `<p onclick="x">before</p>${embed('<p>a</p>')}\n<script async src="//platform.instagram.com/en_US/embeds.js"></script>`],
  ['a permalink with a username segment', embed('<p>a</p>').replace(PERMALINK, 'https://www.instagram.com/someone/p/Corpus1/')],
  // Issue 12: CSS that loads, covers the page or hides behind escapes; traces of a second post.
  ['image-set() and -webkit-image-set() in styles', embed(`<div style="background:image-set('http://evil.example/t.png' 1x)">a</div><div style="color:#fff;background-image:-webkit-image-set(url(//evil.example/t.png) 1x)">b</div>`)],
  ['a fixed overlay covering the page', embed('<div style="position:fixed;inset:0;z-index:2147483647;background:#FFF">a</div>')],
  ['absolute and sticky positions, offsets and negative margins', embed('<div style="position:absolute;top:0;left:0">a</div><div style="position:sticky">b</div><div style="margin-top:-9999px;position:relative">c</div>')],
  ['loading and dynamic functions other than url()', embed('<div style="background:cross-fade(url(x),url(y));color:var(--x);width:attr(x)">a</div><div style="background:element(#a);mask:image(x);list-style:symbols(x)">b</div>')],
  ['CSS escapes, comments, quotes and !important', embed(`<div style="color:red !important;background:u\\72l(x);font-family:'x';width:1px/**/;padding:0">a</div>`)],
  ['scaled, far-moved and viewport-sized boxes', embed('<div style="transform:scale(100);width:100vw;height:100vh">a</div><div style="transform:translateX(-9999px)">b</div><div style="width:99999px;transform:translateX(1px)">c</div>')],
  ['a style of more than 1024 characters', embed(`<div style="${'color:red;'.repeat(110)}">a</div>`)],
  ['a nested div.instagram-media naming another post', embed(`<div class="instagram-media" data-instgrm-permalink="${OTHER}" data-instgrm-version="14">x</div>`)],
  ['a permalink naming another post on an inner element', embed(`<p data-instgrm-permalink="${OTHER}?utm_source=ig_embed">x</p>`)],
];

const refused: Array<[string, string, string?]> = [
  ['no embed blockquote', '<div class="instagram-media">x</div><blockquote>y</blockquote>'],
  ['two embed blockquotes', embed('a') + embed('b')],
  ['an embed inside the embed', embed(`<div><blockquote class="instagram-media" data-instgrm-permalink="${OTHER}">x</blockquote></div>`)],
  ['a permalink naming another post', embed('x').replace(PERMALINK, OTHER)],
  ['a javascript: permalink', '<blockquote class="instagram-media" data-instgrm-permalink="javascript:alert(1)">x</blockquote>'],
  ['a permalink that is not a post', '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/explore/">x</blockquote>'],
  ['no permalink', '<blockquote class="instagram-media">x</blockquote>'],
  ['nesting deeper than 32 levels', embed(nest(33))],
  ['the embed inside another element', `<div>${embed('x')}</div>`],
  ['an embed inside the embed, inside an svg', embed(`<svg><blockquote class="instagram-media" data-instgrm-permalink="${OTHER}">x</blockquote></svg>`)],
];

/**
 * What no sanitiser output may contain: active or foreign markup, loading or escaping CSS (issue 12),
 * and any mention of a post other than the one asked for.
 */
export const FORBIDDEN_IN_OUTPUT = new RegExp([
  '<(?:script|img|iframe|form|input|button|style|math|noscript|template|custom-el|marquee)\\b', '\\son[a-z]+=', 'javascript:',
  'url\\(', 'expression\\(', 'image-set', 'image\\(', 'cross-fade', 'element\\(', 'var\\(', 'attr\\(', 'scale\\(',
  'position:(?!static|relative)', 'z-index', 'inset', '[;"\\s](?:top|left):', '!important', '\\\\', '/\\*', '\\d(?:vw|vh)', '[:(]-9', '99999', 'Other2',
].join('|'), 'i');

export const EMBED_CORPUS: readonly CorpusDocument[] = [
  ...accepted.map(([name, html]) => ({ name, html, permalink: PERMALINK, proxy: 'accept' as const })),
  ...refused.map(([name, html]) => ({ name, html, permalink: PERMALINK, proxy: 'reject' as const })),
];
