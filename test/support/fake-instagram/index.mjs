/**
 * A faithful fake of Instagram's embed.js and its embed iframe page, served into Playwright contexts
 * at the real https://www.instagram.com origin so origin checks and postMessage behave as in production.
 *
 * Contract kept from Meta's embed.js (see shared/META-OEMBED.md): it scans
 * document.getElementsByClassName('instagram-media') (blockquotes only, light DOM), renames the class to
 * instagram-media-registered, inserts <iframe class="instagram-media" height="0"> before each blockquote
 * with src {permalink}embed/captioned/?cr=1&v=14&wp=…&rd=…&rp=…#…, loads at most 3 iframes at once
 * (a slot frees on MOUNTED or after 10 s), and handles JSON-string MEASURE / MOUNTED messages from
 * instagram.com origins. On MOUNTED it adds instagram-media-rendered, removes the blockquote and calls
 * window.__igEmbedLoaded({ frameId, stats }).
 *
 * Behaviour is chosen by URL, so one route serves every test page without shared state:
 *   embed.js?delay=MS          answer the script after MS milliseconds
 *   /blocked/embed.js          abort the request (what an ad blocker or CSP does)
 *   /noop/embed.js             defines window.instgrm whose process() inserts nothing (a changed embed.js)
 *   /throws/embed.js           defines window.instgrm whose process() throws
 *   /empty/embed.js            loads fine but defines nothing
 *   shortcode containing Never  the iframe sends MEASURE but never MOUNTED
 *   shortcode containing Late   MOUNTED arrives after 600 ms instead of 30 ms
 * Page-side counters: window.__fakeInstgrm = { scriptLoads, processCalls }.
 */

function hashOf(shortcode) {
  let hash = 0;
  for (const ch of shortcode) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash;
}

/** The default MEASURE height for a shortcode: stable, varied between 420 and 899 px. */
export function heightFor(shortcode) {
  return 420 + (hashOf(shortcode) % 480);
}

/** The fake embed.js, as served to pages. */
export const FAKE_EMBED_JS = `(() => {
  const fake = (window.__fakeInstgrm ||= { scriptLoads: 0, processCalls: 0 });
  fake.scriptLoads++;
  if (window.instgrm) return; // Meta's script tolerates being loaded twice
  const ORIGIN = /^https?:\\/\\/([\\w-]+\\.)*(instagram\\.com|instagr\\.am)$/;
  const queue = [];
  const loading = new Set();
  let count = 0;
  let scanning = false;
  const free = (frame) => { if (loading.delete(frame)) pump(); };
  const pump = () => {
    while (loading.size < 3 && queue.length) {
      const next = queue.shift();
      if (!next.frame.isConnected) continue;
      loading.add(next.frame);
      next.frame.src = next.src;
      setTimeout(() => free(next.frame), 10000);
    }
  };
  const process = () => {
    fake.processCalls++;
    if (scanning) return;
    scanning = true;
    for (const quote of Array.from(document.getElementsByClassName('instagram-media'))) {
      if (quote.tagName !== 'BLOCKQUOTE') continue;
      const id = count++;
      quote.id = 'instagram-embed-quote-' + id;
      quote.className = quote.className.replace(/\\binstagram-media\\b/, 'instagram-media-registered');
      const permalink = (quote.getAttribute('data-instgrm-permalink') || '').split('?')[0];
      const frame = document.createElement('iframe');
      frame.className = 'instagram-media';
      frame.id = 'instagram-embed-' + id;
      frame.setAttribute('height', '0');
      frame.setAttribute('frameborder', '0');
      frame.setAttribute('scrolling', 'no');
      frame.setAttribute('allowtransparency', 'true');
      frame.style.cssText = 'background:white;max-width:540px;width:calc(100% - 2px);border-radius:3px;border:1px solid #dbdbdb;box-shadow:none;display:block;margin:0 0 12px;min-width:326px;padding:0';
      const width = Math.round(quote.getBoundingClientRect().width) || 540;
      const src = permalink + (quote.hasAttribute('data-instgrm-captioned') ? 'embed/captioned/' : 'embed/') +
        '?cr=1&v=14&wp=' + width + '&rd=' + encodeURIComponent(location.origin) +
        '&rp=' + encodeURIComponent(location.pathname) + '#' + encodeURIComponent(JSON.stringify({ ci: id, os: 1 }));
      quote.parentNode.insertBefore(frame, quote);
      queue.push({ frame, src });
    }
    scanning = false;
    pump();
  };
  window.addEventListener('message', (event) => {
    if (!ORIGIN.test(event.origin) || typeof event.data !== 'string') return;
    const frame = Array.from(document.querySelectorAll('iframe.instagram-media')).find((f) => f.contentWindow === event.source);
    if (!frame) return;
    let message;
    try { message = JSON.parse(event.data); } catch { return; }
    if (message.type === 'MEASURE') {
      frame.height = String(message.details.height);
    } else if (message.type === 'MOUNTED') {
      frame.classList.add('instagram-media-rendered');
      const quote = frame.nextElementSibling;
      if (quote && quote.classList.contains('instagram-media-registered')) quote.remove();
      free(frame);
      if (typeof window.__igEmbedLoaded === 'function') window.__igEmbedLoaded({ frameId: frame.id, stats: { mountedAt: Date.now() } });
    }
  });
  window.instgrm = { Embeds: { process } };
  process();
})();
`;

/** The broken variants of embed.js, by first path segment (see the header). */
export const FAKE_EMBED_JS_VARIANTS = {
  noop: `(() => {
  const fake = (window.__fakeInstgrm ||= { scriptLoads: 0, processCalls: 0 });
  fake.scriptLoads++;
  window.instgrm = { Embeds: { process() { fake.processCalls++; } } };
})();
`,
  throws: `(() => {
  const fake = (window.__fakeInstgrm ||= { scriptLoads: 0, processCalls: 0 });
  fake.scriptLoads++;
  window.instgrm = { Embeds: { process() { fake.processCalls++; throw new Error('embed.js changed'); } } };
})();
`,
  empty: `(() => {
  const fake = (window.__fakeInstgrm ||= { scriptLoads: 0, processCalls: 0 });
  fake.scriptLoads++;
})();
`,
};

// Outline icons (24×24, stroked) for the fake post's action row: like, comment, share, save.
const ICONS = {
  like: 'M12 20s-7.5-4.6-9.3-9A5 5 0 0 1 12 6a5 5 0 0 1 9.3 5c-1.8 4.4-9.3 9-9.3 9z',
  comment: 'M20.5 12a8.5 8.5 0 1 1-3.6-6.9A8.5 8.5 0 0 1 20.5 12zm0 8.5-2.2-3.7',
  share: 'M21.5 3 10 14M21.5 3l-7 18-4.5-7L3 9.5z',
  save: 'M19 21l-7-6-7 6V3h14z',
};
const icon = (name) =>
  `<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path d="${ICONS[name]}"/></svg>`;

/**
 * The fake embed iframe page for one post: looks like an Instagram post (header, picture, actions,
 * caption lines), marked "test stand-in", and exactly as tall as the MEASURE height it reports, so
 * layout tests measure what the page shows. The picture takes whatever height the rest leaves.
 */
export function embedPage(shortcode, heights = {}) {
  const height = heights[shortcode] ?? heightFor(shortcode);
  const never = shortcode.includes('Never');
  const mountDelay = shortcode.includes('Late') ? 600 : 30;
  const hue = hashOf(shortcode) % 360;
  const username = shortcode.toLowerCase().replace(/[^a-z0-9_]/g, '').slice(0, 14) || 'instagram';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Instagram post (test stand-in)</title>
<style>
html,body{margin:0;height:${height}px;overflow:hidden}
body{box-sizing:border-box;display:flex;flex-direction:column;background:#fff;color:#262626;font:14px/18px system-ui,sans-serif}
header{display:flex;align-items:center;gap:10px;height:54px;padding:0 14px;flex:none}
.avatar{width:32px;height:32px;border-radius:50%;box-sizing:border-box;border:2px solid #fff;
  box-shadow:0 0 0 2px #d62976;background:linear-gradient(135deg,hsl(${hue} 60% 70%),hsl(${(hue + 50) % 360} 60% 50%))}
.user{font-weight:600;flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.stand-in{font:600 10px/16px ui-monospace,monospace;letter-spacing:.04em;text-transform:uppercase;color:#8e8e8e;
  border:1px dashed #c7c7c7;border-radius:4px;padding:0 5px}
.picture{flex:1;min-height:0;position:relative;overflow:hidden;
  background:radial-gradient(circle at 72% 28%,hsl(${(hue + 30) % 360} 95% 85% / .9) 0 9%,transparent 30%),
    linear-gradient(160deg,hsl(${hue} 70% 62%),hsl(${(hue + 60) % 360} 65% 48%) 60%,hsl(${(hue + 100) % 360} 55% 32%))}
.picture::after{content:"";position:absolute;inset:0;
  background:radial-gradient(90% 45% at 22% 104%,hsl(${(hue + 110) % 360} 40% 24% / .75) 0 70%,transparent 71%),
    radial-gradient(110% 38% at 85% 108%,hsl(${(hue + 90) % 360} 45% 30% / .6) 0 70%,transparent 71%)}
.actions{display:flex;gap:14px;padding:10px 14px 6px;flex:none}
.actions svg{fill:none;stroke:#262626;stroke-width:1.8;stroke-linejoin:round;stroke-linecap:round}
.actions .save{margin-left:auto}
.caption{display:grid;gap:8px;padding:6px 14px 16px;flex:none}
.bar{height:10px;border-radius:5px;background:#efefef}
</style></head>
<body data-post="${shortcode}">
<header><div class="avatar"></div><div class="user">${username}</div><div class="stand-in">test stand-in</div></header>
<div class="picture" role="img" aria-label="Post ${shortcode}"></div>
<div class="actions">${icon('like')}${icon('comment')}${icon('share')}<span class="save">${icon('save')}</span></div>
<div class="caption"><div class="bar" style="width:82%"></div><div class="bar" style="width:56%"></div></div>
<script>
  const send = (message) => parent.postMessage(JSON.stringify(message), '*');
  send({ type: 'LOADING', details: {} });
  send({ type: 'MEASURE', details: { height: ${height} } });
  ${never ? '' : `setTimeout(() => send({ type: 'MOUNTED', details: {} }), ${mountDelay});`}
</script></body></html>`;
}

/**
 * The fake's answer to one request for an Instagram or Instagram-CDN URL, for any router (Playwright
 * routes, Puppeteer request interception). `null` means: fail the request as an ad blocker would.
 * @param {string} href
 * @param {FakeInstagramStats} stats counters to update
 * @param {{ heights?: Record<string, number> }} [options]
 * @returns {Promise<{ status: number, contentType: string, body: string } | null>}
 */
export async function answerInstagram(href, stats, options = {}) {
  const url = new URL(href);
  const notFound = { status: 404, contentType: 'text/plain', body: 'not found' };
  if (url.hostname !== 'www.instagram.com') return notFound;
  if (url.pathname.endsWith('/embed.js')) {
    stats.scriptRequests++;
    const variant = url.pathname.split('/')[1];
    if (variant === 'blocked') return null;
    const delay = Number(url.searchParams.get('delay') ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const body = Object.hasOwn(FAKE_EMBED_JS_VARIANTS, variant) ? FAKE_EMBED_JS_VARIANTS[variant] : FAKE_EMBED_JS;
    return { status: 200, contentType: 'text/javascript', body };
  }
  const frame = /^\/(?:p|reel|tv)\/([A-Za-z0-9_-]+)\/embed\/(?:captioned\/)?$/.exec(url.pathname);
  if (frame?.[1]) {
    stats.frameRequests.push(frame[1]);
    return { status: 200, contentType: 'text/html', body: embedPage(frame[1], options.heights) };
  }
  return notFound;
}

/** The hosts the fake answers for: Instagram itself, and a 404 for the CDN hosts thumbnails live on. */
export const INSTAGRAM_URL = /^https:\/\/(www\.instagram\.com|[^/]*(cdninstagram\.com|fbcdn\.net))\//;

/**
 * Serve the fake at https://www.instagram.com (and a 404 for the CDN hosts thumbnails live on) in a
 * Playwright BrowserContext. Returns counters readable from Node.
 * @param {import('playwright').BrowserContext} context
 * @param {{ heights?: Record<string, number> }} [options]
 */
export async function routeInstagram(context, options = {}) {
  const stats = { scriptRequests: 0, frameRequests: [] };
  await context.route(INSTAGRAM_URL, async (route) => {
    const answer = await answerInstagram(route.request().url(), stats, options);
    return answer ? route.fulfill(answer) : route.abort('blockedbyclient');
  });
  return stats;
}

/**
 * The same fake for a Puppeteer page (Firefox over WebDriver BiDi, which has no Playwright routing
 * here): intercepts Instagram's URLs, lets every other request through.
 * @param {import('puppeteer-core').Page} page
 * @param {{ heights?: Record<string, number> }} [options]
 */
export async function interceptInstagram(page, options = {}) {
  const stats = { scriptRequests: 0, frameRequests: [] };
  await page.setRequestInterception(true);
  page.on('request', async (request) => {
    try {
      if (!INSTAGRAM_URL.test(request.url())) return await request.continue();
      const answer = await answerInstagram(request.url(), stats, options);
      if (!answer) return await request.abort('blockedbyclient');
      await request.respond({ status: answer.status, contentType: answer.contentType, body: answer.body });
    } catch (error) {
      // The request went away meanwhile (an aborted fetch, a removed iframe, the runner closing the
      // browser during a delayed answer): there is nobody left to answer.
      if (!page.isClosed() && !/no such request|closed/i.test(String(error))) throw error;
    }
  });
  return stats;
}
