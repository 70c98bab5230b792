// The SPA built from the npm import: embeds added, changed and removed at runtime, embed.js loaded once throughout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright';
import { framesIn, renderedPost, requestsTo, screenshot, startDemo, stopDemo, visit, type ProxyProcess, type Visit } from './harness.js';

describe('SPA page (npm import)', { timeout: 120_000 }, () => {
  let proxy: ProxyProcess;
  let browser: Browser;
  let v: Visit;
  let page: Page;
  const slot = (n: number) => page.locator(`[data-slot="${n}"]`);
  const asked = () => requestsTo(v, proxy.url, '/instagram_oembed')
    .map((u) => `${u.searchParams.get('url')}${u.searchParams.has('hidecaption') ? ' hidecaption' : ''}`);

  before(async () => {
    ({ browser, proxy } = await startDemo());
    v = await visit(browser, `${proxy.url}/spa.html`);
    page = v.page;
  });
  after(async () => {
    await v?.close();
    await stopDemo({ browser, proxy });
  });

  test('starts with one rendered embed', async () => {
    assert.equal(await page.evaluate(() => customElements.get('ig-embed') !== undefined), true, 'the npm entry registered <ig-embed>');
    assert.equal(await page.locator('ig-embed').count(), 1);
    assert.equal(await renderedPost(slot(1).locator('ig-embed'), 'fA9uwTtkSN'), 'rendered');
    assert.deepEqual(asked(), ['https://www.instagram.com/p/fA9uwTtkSN/']);
  });

  test('adds an embed from the form', async () => {
    await page.getByLabel('Post, reel or IGTV link').fill('https://www.instagram.com/tv/CCX-gcHArcJ/?utm_source=ig_web_copy_link');
    await page.getByRole('button', { name: 'Add embed' }).click();
    assert.equal(await page.locator('ig-embed').count(), 2);
    assert.equal(await renderedPost(slot(2).locator('ig-embed'), 'CCX-gcHArcJ'), 'rendered');
    // The element canonicalises the link before asking: no tracking parameters reach the proxy.
    assert.deepEqual(asked().slice(1), ['https://www.instagram.com/tv/CCX-gcHArcJ/']);
  });

  test('changing an embed’s post replaces what it shows', async () => {
    await slot(1).getByRole('button', { name: 'Next post' }).click();
    const embed = slot(1).locator('ig-embed');
    assert.equal(await renderedPost(embed, 'DTxk5orCKEv'), 'rendered');
    assert.deepEqual(await framesIn(embed), ['DTxk5orCKEv']);
    assert.equal(await slot(1).locator('.url').innerText(), 'https://www.instagram.com/reel/DTxk5orCKEv/');
    assert.deepEqual(asked().slice(2), ['https://www.instagram.com/reel/DTxk5orCKEv/']);
  });

  test('toggling the caption asks for the captionless variant', async () => {
    const embed = slot(2).locator('ig-embed');
    await slot(2).getByRole('button', { name: 'Toggle caption' }).click();
    await page.waitForFunction((el) => el?.querySelector('iframe.instagram-media-rendered[src*="/CCX-gcHArcJ/embed/?"]') !== null,
      await embed.elementHandle());
    assert.equal(await embed.getAttribute('state'), 'rendered');
    assert.equal(await embed.evaluate((el) => (el as HTMLElement & { hidecaption: boolean }).hidecaption), true);
    assert.deepEqual(asked().slice(3), ['https://www.instagram.com/tv/CCX-gcHArcJ/ hidecaption']);
  });

  test('removing an embed takes it and its iframe off the page', async () => {
    await slot(1).getByRole('button', { name: 'Remove' }).click();
    assert.equal(await slot(1).count(), 0);
    assert.equal(await page.locator('ig-embed').count(), 1);
    assert.deepEqual(await framesIn(page.locator('ig-embed')), ['CCX-gcHArcJ']);
    assert.match(await page.locator('#log li').first().innerText(), /#1 removed$/);
  });

  test('embed.js was loaded once for everything, and nothing logged an error', async () => {
    assert.equal(v.instagram.scriptRequests, 1);
    assert.equal(await page.evaluate(() => (window as unknown as { __fakeInstgrm: { scriptLoads: number } }).__fakeInstgrm.scriptLoads), 1);
    assert.equal(await page.locator('script[src*="embed.js"]').count(), 1);
    await page.getByLabel('Post, reel or IGTV link').fill('https://www.instagram.com/p/B9bOM-6Ax_d/');
    await page.getByRole('button', { name: 'Add embed' }).click();
    assert.equal(await renderedPost(slot(3).locator('ig-embed'), 'B9bOM-6Ax_d'), 'rendered');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'spa');
    assert.deepEqual(v.problems, []);
  });
});
