// The Fallbacks page: each deliberately failing case ends in the state its label promises, with an attributed card.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Frame, Locator, Page } from 'playwright';
import {
  META_CDN, renderedPost, requestsTo, screenshot, settle, startDemo, stopDemo, visit, type ConsoleProblem, type ProxyProcess, type Visit,
} from './harness.js';

/** What the card of a fallen-back element shows (the card lives in the element's shadow root; locators pierce it). */
async function card(embed: Locator): Promise<{ reason: string; link: string | null; target: string | null; rel: string | null;
  provider: string; author: string | null; authorHref: string | null; thumbnail: string | null; leftovers: number }> {
  const part = (name: string) => embed.locator(`[part="${name}"]`);
  return {
    reason: await embed.evaluate((el) => String((el as HTMLElement & { reason?: string }).reason)),
    link: await part('link').getAttribute('href'),
    target: await part('link').getAttribute('target'),
    rel: await part('link').getAttribute('rel'),
    provider: await part('provider').innerText(),
    author: (await part('author').count()) ? await part('author').innerText() : null,
    authorHref: (await part('author').count()) ? await part('author').getAttribute('href') : null,
    thumbnail: (await part('thumbnail').count()) ? await part('thumbnail').getAttribute('src') : null,
    // Nothing of a failed embed may remain in the light DOM: no blockquote, no zero-height iframe.
    leftovers: await embed.locator(':scope > [data-ig-embed-content], iframe, blockquote').count(),
  };
}

/**
 * Each case's outcome (its reason, or `rendered`), checked against its text: the text must say
 * "Reason: <reason>" (or "State: rendered") for what happened. A case whose text does not is reported as "text says otherwise: …".
 */
async function outcomes(page: Page, origin: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const section of await page.locator('[data-case]').all()) {
    const name = (await section.getAttribute('data-case')) ?? '';
    // The cases that need a page of their own show it in an iframe; their element lives there.
    const frameElement = section.locator(':scope > iframe');
    const src = (await frameElement.count()) ? await frameElement.getAttribute('src') : null;
    const frame = src ? page.frame({ url: new URL(src, `${origin}/`).href }) : null;
    const scope = frame ? frame.locator('ig-embed') : section.locator('ig-embed');
    await section.scrollIntoViewIfNeeded();
    const state = await settle(scope, ['rendered', 'fallback'], 20_000);
    const outcome = state === 'fallback' ? await scope.evaluate((el) => String((el as HTMLElement & { reason?: string }).reason)) : state;
    const text = (await section.locator('.expect').innerText()).replace(/\s+/g, ' ');
    const promised = outcome === 'rendered' ? 'State: rendered' : `Reason: ${outcome}`;
    result[name] = text.includes(promised) ? outcome : `text says otherwise: ${outcome}`;
  }
  return result;
}

describe('Fallbacks page', { timeout: 120_000 }, () => {
  let proxy: ProxyProcess;
  let browser: Browser;
  let v: Visit;
  let page: Page;
  const at = (name: string) => page.locator(`[data-case="${name}"] ig-embed`);

  before(async () => {
    ({ browser, proxy } = await startDemo());
    v = await visit(browser, `${proxy.url}/fallbacks.html`);
    page = v.page;
  });
  after(async () => {
    await v?.close();
    await stopDemo({ browser, proxy });
  });

  test('a post that is not embeddable shows only the link and Instagram, nothing from upstream', async () => {
    const embed = at('not-embeddable');
    assert.equal(await settle(embed), 'fallback');
    assert.deepEqual(await card(embed), {
      reason: 'not_embeddable', link: 'https://www.instagram.com/p/NotEmbeddable/', target: '_blank', rel: 'noopener',
      provider: 'Instagram', author: null, authorHref: null, thumbnail: null, leftovers: 0,
    });
    assert.equal(await page.locator('[data-case="not-embeddable"] .state').innerText(), 'fallback: not_embeddable');
  });

  test('a post that never mounts falls back after its timeout and drops the empty iframe', async () => {
    const frame: Frame | null = page.frame({ url: `${proxy.url}/never-mounts.html` });
    assert.ok(frame, 'the never-mounts.html frame is on the page');
    await page.locator('[data-case="timeout"] iframe').scrollIntoViewIfNeeded();
    const embed = frame.locator('ig-embed');
    assert.equal(await settle(embed, ['fallback'], 20_000), 'fallback');
    assert.deepEqual(await card(embed), {
      reason: 'timeout', link: 'https://www.instagram.com/p/NeverMounts/', target: '_blank', rel: 'noopener',
      provider: 'Instagram', author: null, authorHref: null, thumbnail: null, leftovers: 0,
    });
    // The demo's stand-in embed.js inserted the iframe; Instagram was never asked for this post.
    assert.equal(requestsTo(v, proxy.url, '/embed-never-mounts.js').length, 1);
    assert.deepEqual(v.instagram.frameRequests.filter((code) => code === 'NeverMounts'), []);
  });

  test('an author-supplied thumbnail, name and profile link appear on the card when upstream fails', async () => {
    const embed = at('thumbnail');
    assert.equal(await settle(embed), 'fallback');
    assert.deepEqual(await card(embed), {
      reason: 'proxy_error', link: 'https://www.instagram.com/p/FailingPost/', target: '_blank', rel: 'noopener',
      provider: 'Instagram', author: 'instagram', authorHref: 'https://www.instagram.com/instagram/',
      thumbnail: '/demo-thumbnail.svg', leftovers: 0,
    });
    const image = embed.locator('[part="thumbnail"]');
    assert.equal(await image.getAttribute('alt'), 'Illustration: a sunrise over mountains and a lake');
    // The image really loaded (a broken one is hidden by the element, and the card would still pass above).
    assert.equal(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), 640);
    assert.equal(await image.isVisible(), true);
  });

  test('a slow upstream still renders the post', async () => {
    assert.equal(await renderedPost(at('slow'), 'SlowPost'), 'rendered');
  });

  test('a page whose embed.js is blocked falls back at once with script_blocked', async () => {
    const frame: Frame | null = page.frame({ url: `${proxy.url}/blocked.html` });
    assert.ok(frame, 'the blocked.html frame is on the page');
    await page.locator('[data-case="blocked"] iframe').scrollIntoViewIfNeeded();
    const embed = frame.locator('ig-embed');
    assert.equal(await settle(embed), 'fallback');
    assert.deepEqual(await card(embed), {
      reason: 'script_blocked', link: 'https://www.instagram.com/p/fA9uwTtkSN/', target: '_blank', rel: 'noopener',
      provider: 'Instagram', author: null, authorHref: null, thumbnail: null, leftovers: 0,
    });
    assert.deepEqual(requestsTo(v, proxy.url, '/embed-blocked-by-demo.js').length, 1);
  });

  test('each case\'s text names the outcome its element ended in', async () => {
    assert.deepEqual(await outcomes(page, proxy.url), {
      'not-embeddable': 'not_embeddable', timeout: 'timeout', thumbnail: 'proxy_error', slow: 'rendered', blocked: 'script_blocked',
    });
  });

  test('Instagram’s embed.js is loaded once, by the page whose script is not blocked', () => {
    assert.equal(v.instagram.scriptRequests, 1);
  });

  test('the only console errors are the failures each case provokes on purpose', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'fallbacks');
    const oembed = (code: string) => `${proxy.url}/instagram_oembed?url=${encodeURIComponent(`https://www.instagram.com/p/${code}/`)}&omitscript=true`;
    const blocked = `${proxy.url}/embed-blocked-by-demo.js`;
    const failing = requestsTo(v, proxy.url, '/instagram_oembed').filter((u) => u.href === oembed('FailingPost')).length;
    const expected = (p: ConsoleProblem): string | null => {
      if (p.kind !== 'console') return null;
      if (p.url === oembed('NotEmbeddable') && /status of 404\b/.test(p.text)) return 'not_embeddable 404';
      if (p.url === oembed('FailingPost') && /status of 50[234]\b/.test(p.text)) return 'upstream failure 5xx';
      if (p.url === blocked && /status of 404\b/.test(p.text)) return 'blocked script 404';
      // The 404 body is JSON, which Chromium also refuses to run as a script (nosniff).
      if (p.text.includes(`'${blocked}'`) && p.text.includes('MIME type')) return 'blocked script MIME';
      return null;
    };
    assert.deepEqual(v.problems.filter((p) => expected(p) === null), []);
    assert.deepEqual(v.problems.map(expected).sort(), [
      'blocked script 404', 'blocked script MIME', 'not_embeddable 404',
      ...Array<string>(failing).fill('upstream failure 5xx'),
    ]);
    assert.ok(failing >= 1 && failing <= 2, `FailingPost asked ${failing} times (once, plus at most one retry)`);
  });
});

describe('Fallbacks page offline (Instagram unreachable)', { timeout: 120_000 }, () => {
  let proxy: ProxyProcess;
  let browser: Browser;
  let v: Visit;

  before(async () => {
    ({ browser, proxy } = await startDemo());
    v = await visit(browser, `${proxy.url}/fallbacks.html`, { offline: true });
  });
  after(async () => {
    await v?.close();
    await stopDemo({ browser, proxy });
  });

  test('each case\'s text names the outcome its element ended in, where it differs from online too', async () => {
    assert.deepEqual(await outcomes(v.page, proxy.url), {
      'not-embeddable': 'not_embeddable', timeout: 'timeout', thumbnail: 'proxy_error', slow: 'script_blocked', blocked: 'script_blocked',
    });
  });

  test('nothing is asked of Meta\'s image CDN', () => {
    assert.deepEqual(v.requests.filter((u) => META_CDN.test(u)), []);
  });
});
