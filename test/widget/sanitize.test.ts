import { sanitizeEmbed } from '../../widget/sanitize.js';
import { equal } from './support/helpers.js';

const PERMALINK = 'https://www.instagram.com/p/abc/';
const clean = (html: string, expected = PERMALINK) => sanitizeEmbed(html, expected)?.outerHTML ?? null;
const ROOT = `<blockquote class="instagram-media" data-instgrm-permalink="${PERMALINK}">`;

describe('sanitizeEmbed, the one way outside HTML enters the DOM', () => {
  it('keeps Meta\'s blockquote shape: allowed elements, attributes and inline styles', () => {
    const html = `<blockquote class="instagram-media" data-instgrm-permalink="${PERMALINK}?utm_source=ig_embed&amp;utm_campaign=loading" data-instgrm-version="14" style="max-width:540px; min-width:326px;"><div style="padding:16px;"><a href="${PERMALINK}" target="_blank">View this post on Instagram</a><svg width="50px" viewBox="0 0 60 60" xmlns="http://www.w3.org/2000/svg"><g fill="none"><path d="M1 1"></path></g></svg></div></blockquote>`;
    equal(
      clean(html),
      `<blockquote class="instagram-media" data-instgrm-permalink="${PERMALINK}?utm_source=ig_embed&amp;utm_campaign=loading" data-instgrm-version="14" style="max-width:540px; min-width:326px;"><div style="padding:16px;"><a href="${PERMALINK}" target="_blank">View this post on Instagram</a><svg width="50px" viewBox="0 0 60 60" xmlns="http://www.w3.org/2000/svg"><g fill="none"><path d="M1 1"></path></g></svg></div></blockquote>`,
    );
    equal(sanitizeEmbed(html, PERMALINK)?.querySelector('svg')?.namespaceURI, 'http://www.w3.org/2000/svg', 'svg namespace');
  });

  it('returns null when there is no blockquote.instagram-media', () => {
    equal(clean('<div class="instagram-media">x</div><blockquote>y</blockquote>'), null);
  });

  it('returns null when the permalink names another post than the one asked for', () => {
    equal(clean(`${ROOT}x</blockquote>`, 'https://www.instagram.com/p/other/'), null);
    equal(clean(`${ROOT}x</blockquote>`, 'https://www.instagram.com/p/abc/'), `${ROOT}x</blockquote>`);
  });

  it('returns null for two embeds, an embed inside the embed, or more than 32 levels', () => {
    equal(clean(`${ROOT}a</blockquote>${ROOT}b</blockquote>`), null, 'two');
    equal(clean(`${ROOT}<div>${ROOT}b</blockquote></div></blockquote>`), null, 'nested');
    equal(clean(`${ROOT}${'<div>'.repeat(33)}x</blockquote>`), null, '33 levels');
    equal(clean(`${ROOT}${'<div>'.repeat(32)}x</blockquote>`) === null, false, '32 levels');
  });

  const cases: Array<[string, string, string]> = [
    ['event handlers', '<div onclick="x()" onmouseover="y()">a</div>', '<div>a</div>'],
    ['scripts with their text', '<script>alert(1)</script><p>a</p>', '<p>a</p>'],
    ['javascript: links', '<a href="javascript:alert(1)">a</a>', '<a>a</a>'],
    ['links off Instagram', '<a href="https://evil.example/">a</a>', '<a>a</a>'],
    ['images', '<img src=x onerror="alert(1)">', ''],
    ['iframes and srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>x', 'x'],
    ['forms and inputs', '<form action="https://evil.example/"><input name="q">t</form>', ''],
    ['objects and embeds', '<object data="x"></object><embed src="y">z', 'z'],
    ['styles that fetch', '<div style="background:url(https://evil.example/)">a</div>', '<div>a</div>'],
    ['styles with expression()', '<div style="width:expression(alert(1))">a</div>', '<div>a</div>'],
    ['image-set() styles', `<div style="background:image-set('http://evil.example/t.png' 1x)">a</div>`, '<div>a</div>'],
    ['-webkit-image-set() but not the allowed declaration beside it', '<div style="color:#fff; background-image:-webkit-image-set(url(//evil.example/t.png) 1x)">a</div>', '<div style="color:#fff">a</div>'],
    ['a fixed overlay but not its background', '<div style="position:fixed;inset:0;z-index:2147483647;background:#FFF">a</div>', '<div style="background:#FFF">a</div>'],
    ['negative margins, !important and unknown functions', `<div style="margin:-9px; color:red !important; width:var(--w)">a</div><p style="position:relative">b</p>`, '<div>a</div><p style="position:relative">b</p>'],
    ['a nested permalink naming another post', '<div class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/other/">a</div>', '<div>a</div>'],
    ['style elements', '<style>*{display:none}</style>a', 'a'],
    ['svg scripts and xlink', '<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)"><path d="M0"></path></a></svg>', '<svg><a><path d="M0"></path></a></svg>'],
    ['svg animate that rewrites href', '<svg><a><animate attributeName="href" values="javascript:alert(1)"></animate>t</a></svg>', '<svg><a>t</a></svg>'],
    ['mathml', '<math><mi>x</mi></math>a', 'a'],
    ['unknown elements with their subtree, text included', '<button formaction="x">b</button><custom-el>c<p>d</p></custom-el>e', 'e'],
    ['ids, names and srcset', '<div id="x" name="y" srcset="z">a</div>', '<div>a</div>'],
    ['nested instagram-media class tokens', '<div class="instagram-media x instagram-media-rendered">a</div><p class="instagram-media">b</p>', '<div class="x">a</div><p>b</p>'],
    ['comments', '<!-- c --><p>a</p>', '<p>a</p>'],
  ];
  for (const [what, inner, expected] of cases) {
    it(`drops ${what}`, () => {
      equal(clean(`${ROOT}${inner}</blockquote>`), `${ROOT}${expected}</blockquote>`);
    });
  }
});
