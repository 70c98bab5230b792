// The CMS page through the real proxy: one classic script tag, one proxy request per visible post, embed.js once, cache on revisit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright';
import {
  metricValue, metrics, renderedPost, requestsTo, screenshot, startDemo, stopDemo, visit, type ProxyProcess,
} from './harness.js';

/** The article's embeds, top to bottom: [canonical URL, shortcode, hidecaption]. */
const POSTS: Array<[string, string, boolean]> = [
  ['https://www.instagram.com/p/fA9uwTtkSN/', 'fA9uwTtkSN', false],
  ['https://www.instagram.com/reel/DTxk5orCKEv/', 'DTxk5orCKEv', false],
  ['https://www.instagram.com/p/B9bOM-6Ax_d/', 'B9bOM-6Ax_d', true],
  ['https://www.instagram.com/reel/CIyNZQhH4DQ/', 'CIyNZQhH4DQ', false],
];

describe('CMS page (classic script tag)', { timeout: 120_000 }, () => {
  let proxy: ProxyProcess;
  let browser: Browser;
  before(async () => {
    ({ browser, proxy } = await startDemo());
  });
  after(() => stopDemo({ browser, proxy }));

  test('renders every post with one proxy request each, made only once the post comes near the screen', async () => {
    const v = await visit(browser, `${proxy.url}/cms.html`);
    try {
      const embeds = v.page.locator('article ig-embed');
      assert.equal(await embeds.count(), POSTS.length);
      assert.equal(await renderedPost(embeds.first(), 'fA9uwTtkSN'), 'rendered');
      // The last post is several screens down: lazy loading has not asked the proxy for it yet.
      assert.equal(await embeds.last().getAttribute('state'), 'idle');
      assert.equal(requestsTo(v, proxy.url, '/instagram_oembed').some((u) => u.searchParams.get('url') === POSTS[3]![0]), false);

      for (const [i, [, shortcode]] of POSTS.entries()) {
        assert.equal(await renderedPost(embeds.nth(i), shortcode), 'rendered', shortcode);
      }
      const asked = requestsTo(v, proxy.url, '/instagram_oembed')
        .map((u) => `${u.searchParams.get('url')} hidecaption=${u.searchParams.get('hidecaption') ?? 'false'}`);
      assert.deepEqual(asked.sort(), POSTS.map(([url, , hide]) => `${url} hidecaption=${hide}`).sort());

      // One classic script from the proxy, and Instagram's embed.js once for the whole page.
      assert.equal(requestsTo(v, proxy.url, '/ig-embed.js').length, 1);
      assert.equal(v.instagram.scriptRequests, 1);
      assert.equal(await v.page.evaluate(() => (window as unknown as { __fakeInstgrm: { scriptLoads: number } }).__fakeInstgrm.scriptLoads), 1);
      // hidecaption reaches Instagram: its iframe is the uncaptioned variant.
      const third = await embeds.nth(2).locator('iframe.instagram-media').getAttribute('src');
      assert.equal(third?.startsWith('https://www.instagram.com/p/B9bOM-6Ax_d/embed/?'), true, String(third));

      assert.deepEqual(v.problems, []);
      await v.page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(v.page, 'cms');
    } finally {
      await v.close();
    }
  });

  // Follows the first visit above, which filled the proxy's cache with the four posts.
  test('a second visit in a fresh page is answered from the proxy cache', async () => {
    const before = await metrics(proxy.url);
    const v = await visit(browser, `${proxy.url}/cms.html`);
    try {
      const embeds = v.page.locator('article ig-embed');
      for (const [i, [, shortcode]] of POSTS.entries()) {
        assert.equal(await renderedPost(embeds.nth(i), shortcode), 'rendered', shortcode);
      }
      const answers = v.responses.filter((r) => new URL(r.url).pathname === '/instagram_oembed');
      assert.deepEqual(answers.map((r) => `${r.status} ${r.headers['x-cache']}`), POSTS.map(() => '200 HIT'));
      assert.deepEqual(v.problems, []);
    } finally {
      await v.close();
    }
    const now = await metrics(proxy.url);
    const delta = (name: string, labels: Record<string, string> = {}): number =>
      metricValue(now, name, labels) - metricValue(before, name, labels);
    assert.equal(delta('igembed_cache_requests_total', { result: 'hit' }), POSTS.length);
    assert.equal(delta('igembed_cache_requests_total', { result: 'miss' }), 0);
    assert.equal(delta('igembed_upstream_calls_total'), 0);
  });
});
