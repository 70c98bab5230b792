// Screenshots of the fallback card in each situation and of the consent card, light and dark, and of posts rendered by the fake
// Instagram (the test stand-in), for looking at (not an automated test). The proxy's answers are the
// widget tests' fake proxy (test/widget/support/proxy-fake.mjs), keyed by shortcode prefix.
// Usage: npx vite build --mode script && node scripts/card-screenshots.mjs [outDir]   (default test-output/cards)
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../test/support/chromium.mjs';
import { routeInstagram } from '../test/support/fake-instagram/index.mjs';
import { oembedAnswer } from '../test/widget/support/proxy-fake.mjs';

const root = new URL('../', import.meta.url);
const out = process.argv[2] ?? new URL('test-output/cards/', root).pathname;
const script = readFileSync(new URL('widget/dist/script/ig-embed.js', root));
const thumbnail = readFileSync(new URL('demo/public/demo-thumbnail.svg', root));
const RENDERED = ['fA9uwTtkSN', 'B9bOM-6Ax_d', 'CARbvuYDm3Q'];

const CASES = [
  ['unavailable', 'not_embeddable, nothing known', { url: 'https://www.instagram.com/p/GoneA1/' }],
  ['unavailable-author', 'not_embeddable, author attributes', { url: 'https://www.instagram.com/p/GoneB2/', author: 'Jane Doe', 'author-url': 'https://www.instagram.com/janedoe/' }],
  ['thumbnail', 'proxy_error, author + thumbnail', { url: 'https://www.instagram.com/p/BrokenC3/', author: 'instagram', 'author-url': 'https://www.instagram.com/instagram/', thumbnail: '/thumb.svg', 'thumbnail-alt': 'A sunrise' }],
  ['username-url', 'proxy_error, /{username}/p/ URL', { url: 'https://www.instagram.com/natgeo/p/BrokenD4/' }],
  ['broken-thumbnail', 'proxy_error, thumbnail fails', { url: 'https://www.instagram.com/p/BrokenE5/', author: 'Łukasz', thumbnail: '/missing.png' }],
  ['invalid-url', 'invalid_url', { url: 'https://example.com/not-a-post' }],
  ['consent', 'consent card, /{username}/p/ URL', { url: 'https://www.instagram.com/natgeo/p/ConsentF6/', consent: 'required' }],
  ['consent-thumbnail', 'consent card, author + thumbnail', { url: 'https://www.instagram.com/p/ConsentG7/', consent: 'required', author: 'instagram', 'author-url': 'https://www.instagram.com/instagram/', thumbnail: '/thumb.svg', 'thumbnail-alt': 'A sunrise' }],
];

function page(scheme) {
  const cards = CASES.map(([name, label, attributes]) => {
    const attrs = Object.entries({ ...attributes, loading: 'eager', endpoint: '' }).map(([k, v]) => `${k}="${v}"`).join(' ');
    return `<figure data-name="${name}"><figcaption>${label}</figcaption><ig-embed ${attrs}></ig-embed></figure>`;
  }).join('\n');
  return `<!doctype html><html style="color-scheme:${scheme}"><head><meta charset="utf-8">
<style>body{margin:0;padding:24px;font:13px system-ui;background:${scheme === 'dark' ? '#0b0b0b' : '#f4f4f5'};color:${scheme === 'dark' ? '#ddd' : '#333'};
display:grid;grid-template-columns:repeat(3,360px);gap:24px}figure{margin:0}figcaption{margin-bottom:6px}
.short ig-embed{--ig-embed-min-height:380px}</style>
<script src="/ig-embed.js" data-consent-remember defer></script></head><body class="${process.env.CARD_CLASS ?? ''}">${cards}</body></html>`;
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/ig-embed.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
  if (url.pathname === '/thumb.svg') return res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(thumbnail);
  if (url.pathname === '/rendered') {
    const posts = RENDERED.map((code) => `<ig-embed loading="eager" url="https://www.instagram.com/p/${code}/" data-code="${code}"></ig-embed>`);
    return res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><meta charset="utf-8">
<style>body{margin:0;padding:24px;background:#f4f4f5;display:flex;gap:24px;align-items:start}ig-embed{width:360px}</style>
<script src="/ig-embed.js" defer></script>${posts.join('')}`);
  }
  if (url.pathname === '/light' || url.pathname === '/dark') {
    return res.writeHead(200, { 'content-type': 'text/html' }).end(page(url.pathname.slice(1)));
  }
  if (url.pathname === '/instagram_oembed') {
    const { status, headers, body } = oembedAnswer(url.searchParams.get('url'));
    return res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
  res.writeHead(404).end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  mkdirSync(out, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  await routeInstagram(context);
  const tab = await context.newPage();
  await tab.goto(`${base}/rendered`);
  await tab.waitForFunction(() => [...document.querySelectorAll('ig-embed')].every((el) => el.getAttribute('state') === 'rendered'));
  // The box's height transition (0.25 s) has to end before the shot.
  await tab.evaluate(() => Promise.all([...document.querySelectorAll('ig-embed')].flatMap((el) => el.shadowRoot.getAnimations().map((a) => a.finished))));
  // Not fullPage: resizing the viewport for the shot leaves the cross-origin iframes painted at their old width.
  await tab.setViewportSize({ width: 1200, height: 1000 });
  // The out-of-process iframes repaint at the new size on their own schedule: there is no event to await.
  await tab.waitForTimeout(300);
  await tab.screenshot({ path: `${out}/stand-in.png` });
  for (const scheme of ['light', 'dark']) {
    await tab.goto(`${base}/${scheme}`);
    await tab.waitForFunction(() => [...document.querySelectorAll('ig-embed')].every((el) => ['fallback', 'consent'].includes(el.getAttribute('state'))));
    await tab.evaluate(() => document.fonts.ready);
    await tab.screenshot({ path: `${out}/all-${scheme}.png`, fullPage: true });
    for (const [name] of CASES) await tab.locator(`[data-name="${name}"]`).screenshot({ path: `${out}/${name}-${scheme}.png` });
    // Keyboard focus on the button: Tab through header link(s) until the post link has focus.
    await tab.keyboard.press('Tab');
    await tab.keyboard.press('Tab');
    await tab.locator('[data-name="unavailable-author"]').screenshot({ path: `${out}/focus-author-${scheme}.png` });
    await tab.keyboard.press('Tab');
    await tab.locator('[data-name="unavailable-author"]').screenshot({ path: `${out}/focus-link-${scheme}.png` });
  }
  console.log(`card screenshots in ${out}`);
} finally {
  await browser.close();
  server.close();
}
