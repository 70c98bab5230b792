// Never a blank box: with JavaScript off, or /ig-embed.js unreachable (proxy down, ad blocker), the documented
// host-page CSS line (README's CMS snippet, docs/element.md "Styling") alone makes the author's own link a readable card in the reserved box.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright';
import { freePort, startDemo, stopDemo, type ProxyProcess } from './harness.js';

const README = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const ELEMENT_DOC = await readFile(new URL('../../docs/element.md', import.meta.url), 'utf8');
/** The host-page CSS line as docs/element.md's "Styling" section gives it (one rule on one line). */
const HOST_CSS = /^ig-embed:not\(:defined\)\{[^\n]*\}$/m.exec(ELEMENT_DOC)?.[0] ?? '';
const POST = 'https://www.instagram.com/p/fA9uwTtkSN/';

/** A CMS article as the README tells authors to write it: the host line in <head>, the script, a post with its link. */
function article(scriptSrc: string, colorScheme: 'light' | 'dark'): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="${colorScheme}">
<title>An article</title><style>${HOST_CSS}</style><script src="${scriptSrc}" defer></script></head>
<body><h1>An article</h1><p>Some text before the post.</p>
<ig-embed url="${POST}"><a href="${POST}">View this post on Instagram</a></ig-embed>
<p>Some text after the post.</p></body></html>`;
}

interface LinkCard {
  defined: boolean;
  /** The element's box: width x height, and its border. */
  box: string;
  border: string;
  /** The link's centre relative to the box's centre, in whole pixels (0,0: centred). */
  offset: string;
  /** The link lies inside the box's border. */
  inside: boolean;
  /** The link is rendered, is what a click at its centre hits, and shows all of its text. */
  visible: boolean;
  topmost: boolean;
  clipped: boolean;
  contrastOk: boolean;
  text: string;
}

/**
 * Measures the element and its child link as laid out (works with JavaScript off: Playwright evaluates in
 * its own world). No named functions inside: tsx would wrap them in a helper the page does not have.
 */
function measure(page: Page): Promise<LinkCard> {
  return page.evaluate(() => {
    const element = document.querySelector('ig-embed') as HTMLElement;
    const link = element.querySelector(':scope > a') as HTMLAnchorElement;
    const box = element.getBoundingClientRect();
    const at = link.getBoundingClientRect();
    const style = getComputedStyle(element);
    const border = parseFloat(style.borderTopWidth);
    // The first opaque background behind the link, else the canvas (resolved by the browser for this color-scheme).
    let behind = '';
    for (let node: Element | null = link; node && !behind; node = node.parentElement) {
      const color = getComputedStyle(node).backgroundColor;
      if (!/^rgba\(.*, 0\)$|^transparent$/.test(color)) behind = color;
    }
    if (!behind) {
      const probe = document.documentElement.appendChild(document.createElement('div'));
      probe.style.background = 'Canvas';
      behind = getComputedStyle(probe).backgroundColor;
      probe.remove();
    }
    // WCAG relative luminance of the two colours (both opaque rgb() here).
    const [a, b] = [behind, getComputedStyle(link).color].map((color) => {
      const [r, g, bl] = (color.match(/[\d.]+/g) ?? []).map((v) => (Number(v) / 255 <= 0.03928 ? Number(v) / 255 / 12.92 : ((Number(v) / 255 + 0.055) / 1.055) ** 2.4));
      return 0.2126 * (r as number) + 0.7152 * (g as number) + 0.0722 * (bl as number);
    }) as [number, number];
    const hit = document.elementFromPoint(at.left + at.width / 2, at.top + at.height / 2);
    return {
      defined: element.matches(':defined'),
      box: `${Math.round(box.width)}x${Math.round(box.height)}`,
      border: `${style.borderTopWidth} ${style.borderTopStyle}`,
      offset: `${Math.round(at.left + at.width / 2 - (box.left + box.width / 2))},${Math.round(at.top + at.height / 2 - (box.top + box.height / 2))}`,
      inside: at.left >= box.left + border && at.right <= box.right - border && at.top >= box.top + border && at.bottom <= box.bottom - border,
      visible: link.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && at.width > 0 && at.height > 0,
      topmost: hit === link || link.contains(hit),
      clipped: link.scrollWidth > link.clientWidth || link.scrollHeight > link.clientHeight,
      contrastOk: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) >= 4.5,
      text: link.innerText,
    };
  });
}

/** What every case must show: an undefined element, a 540 × 640 bordered box, its link centred, readable and whole. */
const READABLE_CARD: LinkCard = {
  defined: false, box: '540x640', border: '1px solid', offset: '0,0', inside: true, visible: true, topmost: true,
  clipped: false, contrastOk: true, text: 'View this post on Instagram',
};

describe('without the script: the host-page CSS line makes the link a card', { timeout: 120_000 }, () => {
  let proxy: ProxyProcess;
  let browser: Browser;
  before(async () => {
    ({ browser, proxy } = await startDemo());
  });
  after(() => stopDemo({ browser, proxy }));

  /** Runs `body` in a fresh 1280 × 900 context with `options`, closing it afterwards. */
  async function inContext(options: BrowserContextOptions, body: (context: BrowserContext) => Promise<void>): Promise<void> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    try {
      await body(context);
    } finally {
      await context.close();
    }
  }

  /** Opens the article at `origin` (served by Playwright, so the page itself needs no server). */
  async function open(context: BrowserContext, origin: string, scriptSrc: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const page = await context.newPage();
    await page.route(`${origin}/article.html`, (route) => route.fulfill({ contentType: 'text/html', body: article(scriptSrc, colorScheme) }));
    await page.goto(`${origin}/article.html`, { waitUntil: 'load' });
    return page;
  }

  test('the docs give one host-page line, the same in the README\'s CMS snippet and in docs/element.md "Styling", and the widget tests use it', async () => {
    assert.match(HOST_CSS, /min-height:640px/);
    const inSnippet = [...README.matchAll(/<style>(ig-embed:not\(:defined\)[^<]*)<\/style>/g)].map((m) => m[1]);
    const docs = await readdir(new URL('../../docs/', import.meta.url));
    const texts = [README, ...(await Promise.all(docs.filter((f) => f.endsWith('.md')).map((f) => readFile(new URL(`../../docs/${f}`, import.meta.url), 'utf8'))))];
    const everywhere = texts.flatMap((text) => [...text.matchAll(/ig-embed:not\(:defined\)\{[^}]*\}/g)].map((m) => m[0]));
    assert.deepEqual(inSnippet, [HOST_CSS]);
    assert.deepEqual(everywhere, [HOST_CSS, HOST_CSS]);
    // The widget tests that load the element under the host line (CLS, the built classic script) carry a copy of it.
    for (const file of ['../widget/layout-shift.chromium.test.ts', '../widget/pages/cms.html']) {
      const text = await readFile(new URL(file, import.meta.url), 'utf8');
      assert.deepEqual([...text.matchAll(/ig-embed:not\(:defined\)\{[^}]*\}/g)].map((m) => m[0]), [HOST_CSS], file);
    }
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`with JavaScript off (${colorScheme} page), the link is centred, whole and readable in the reserved box`, async () => {
      await inContext({ javaScriptEnabled: false, colorScheme }, async (context) => {
        const page = await open(context, proxy.url, `${proxy.url}/ig-embed.js`, colorScheme);
        // The script is served and would have set `state`: JavaScript really is off.
        assert.equal(await page.evaluate(() => document.querySelector('ig-embed')?.hasAttribute('state')), false);
        assert.deepEqual(await measure(page), READABLE_CARD);
      });
    });
  }

  test('the demo\'s CMS page, with its themed copy of the line, shows its first post\'s link as a card with JavaScript off', async () => {
    await inContext({ javaScriptEnabled: false }, async (context) => {
      const page = await context.newPage();
      await page.goto(`${proxy.url}/cms.html`);
      const card = await measure(page);
      // The demo's column decides the width.
      assert.deepEqual({ ...card, box: card.box.replace(/^\d+x/, 'Wx') }, { ...READABLE_CARD, box: 'Wx640' });
    });
  });

  test('with the proxy down (the script cannot be fetched), the link is the card', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    await inContext({}, async (context) => {
      const failed: string[] = [];
      context.on('requestfailed', (request) => failed.push(`${new URL(request.url()).pathname} ${request.failure()?.errorText}`));
      const page = await open(context, down, `${down}/ig-embed.js`);
      assert.deepEqual(failed, ['/ig-embed.js net::ERR_CONNECTION_REFUSED']);
      assert.deepEqual(await measure(page), READABLE_CARD);
    });
  });

  test('with the script blocked by the browser (an ad blocker, a CSP), the link is the card', async () => {
    await inContext({}, async (context) => {
      await context.route('**/ig-embed.js', (route) => route.abort('blockedbyclient'));
      const page = await open(context, proxy.url, `${proxy.url}/ig-embed.js`);
      assert.deepEqual(await measure(page), READABLE_CARD);
    });
  });

  test('with the script, the same page upgrades the element and the link goes (the cases above are the script\'s absence)', async () => {
    await inContext({}, async (context) => {
      const page = await open(context, proxy.url, `${proxy.url}/ig-embed.js`);
      await page.waitForFunction(() => document.querySelector('ig-embed')?.matches(':defined'));
      assert.equal(await page.locator('ig-embed > a').isVisible(), false);
    });
  });
});
