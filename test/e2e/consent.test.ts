// The Consent page: posts behind two-click cards, driven by a stand-in for Cookiebot through the classic script's adapter;
// nothing reaches the proxy or Meta before consent; accept, decline, and the stand-in's stored choice on the next visit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright';
import { isMetaHost } from '../../instagram/meta-hosts.js';
import { renderedPost, requestsTo, screenshot, settle, startDemo, stopDemo, visit, type ProxyProcess, type Visit } from './harness.js';

/** The page's embeds, in order: shortcode. */
const POSTS = ['fA9uwTtkSN', 'DTxk5orCKEv', 'B9bOM-6Ax_d'];

/** What a visit asked for that carries the visitor to the posts: oEmbed requests to the proxy, and anything on a Meta host. */
function postTraffic(v: Visit, origin: string): string[] {
  const oembed = requestsTo(v, origin, '/instagram_oembed').map((u) => `proxy ${u.searchParams.get('url')}`);
  return [...oembed, ...v.requests.filter((u) => isMetaHost(new URL(u).hostname)).map((u) => `meta ${u}`)];
}

/** The figures the page shows (its own Resource Timing count). */
async function counts(page: Page): Promise<string> {
  return (await page.locator('.counts dd').allInnerTexts()).join(' / ');
}

describe('Consent page', { timeout: 120_000 }, () => {
  let proxy: ProxyProcess;
  let browser: Browser;
  let v: Visit;
  let embeds: Locator;
  before(async () => {
    ({ browser, proxy } = await startDemo());
    v = await visit(browser, `${proxy.url}/consent.html`);
    embeds = v.page.locator('main ig-embed');
  });
  after(async () => {
    await v?.close();
    await stopDemo({ browser, proxy });
  });

  test('every post waits behind its consent card, and nothing went to the proxy or to Meta', async () => {
    assert.equal(await embeds.count(), POSTS.length);
    for (const [i, code] of POSTS.entries()) assert.equal(await settle(embeds.nth(i), ['consent']), 'consent', code);
    // Absence: the cards are up and nothing is left to wait for, so a request would already be under way.
    await v.page.waitForTimeout(300);
    assert.deepEqual(postTraffic(v, proxy.url), []);
    // What the page did load: itself, its own assets, the classic script and its Cookiebot adapter from the proxy (said so in docs/consent.md).
    const foreign = v.requests.filter((u) => new URL(u).origin !== proxy.url);
    assert.deepEqual(foreign, []);
    assert.equal(requestsTo(v, proxy.url, '/ig-embed.js').length, 1);
    assert.equal(requestsTo(v, proxy.url, '/ig-embed.consent-cookiebot.js').length, 1);

    const first = embeds.first();
    assert.equal(await first.locator('[part~="consent-button"]').innerText(), 'Load post');
    assert.equal(await first.locator('[part~="author"]').innerText(), 'instagram');
    assert.equal(await embeds.nth(2).locator('[part~="author"]').innerText(), 'natgeo');
    assert.equal(await embeds.nth(1).locator('[part~="thumbnail"]').getAttribute('src'), '/demo-thumbnail.svg');
    assert.equal(await first.locator('a[href="https://privacycenter.instagram.com/policy"]').getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await counts(v.page), '0 / 0 / none');
    assert.deepEqual(v.problems, []);
    await v.page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(v.page, 'consent');
  });

  test('one click on a card loads that post only', async () => {
    await embeds.first().locator('[part~="consent-button"]').click();
    assert.equal(await renderedPost(embeds.first(), POSTS[0]!), 'rendered');
    assert.deepEqual(postTraffic(v, proxy.url).filter((l) => l.startsWith('proxy')), [`proxy https://www.instagram.com/p/${POSTS[0]}/`]);
    assert.deepEqual(v.instagram.frameRequests, [POSTS[0]]);
    assert.equal(v.instagram.scriptRequests, 1);
    assert.deepEqual(await Promise.all([1, 2].map((i) => embeds.nth(i).getAttribute('state'))), ['consent', 'consent']);
    assert.match(await v.page.locator('#log').innerText(), /ig-embed-consent \{"url":"https:\/\/www\.instagram\.com\/p\/fA9uwTtkSN\/","scope":"element"\}/);
  });

  test('accepting marketing in the Cookiebot stand-in loads the rest; declining puts every post back behind its card', async () => {
    await v.page.getByRole('button', { name: 'Accept marketing cookies' }).click();
    for (const [i, code] of POSTS.entries()) assert.equal(await renderedPost(embeds.nth(i), code), 'rendered', code);
    assert.deepEqual(v.instagram.frameRequests.slice().sort(), POSTS.slice().sort());
    assert.equal(v.instagram.scriptRequests, 1);
    await v.page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(v.page, 'consent-granted');

    await v.page.getByRole('button', { name: 'Decline' }).click();
    for (const [i, code] of POSTS.entries()) assert.equal(await settle(embeds.nth(i), ['consent']), 'consent', code);
    assert.equal(await v.page.locator('main ig-embed iframe, main ig-embed blockquote').count(), 0);
    assert.deepEqual(v.problems, []);
  });

  test('the stand-in\'s stored choice: the next visit loads every post without a card, and a stored decline keeps them', async () => {
    const fresh = await visit(browser, `${proxy.url}/consent.html`);
    try {
      const cards = fresh.page.locator('main ig-embed');
      assert.equal(await settle(cards.first(), ['consent']), 'consent');
      await fresh.page.getByRole('button', { name: 'Accept marketing cookies' }).click();
      for (const [i, code] of POSTS.entries()) assert.equal(await renderedPost(cards.nth(i), code), 'rendered', code);
      assert.equal(await fresh.page.locator('[data-count="stored"]').innerText(), 'accepted');

      await fresh.page.reload();
      // No click this time: a post that still asked would stay in `consent` and fail this.
      for (const [i, code] of POSTS.entries()) assert.equal(await renderedPost(cards.nth(i), code), 'rendered', code);
      assert.equal(await fresh.page.evaluate(() => localStorage.getItem('ig-embed:consent')), null, 'ig-embed itself stored nothing');

      await fresh.page.getByRole('button', { name: 'Decline' }).click();
      await fresh.page.reload();
      for (const [i, code] of POSTS.entries()) assert.equal(await settle(cards.nth(i), ['consent']), 'consent', code);
      assert.deepEqual(fresh.problems, []);
    } finally {
      await fresh.close();
    }
  });
});
