// A page whose origin the proxy refuses (ALLOWED_ORIGINS): the real 403 becomes origin_not_allowed and one console warning says what to change.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright';
import { routeInstagram } from '../support/fake-instagram/index.mjs';
import { launchBrowser, metricValue, metrics, settle, startProxy, type ProxyProcess } from './harness.js';

const POSTS = ['https://www.instagram.com/p/fA9uwTtkSN/', 'https://www.instagram.com/reel/DTxk5orCKEv/'];

/**
 * The site's own server on 127.0.0.1: a two-post CMS page that loads the classic script from the proxy
 * (another origin). A real server, not a Playwright route: Chromium lets only a page served from a
 * loopback address reach the proxy on one (Local Network Access).
 */
async function startSite(proxyUrl: () => string): Promise<Server> {
  const site = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Article</title>
<script src="${proxyUrl()}/ig-embed.js" defer></script></head><body>
${POSTS.map((url) => `<ig-embed url="${url}" loading="eager"><a href="${url}">View this post on Instagram</a></ig-embed>`).join('\n')}
</body></html>`);
  });
  site.listen(0, '127.0.0.1');
  await once(site, 'listening');
  return site;
}

describe('ALLOWED_ORIGINS, seen from a page it refuses', { timeout: 120_000 }, () => {
  let proxy: ProxyProcess;
  let browser: Browser;
  let site: Server;
  // The same site by two names: the proxy allows http://127.0.0.1:port, and the page is also opened as
  // http://localhost:port, which is another origin (the mistake the warning is for).
  let allowed: string;
  let refused: string;
  before(async () => {
    browser = await launchBrowser();
    site = await startSite(() => proxy.url);
    const { port } = site.address() as { port: number };
    [allowed, refused] = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
    proxy = await startProxy({ ALLOWED_ORIGINS: allowed });
  });
  after(async () => {
    await browser?.close();
    await proxy?.stop();
    site?.close();
  });

  async function open(origin: string): Promise<{ page: Page; warnings: string[]; close(): Promise<void> }> {
    const context = await browser.newContext();
    await routeInstagram(context);
    const page = await context.newPage();
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await page.goto(`${origin}/article.html`);
    return { page, warnings, close: () => context.close() };
  }

  test('the proxy\'s 403 falls back with origin_not_allowed, and one warning names the page\'s origin and ALLOWED_ORIGINS', async () => {
    const before = await metrics(proxy.url);
    const { page, warnings, close } = await open(refused);
    try {
      const embeds = page.locator('ig-embed');
      assert.deepEqual([await settle(embeds.nth(0)), await settle(embeds.nth(1))], ['fallback', 'fallback']);
      assert.deepEqual(await embeds.evaluateAll((all) => all.map((el) => (el as HTMLElement & { reason?: string }).reason)),
        ['origin_not_allowed', 'origin_not_allowed']);
      assert.deepEqual(warnings, [`ig-embed: origin_not_allowed (${refused}): add it to the proxy's ALLOWED_ORIGINS JSHandle@node`]);
    } finally {
      await close();
    }
    // Refused before anything else: no upstream call was spent on the refused page.
    const now = await metrics(proxy.url);
    assert.equal(metricValue(now, 'igembed_upstream_calls_total') - metricValue(before, 'igembed_upstream_calls_total'), 0);
  });

  test('the same page at an allowed origin renders both posts and warns about nothing', async () => {
    const { page, warnings, close } = await open(allowed);
    try {
      const embeds = page.locator('ig-embed');
      assert.deepEqual([await settle(embeds.nth(0)), await settle(embeds.nth(1))], ['rendered', 'rendered']);
      assert.deepEqual(warnings, []);
    } finally {
      await close();
    }
  });
});
