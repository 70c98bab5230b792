/**
 * A web-test-runner (Koa) middleware that plays the proxy's GET /instagram_oembed from the recorded
 * Graph fixtures, so widget tests never need the real proxy. Error statuses and messages come from the
 * proxy's own table (proxy/errors.ts), so the fake cannot drift from the contract. Behaviour is keyed
 * by shortcode prefix:
 *   Gone…     404 not_embeddable          Broken…   502 upstream_error
 *   Busy…     429 Retry-After: 1 on the first request for that shortcode, then 200
 *   Closed…   503 upstream_unavailable, Retry-After: 1, every time
 *   Invalid…  400 invalid_url             Drop…     socket destroyed (network error)
 *   Refused…  403 origin_not_allowed (what the proxy answers a page whose origin is not in ALLOWED_ORIGINS)
 *   Hostile…  200 whose html carries scripts, handlers and javascript: URLs around a clean blockquote
 *   Legacy…   200 era-B body (author_name, thumbnail_*)     Slow…   200 after 400 ms
 *   Hang…     accepts the request and never answers (until the browser gives up on it)
 *   anything else: 200 era-A body with that post's own permalink.
 * GET /__proxy/calls returns every shortcode requested so far (tests count fetches with it);
 * GET /__proxy/hanging returns the shortcodes of Hang… requests whose connection is still open;
 * GET /__proxy/closed?code=X answers once X's Hang… connection has closed (`true`), or `false` after 5 s.
 * scripts/card-screenshots.mjs serves the same answers (oembedAnswer) from its own server.
 */
import { readFileSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';

const { ERRORS } = await tsImport('../../../proxy/errors.ts', import.meta.url);

const fixtures = new URL('../../../proxy/fixtures/graph/', import.meta.url);
const read = (name) => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));
const eraA = read('xperience-meta-embeds_2026-09_graph-v25_tokenless_p_fA9uwTtkSN.json');
const eraB = read('discourse-onebox_2020-11_graph-v9_p_CARbvuYDm3Q_natgeo.json');
const POST = /^https:\/\/www\.instagram\.com\/(p|reel|tv)\/([A-Za-z0-9_-]+)\/$/;
const CLOSED_WAIT_MS = 5000;

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

/** The proxy's error answer for `code`: its status and message from proxy/errors.ts. */
function error(code, headers = {}) {
  const { status, message } = ERRORS[code];
  return { status, headers, body: { error: { code, message } } };
}

/**
 * The fake proxy's answer to the `url` of one GET /instagram_oembed, as `{ status, headers, body }`;
 * `count` is how many requests for this shortcode there have been, this one included. Also says how
 * the connection behaves: `delayMs` before answering, or `connection: 'hang' | 'drop'` (no answer).
 */
export function oembedAnswer(url, count = 1) {
  const match = POST.exec(url ?? '');
  if (!match) return error('invalid_url');
  const [, kind, code] = match;
  const ok = { status: 200, headers: {}, body: bodyFor(kind, code) };
  if (code.startsWith('Gone')) return error('not_embeddable');
  if (code.startsWith('Broken')) return error('upstream_error');
  if (code.startsWith('Invalid')) return error('invalid_url');
  if (code.startsWith('Refused')) return error('origin_not_allowed');
  if (code.startsWith('Closed')) return error('upstream_unavailable', { 'Retry-After': '1' });
  if (code.startsWith('Busy') && count === 1) return error('rate_limited', { 'Retry-After': '1' });
  if (code.startsWith('Hostile')) return { ...ok, body: hostileBody(kind, code) };
  if (code.startsWith('Legacy')) return { ...ok, body: bodyFor(kind, code, eraB, 'p/CARbvuYDm3Q') };
  if (code.startsWith('Slow')) return { ...ok, delayMs: 400 };
  if (code.startsWith('Hang')) return { ...ok, connection: 'hang' };
  if (code.startsWith('Drop')) return { ...ok, connection: 'drop' };
  return ok;
}

export function proxyFake() {
  const calls = [];
  const seen = new Map();
  const hanging = [];
  // Resolvers waiting for a Hang… connection to close, by shortcode.
  const closeWaiters = new Map();
  const closed = (code) => {
    hanging.splice(hanging.indexOf(code), 1);
    for (const resolve of closeWaiters.get(code) ?? []) resolve(true);
    closeWaiters.delete(code);
  };
  return async function proxyFakeMiddleware(ctx, next) {
    if (ctx.path === '/__proxy/calls') {
      ctx.body = calls;
      return;
    }
    if (ctx.path === '/__proxy/hanging') {
      ctx.body = hanging;
      return;
    }
    if (ctx.path === '/__proxy/closed') {
      // The server learns of a browser's abort asynchronously: this waits for it instead of the test polling.
      const code = String(ctx.query.code ?? '');
      ctx.body = !hanging.includes(code) || await new Promise((resolve) => {
        const timer = setTimeout(resolve, CLOSED_WAIT_MS, false);
        closeWaiters.set(code, [...(closeWaiters.get(code) ?? []), (value) => (clearTimeout(timer), resolve(value))]);
      });
      return;
    }
    // Any directory: the classic script loaded from /widget/dist/script/ asks /widget/dist/script/instagram_oembed.
    if (!ctx.path.endsWith('/instagram_oembed')) return next();
    const code = POST.exec(ctx.query.url ?? '')?.[2];
    if (code) {
      calls.push({ shortcode: code, search: ctx.querystring });
      seen.set(code, (seen.get(code) ?? 0) + 1);
    }
    const answer = oembedAnswer(ctx.query.url, seen.get(code));
    if (answer.connection === 'hang') {
      hanging.push(code);
      await new Promise((resolve) => ctx.req.socket.once('close', resolve));
      closed(code);
      ctx.status = 200; // nothing is sent: the browser has gone
      ctx.respond = false;
      return;
    }
    if (answer.connection === 'drop') {
      ctx.status = 200; // keeps the runner's 404 report quiet: nothing is sent
      ctx.respond = false;
      ctx.req.socket.destroy();
      return;
    }
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
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
