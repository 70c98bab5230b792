// Screenshots of every demo page as an offline visitor sees it, and the "rendered post" picture the front page
// shows then: the built proxy in fixtures mode (DEMO=1, on a free port of 127.0.0.1) and headless Chromium.
//   docs/screenshots/{page}.png   each demo page, 1000 px wide, the whole page; every request that leaves
//                                 127.0.0.1 fails as it does without a network (Instagram is unreachable)
//   demo/public/rendered-post.png one post rendered by the test stand-in for Instagram (test/support/fake-instagram),
//                                 which the front page shows, labelled, when posts fall back
// Usage: npm run build && node scripts/demo-screenshots.mjs   (then `npm run build:demo` to ship a new rendered-post.png)
/* global fetch, requestAnimationFrame -- Node 20 has fetch; requestAnimationFrame runs in the page */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../test/support/chromium.mjs';
import { routeInstagram } from '../test/support/fake-instagram/index.mjs';

const root = new URL('../', import.meta.url);
const shots = new URL('docs/screenshots/', root).pathname;
const PAGES = ['index', 'cms', 'spa', 'fallbacks', 'consent', 'status', 'blocked', 'never-mounts'];
// What an element ends in on these pages; "consent" waits for a click that never comes.
const SETTLED = ['rendered', 'fallback', 'consent'];

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

async function startProxy() {
  const port = await freePort();
  const child = spawn(process.execPath, ['proxy/dist/proxy/server.js'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DEMO: '1', UPSTREAM: 'fixtures', HOST: '127.0.0.1', PORT: String(port) },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`the proxy exited with ${child.exitCode}: run \`npm run build\` first`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('the proxy did not answer /healthz within 15 s');
}

/** Resolves once every <ig-embed> of the page and its frames has settled (bounded: 20 s). */
async function settled(page) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const states = (await Promise.all(page.frames().map((f) => f.evaluate(() =>
      [...document.querySelectorAll('ig-embed')].map((el) => el.getAttribute('state') ?? 'idle')).catch(() => [])))).flat();
    if (states.every((s) => SETTLED.includes(s))) return states;
    if (Date.now() > deadline) return states;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The whole page: the viewport grows to it, so lazy elements load and iframes paint (fullPage leaves them blank). */
async function wholePage(page, path) {
  // A short viewport first, so scrollHeight is the page's own height, not the window's.
  await page.setViewportSize({ width: 1000, height: 100 });
  await page.setViewportSize({ width: 1000, height: await page.evaluate(() => document.documentElement.scrollHeight) });
  const states = await settled(page);
  // The status page fills its tables from /metrics after load.
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
  await page.evaluate(() => document.fonts.ready);
  await page.setViewportSize({ width: 1000, height: await page.evaluate(() => document.documentElement.scrollHeight) });
  // Two frames, so content that moved with the last resize is painted where it now is.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({ path });
  return states;
}

const proxy = await startProxy();
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  mkdirSync(shots, { recursive: true });
  // The rendered post, from the stand-in: a 320 px page holding one element (small enough to ship in the demo).
  const standIn = await browser.newContext({ viewport: { width: 320, height: 800 } });
  await routeInstagram(standIn);
  await standIn.route(`${proxy.url}/__rendered-post.html`, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html>
<meta charset="utf-8"><style>body{margin:0;background:#fff}</style><script src="/ig-embed.js" defer></script>
<ig-embed loading="eager" url="https://www.instagram.com/p/fA9uwTtkSN/"></ig-embed>` }));
  const tab = await standIn.newPage();
  await tab.goto(`${proxy.url}/__rendered-post.html`);
  await tab.waitForFunction(() => document.querySelector('ig-embed')?.getAttribute('state') === 'rendered', null, { timeout: 15_000 });
  // The box's height transition (0.25 s) has to end before the shot.
  await tab.evaluate(() => Promise.all(document.querySelector('ig-embed').shadowRoot.getAnimations().map((a) => a.finished)));
  await tab.locator('ig-embed').screenshot({ path: new URL('demo/public/rendered-post.png', root).pathname });
  await standIn.close();

  // Offline: nothing but the proxy answers.
  const offline = await browser.newContext({ viewport: { width: 1000, height: 800 }, colorScheme: 'light', serviceWorkers: 'block' });
  await offline.route((url) => url.origin !== proxy.url, (route) => route.abort('internetdisconnected'));
  for (const name of PAGES) {
    const page = await offline.newPage();
    await page.goto(`${proxy.url}/${name}.html`);
    const states = await wholePage(page, `${shots}${name}.png`);
    console.log(`${name}.png: ${states.join(', ') || 'no <ig-embed>'}`);
    await page.close();
  }
  console.log(`screenshots in ${shots}, rendered post in demo/public/rendered-post.png`);
} finally {
  await browser.close();
  proxy.child.kill();
}
