// What a screen reader gets from the built demo: the cards' accessible names in reading order (Playwright's
// aria snapshot), aria-busy on waiting boxes, and a name for Instagram's iframe in Chromium's accessibility tree.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { settle, startDemo, stopDemo, visit, type Demo } from './harness.js';

describe('accessibility of the demo pages', { timeout: 120_000 }, () => {
  let demo: Demo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => stopDemo(demo));

  test('each fallback card reads: author, "Instagram", the picture or the message, then the link to the post', async () => {
    const v = await visit(demo.browser, `${demo.proxy.url}/fallbacks.html`);
    try {
      // "Never mounts" lives in a page of its own, framed by its case.
      const at = (name: string) => (name === 'timeout'
        ? v.page.frameLocator('[data-case="timeout"] iframe').locator('ig-embed')
        : v.page.locator(`[data-case="${name}"] ig-embed`));
      const cases: Record<string, string> = {};
      for (const name of ['not-embeddable', 'thumbnail', 'timeout']) {
        assert.equal(await settle(at(name), ['fallback'], 20_000), 'fallback', name);
        cases[name] = `aria-busy=${await at(name).getAttribute('aria-busy')}\n${await at(name).ariaSnapshot()}`;
      }
      // The avatar (the initial or a glyph) is aria-hidden: the name next to it is read once.
      assert.deepEqual(cases, {
        'not-embeddable': [
          'aria-busy=null',
          '- paragraph: Instagram',
          '- paragraph: This post is unavailable.',
          '- link "View this post on Instagram":',
          '  - /url: https://www.instagram.com/p/NotEmbeddable/',
        ].join('\n'),
        thumbnail: [
          'aria-busy=null',
          '- paragraph:',
          '  - link "instagram":',
          '    - /url: https://www.instagram.com/instagram/',
          '  - text: Instagram',
          '- \'img "Illustration: a sunrise over mountains and a lake"\'',
          '- link "View this post on Instagram":',
          '  - /url: https://www.instagram.com/p/FailingPost/',
        ].join('\n'),
        timeout: [
          'aria-busy=null',
          '- paragraph: Instagram',
          '- paragraph: This post couldn\'t be loaded here.',
          '- link "View this post on Instagram":',
          '  - /url: https://www.instagram.com/p/NeverMounts/',
        ].join('\n'),
      });
    } finally {
      await v.close();
    }
  });

  test('a box still waiting is aria-busy; a rendered post is not, and its iframe is named "Instagram post"', async () => {
    const v = await visit(demo.browser, `${demo.proxy.url}/cms.html`);
    try {
      const embeds = v.page.locator('article ig-embed');
      // Lazy: the last post is screens below and has not started.
      assert.deepEqual([await embeds.last().getAttribute('state'), await embeds.last().getAttribute('aria-busy')], ['idle', 'true']);
      assert.equal(await settle(embeds.first()), 'rendered');
      assert.equal(await embeds.first().getAttribute('aria-busy'), null);
      // Chromium's own accessibility tree: what a screen reader is given for the frame.
      const cdp = await v.context.newCDPSession(v.page);
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ role?: { value: string }; name?: { value: string } }> };
      // Every Instagram iframe on the page so far (the next posts may be loading): each one named.
      const frames = nodes.filter((node) => node.role?.value === 'Iframe').map((node) => node.name?.value ?? '');
      assert.equal(frames.length >= 1, true, `${frames.length} iframes`);
      assert.deepEqual([...new Set(frames)], ['Instagram post']);
    } finally {
      await v.close();
    }
  });
});
