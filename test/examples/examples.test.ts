// The examples, installed from the packed tarball, built with their own tools, and rendered in Chromium against
// the proxy in fixtures mode (Instagram faked at its real origin). The Astro one renders in Node first.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright';
import { launchBrowser, renderedPost, settle, startProxy, visit, type ProxyProcess, type Visit } from '../e2e/harness.js';
import { mustRun, serveSite, workspace, type Site, type Workspace } from './support.js';

const POST = 'https://www.instagram.com/p/fA9uwTtkSN/';

/** The text of `selector` once it no longer says "waiting" (an event handler wrote it). */
async function statusOf(v: Visit, selector: string): Promise<string> {
  await v.page.waitForFunction((s) => document.querySelector(s)?.textContent !== 'waiting', selector, { timeout: 15_000 }).catch(() => undefined);
  return v.page.locator(selector).innerText();
}

/** All JavaScript a built example ships, as one string. */
async function bundle(dir: string): Promise<string> {
  const assets = join(dir, 'dist/assets');
  const files = (await readdir(assets)).filter((file) => file.endsWith('.js'));
  return (await Promise.all(files.map((file) => readFile(join(assets, file), 'utf8')))).join('\n');
}

/** A string only @lit/react's browser build has, of everything these examples bundle (not Lit, React or Vue). */
const LIT_REACT_MARK = 'defer-hydration';

/** Uncaught errors on the page (the fallback's 404 from the proxy is a console message, not one of these). */
const pageErrors = (v: Visit) => v.problems.filter((p) => p.kind === 'pageerror').map((p) => p.text);

describe('examples, built from the packed tarball and rendered in Chromium', { timeout: 900_000 }, () => {
  let ws: Workspace;
  let proxy: ProxyProcess;
  let browser: Browser;
  const sites: Site[] = [];
  before(async () => {
    ws = await workspace();
    proxy = await startProxy();
    browser = await launchBrowser();
  });
  after(async () => {
    await Promise.all(sites.map((site) => site.close()));
    await browser?.close();
    await proxy?.stop();
    await ws?.remove();
  });

  /** Installs and builds `examples/<name>`, serves `<name>/<out>` and opens it. */
  async function open(name: string, out = 'dist'): Promise<{ dir: string; v: Visit }> {
    const dir = await ws.install(`examples/${name}`);
    await mustRun('npm', ['run', 'build'], dir);
    const site = await serveSite(join(dir, out), proxy.url);
    sites.push(site);
    return { dir, v: await visit(browser, site.url) };
  }

  test('html (CMS): the classic script renders the post, and a post that cannot be embedded shows its card', async () => {
    const { v } = await open('html');
    try {
      assert.equal(await renderedPost(v.page.locator('#post'), 'fA9uwTtkSN'), 'rendered');
      assert.equal(await settle(v.page.locator('#unavailable')), 'fallback');
      assert.equal(await v.page.locator('#unavailable').evaluate((e) => (e as HTMLElement & { reason?: string }).reason), 'not_embeddable');
      assert.deepEqual(pageErrors(v), []);
    } finally {
      await v.close();
    }
  });

  test('vite-react: tsc and vite build pass; <IgEmbed> renders and calls onLoad, <ig-embed> falls back and calls its onig-embed-fallback', async () => {
    const { dir, v } = await open('vite-react');
    assert.equal((await bundle(dir)).includes(LIT_REACT_MARK), true);
    try {
      assert.equal(await renderedPost(v.page.locator('#post'), 'fA9uwTtkSN'), 'rendered');
      assert.equal(await statusOf(v, '#post-status'), `loaded ${POST}`);
      assert.equal(await settle(v.page.locator('#unavailable')), 'fallback');
      assert.equal(await statusOf(v, '#unavailable-status'), 'fallback not_embeddable');
      // maxwidth={540} reached the element as a number property, not as an attribute string.
      assert.equal(await v.page.locator('#post').evaluate((e) => typeof (e as HTMLElement & { maxwidth: unknown }).maxwidth), 'number');
      assert.deepEqual(pageErrors(v), []);
    } finally {
      await v.close();
    }
    // The same component renders on a server (react-dom/server in Node, no window): a plain <ig-embed> tag.
    const html = await mustRun('node', ['--input-type=module', '-e', `
      import { createElement } from 'react';
      import { renderToString } from 'react-dom/server';
      import { IgEmbed } from 'ig-embed/react';
      console.log(typeof window, renderToString(createElement(IgEmbed, { id: 'post' })));`], dir);
    assert.equal(html.trim(), 'undefined <ig-embed id="post"></ig-embed>');
  });

  test('vite-vue: vue-tsc (strict templates) and vite build pass; the post renders and @ig-embed-load fires', async () => {
    const { dir, v } = await open('vite-vue');
    // `import 'ig-embed'` bundles the element (and registers it: sideEffects) without @lit/react.
    const code = await bundle(dir);
    assert.equal(code.includes('ig-embed-fallback'), true);
    assert.equal(code.includes(LIT_REACT_MARK), false);
    // Nor does installing it bring React's wrapper or React's types into a Vue app (optional peers).
    assert.deepEqual(['@lit/react', '@types/react', 'react'].filter((name) => existsSync(join(dir, 'node_modules', name))), []);
    try {
      assert.equal(await renderedPost(v.page.locator('#post'), 'fA9uwTtkSN'), 'rendered');
      assert.equal(await statusOf(v, '#post-status'), `loaded ${POST}`);
      assert.deepEqual(pageErrors(v), []);
    } finally {
      await v.close();
    }
  });

  test('astro: the page imports ig-embed in Node at build time, and the built page renders the post', async () => {
    const { dir, v } = await open('astro');
    try {
      assert.equal(await v.page.locator('#server').innerText(), 'server import ok');
      assert.equal(await renderedPost(v.page.locator('#post'), 'fA9uwTtkSN'), 'rendered');
      assert.deepEqual(pageErrors(v), []);
    } finally {
      await v.close();
    }
    // And in plain Node: no window, and importing the registering entry throws nothing.
    const out = await mustRun('node', ['--input-type=module', '-e', `
      const { IgEmbedElement } = await import('ig-embed');
      console.log(typeof window, typeof document, typeof IgEmbedElement.define);`], dir);
    assert.equal(out.trim(), 'undefined undefined function');
  });
});
