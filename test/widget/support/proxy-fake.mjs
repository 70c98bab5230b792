/**
 * A web-test-runner (Koa) middleware that plays the proxy's GET /instagram_oembed from the recorded
 * Graph fixtures, so widget tests never need the real proxy. Behaviour is keyed by shortcode prefix:
 *   Gone…     404 not_embeddable          Broken…   502 upstream_error
 *   Busy…     429 Retry-After: 1 on the first request for that shortcode, then 200
 *   Closed…   503 upstream_unavailable, Retry-After: 1, every time
 *   Invalid…  400 invalid_url             Drop…     socket destroyed (network error)
 *   Hostile…  200 whose html carries scripts, handlers and javascript: URLs around a clean blockquote
 *   Legacy…   200 era-B body (author_name, thumbnail_*)     Slow…   200 after 400 ms
 *   Hang…     accepts the request and never answers (until the browser gives up on it)
 *   anything else: 200 era-A body with that post's own permalink.
 * GET /__proxy/calls returns every shortcode requested so far (tests count fetches with it);
 * GET /__proxy/hanging returns the shortcodes of Hang… requests whose connection is still open.
 */
import { readFileSync } from 'node:fs';

const fixtures = new URL('../../../proxy/fixtures/graph/', import.meta.url);
const read = (name) => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));
const eraA = read('xperience-meta-embeds_2026-09_graph-v25_tokenless_p_fA9uwTtkSN.json');
const eraB = read('discourse-onebox_2020-11_graph-v9_p_CARbvuYDm3Q_natgeo.json');

/** The era-A body for any post: Meta's 2026 HTML with the permalink rewritten. */
function bodyFor(kind, shortcode, source = eraA, recorded = 'p/fA9uwTtkSN') {
  return { ...source, html: source.html.replaceAll(recorded, `${kind}/${shortcode}`) };
}

const HOSTILE_PREFIX =
  '<script>window.__hostileRan = (window.__hostileRan || 0) + 1</script>' +
  '<img src="x" onerror="window.__hostileRan = (window.__hostileRan || 0) + 1">' +
  '<iframe srcdoc="<script>parent.__hostileRan = 1</script>"></iframe>';

function hostileBody(kind, shortcode) {
  const body = bodyFor(kind, shortcode);
  const html = body.html
    .replace('<blockquote ', '<blockquote onclick="window.__hostileRan = 1" ')
    .replace('<div style="padding:16px;">', '<div style="padding:16px;"><a href="javascript:window.__hostileRan=1" id="hostile-link">x</a>' +
      '<svg><script>window.__hostileRan = 1</script><a href="javascript:window.__hostileRan=1"><path d="M0 0"/></a></svg>' +
      '<div style="background:url(javascript:window.__hostileRan=1)" data-hostile-style>y</div>' +
      '<form action="https://evil.example/"><input name="q"></form><p data-clean-marker="">kept text</p>');
  return { ...body, html: HOSTILE_PREFIX + html + '<script>window.__hostileRan = 1</script>' };
}

function error(status, code, headers = {}) {
  return { status, headers, body: { error: { code, message: `The fake proxy answered ${code}.` } } };
}

export function proxyFake() {
  const calls = [];
  const seen = new Map();
  const hanging = [];
  return async function proxyFakeMiddleware(ctx, next) {
    if (ctx.path === '/__proxy/calls') {
      ctx.body = calls;
      return;
    }
    if (ctx.path === '/__proxy/hanging') {
      ctx.body = hanging;
      return;
    }
    if (ctx.path !== '/instagram_oembed') return next();
    const match = /^https:\/\/www\.instagram\.com\/(p|reel|tv)\/([A-Za-z0-9_-]+)\/$/.exec(ctx.query.url ?? '');
    if (!match) {
      Object.assign(ctx, { status: 400, body: error(400, 'invalid_url').body });
      return;
    }
    const [, kind, code] = match;
    calls.push({ shortcode: code, search: ctx.querystring });
    const count = (seen.get(code) ?? 0) + 1;
    seen.set(code, count);
    let answer = { status: 200, headers: {}, body: bodyFor(kind, code) };
    if (code.startsWith('Gone')) answer = error(404, 'not_embeddable');
    else if (code.startsWith('Broken')) answer = error(502, 'upstream_error');
    else if (code.startsWith('Invalid')) answer = error(400, 'invalid_url');
    else if (code.startsWith('Closed')) answer = error(503, 'upstream_unavailable', { 'Retry-After': '1' });
    else if (code.startsWith('Busy') && count === 1) answer = error(429, 'rate_limited', { 'Retry-After': '1' });
    else if (code.startsWith('Hostile')) answer.body = hostileBody(kind, code);
    else if (code.startsWith('Legacy')) answer.body = bodyFor(kind, code, eraB, 'p/CARbvuYDm3Q');
    else if (code.startsWith('Slow')) await new Promise((resolve) => setTimeout(resolve, 400));
    else if (code.startsWith('Hang')) {
      hanging.push(code);
      await new Promise((resolve) => ctx.req.socket.once('close', resolve));
      hanging.splice(hanging.indexOf(code), 1);
      ctx.status = 200; // nothing is sent: the browser has gone
      ctx.respond = false;
      return;
    }
    else if (code.startsWith('Drop')) {
      ctx.status = 200; // keeps the runner's 404 report quiet: nothing is sent
      ctx.respond = false;
      ctx.req.socket.destroy();
      return;
    }
    ctx.status = answer.status;
    ctx.set({ 'Cache-Control': 'no-store', ...answer.headers });
    ctx.body = answer.body;
  };
}

/** Serves pages named *.tt.html with a Trusted Types-enforcing CSP header. */
export async function trustedTypesHeader(ctx, next) {
  await next();
  if (ctx.path.endsWith('.tt.html')) {
    ctx.set('Content-Security-Policy', "require-trusted-types-for 'script'; trusted-types ig-embed");
  }
}
