// The front page (live embeds, links to every demo page), the proxy status page, and a clean server stop.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright';
import {
  metricValue, metrics, renderedPost, screenshot, startDemo, stopDemo, visit, type ProxyProcess,
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
        await v.page.evaluate(() => window.scrollTo(0, 0));
        await screenshot(v.page, colorScheme === 'light' ? 'index' : 'index-dark');
        await screenshot(v.page, colorScheme === 'light' ? 'index-top' : 'index-dark-top', { fullPage: false });
      } finally {
        await v.close();
      }
    });
  }

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
