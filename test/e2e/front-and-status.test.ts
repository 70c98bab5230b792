// The front page (live embeds, links to every demo page), the proxy status page, and a clean server stop.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright';
import {
  META_CDN, metricValue, metrics, renderedPost, screenshot, settle, startDemo, stopDemo, visit, type ProxyProcess,
} from './harness.js';

describe('front page and proxy status', { timeout: 120_000 }, () => {
  let proxy: ProxyProcess;
  let browser: Browser;
  before(async () => {
    ({ browser, proxy } = await startDemo());
  });
  after(() => stopDemo({ browser, proxy }));

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`the front page renders its embeds and links every demo page (${colorScheme})`, async () => {
      const v = await visit(browser, `${proxy.url}/`, { colorScheme });
      try {
        const embeds = v.page.locator('main ig-embed');
        const shortcodes = ['fA9uwTtkSN', 'DTxk5orCKEv', 'CCX-gcHArcJ'];
        assert.equal(await embeds.count(), shortcodes.length);
        for (const [i, code] of shortcodes.entries()) assert.equal(await renderedPost(embeds.nth(i), code), 'rendered', code);

        const links = await v.page.locator('main a.card').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
        const pages = ['cms.html', 'spa.html', 'fallbacks.html', 'consent.html', 'status.html'].map((p) => `${proxy.url}/${p}`);
        assert.deepEqual(links, pages);
        for (const href of pages) assert.equal((await fetch(href)).status, 200, href);

        assert.equal(v.instagram.scriptRequests, 1);
        assert.deepEqual(v.problems, []);
        // Fixtures mode, with Instagram reachable (the stand-in): the one line says so, and no thumbnail is asked of Meta's CDN.
        assert.equal(await v.page.locator('[data-offline-notice]').innerText(),
          'Offline demo (UPSTREAM=fixtures): the proxy answers from recordings, and where this browser cannot reach Instagram, posts are shown as fallback cards.');
        assert.deepEqual(v.requests.filter((u) => META_CDN.test(u)), []);
        await v.page.evaluate(() => window.scrollTo(0, 0));
        await screenshot(v.page, colorScheme === 'light' ? 'index' : 'index-dark');
        await screenshot(v.page, colorScheme === 'light' ? 'index-top' : 'index-dark-top', { fullPage: false });
      } finally {
        await v.close();
      }
    });
  }

  test('offline, the front page says in one line that Instagram is unreachable and shows a labelled rendered post', async () => {
    const v = await visit(browser, `${proxy.url}/`, { offline: true });
    try {
      const embeds = v.page.locator('main ig-embed');
      const reasons: string[] = [];
      for (let i = 0; i < (await embeds.count()); i++) {
        assert.equal(await settle(embeds.nth(i)), 'fallback');
        reasons.push(await embeds.nth(i).evaluate((el) => String((el as HTMLElement & { reason?: string }).reason)));
      }
      assert.deepEqual(reasons, ['script_blocked', 'script_blocked', 'script_blocked']);
      assert.equal(await v.page.locator('[data-offline-notice]').innerText(),
        'Instagram is unreachable from this browser, so posts are shown as fallback cards (the proxy runs with UPSTREAM=fixtures).');
      const example = v.page.locator('[data-rendered-example]');
      assert.equal(await example.isVisible(), true);
      assert.match(await example.locator('figcaption').innerText(), /^What a rendered post looks like: a screenshot/);
      const image = example.locator('img');
      await image.scrollIntoViewIfNeeded();
      await v.page.waitForFunction((img) => (img as HTMLImageElement).complete, await image.elementHandle());
      // It loaded, at the size the page declares for it (so the page does not shift when it arrives).
      assert.deepEqual(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]),
        [Number(await image.getAttribute('width')), Number(await image.getAttribute('height'))]);
      // The IGTV post's 2020 recording had a thumbnail on Meta's CDN: fixtures mode leaves it out.
      assert.deepEqual(v.requests.filter((u) => META_CDN.test(u)), []);
      assert.equal(await embeds.nth(2).locator('[part="thumbnail"]').count(), 0);
      await v.page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(v.page, 'index-offline');
    } finally {
      await v.close();
    }
  });

  test('the status page shows the proxy’s figures as tables', async () => {
    const v = await visit(browser, `${proxy.url}/status.html`);
    try {
      await v.page.locator('#summary .card').first().waitFor();
      const figures = Object.fromEntries(await v.page.locator('#summary .card').evaluateAll((cards) =>
        cards.map((c) => [c.querySelector('dt')?.textContent ?? '', c.querySelector('dd')?.textContent ?? ''])));
      const now = await metrics(proxy.url);
      assert.equal(figures['Health'], 'ok');
      assert.equal(figures['Upstream'], 'fixtures');
      assert.equal(figures['Circuit breaker'], 'closed');
      assert.equal(figures['Upstream calls'], String(metricValue(now, 'igembed_upstream_calls_total')));
      assert.equal(figures['Cached entries'], String(metricValue(now, 'igembed_cache_entries')));
      assert.equal(figures['Budget left this hour'], String(metricValue(now, 'igembed_upstream_budget_remaining')));
      assert.deepEqual(await v.page.locator('table').evaluateAll((ts) => ts.map((t) => (t as HTMLElement).dataset.group)),
        ['Cache', 'Circuit breaker', 'Budget and limits', 'Upstream (Graph API)', 'Requests', 'Shared cache (Redis)']);
      // The earlier tests' traffic shows up: the front page's oEmbed requests are counted by route and status.
      const oembedOk = v.page.locator('table[data-group="Requests"] tr', { hasText: 'route=oembed, status=200' }).locator('td.num');
      assert.equal(await oembedOk.innerText(), String(metricValue(now, 'igembed_http_requests_total', { route: 'oembed', status: '200' })));
      assert.deepEqual(v.problems, []);
      await screenshot(v.page, 'status');
    } finally {
      await v.close();
    }
  });

  test('the server exits 0 on SIGTERM', async () => {
    assert.equal(await proxy.stop(), 0);
  });
});
