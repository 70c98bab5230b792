/** The proxy over real HTTP: canonical keys, coalescing, representations (omitscript, encodings, ETag), CORS, routes. */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createNodeListener, createProxy, type ProxyApp } from '../../proxy/app.js';
import { EMBED_SCRIPT_TAG } from '../../proxy/sanitize-html.js';
import { canaryConfig, errorOf, oembedPath, POST, rawRequest, startHarness, type Harness } from './harness.js';

const silent = { info() {}, warn() {}, error() {} };

describe('one cache entry per post', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(() => h.close());
  beforeEach(() => { h.upstream.fake.reset(); h.proxy.close(); });

  test('ten spellings of one post make one upstream call and get the same body', async () => {
    const spellings = [
      'https://www.instagram.com/p/fA9uwTtkSN/',
      'https://www.instagram.com/p/fA9uwTtkSN',
      'http://www.instagram.com/p/fA9uwTtkSN/',
      'https://instagram.com/p/fA9uwTtkSN/',
      'HTTPS://WWW.INSTAGRAM.COM/p/fA9uwTtkSN/',
      'https://www.instagram.com/p/fA9uwTtkSN/?utm_source=ig_web_copy_link',
      'https://www.instagram.com/p/fA9uwTtkSN/#comments',
      'https://www.instagram.com/natgeo/p/fA9uwTtkSN/',
      'https://instagr.am/p/fA9uwTtkSN/',
      'https://www.instagram.com/p/fA9uwTtkSN/?igsh=MTc4MmM1YmI2Ng%3D%3D&img_index=1',
    ];
    const bodies = new Set<string>();
    for (const url of spellings) {
      const res = await h.get(oembedPath(url));
      assert.equal(res.status, 200, url);
      bodies.add(res.text);
    }
    assert.equal(h.calls, 1);
    assert.equal(bodies.size, 1);
    const upstreamUrl = new URL(h.upstream.fake.calls[0]!.url);
    assert.equal(upstreamUrl.searchParams.get('url'), POST);
    assert.equal(upstreamUrl.searchParams.get('omitscript'), 'true');
  });

  test('omitscript variants share one entry and differ only by the script tag', async () => {
    const withScript = await h.get(oembedPath(POST));
    const without = await h.get(oembedPath(POST, '&omitscript=true'));
    const alsoWithout = await h.get(oembedPath(POST, '&omitscript=1'));
    assert.equal(h.calls, 1);
    assert.deepEqual([withScript.headers['x-cache'], without.headers['x-cache'], alsoWithout.headers['x-cache']], ['MISS', 'HIT', 'HIT']);
    const a = JSON.parse(withScript.text) as Record<string, unknown>;
    const b = JSON.parse(without.text) as Record<string, unknown>;
    assert.equal(a.html, `${String(b.html)}\n${EMBED_SCRIPT_TAG}`);
    assert.deepEqual({ ...a, html: null }, { ...b, html: null });
    assert.equal(alsoWithout.text, without.text);
    assert.notEqual(withScript.headers.etag, without.headers.etag);
  });

  test('maxwidth and hidecaption are separate entries, each asked upstream once', async () => {
    await h.get(oembedPath(POST, '&maxwidth=400'));
    await h.get(oembedPath(POST, '&maxwidth=400&hidecaption=true'));
    await h.get(oembedPath(POST, '&hidecaption=1&maxwidth=400'));
    assert.equal(h.calls, 2);
    const asked = h.upstream.fake.calls.map((c) => new URL(c.url).searchParams.get('hidecaption') === 'true');
    assert.deepEqual(asked, [false, true]);
  });

  test('the body has Meta\'s fields and a sanitised html, legacy fields when upstream sent them', async () => {
    const modern = JSON.parse((await h.get(oembedPath(POST, '&omitscript=true'))).text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(modern), ['version', 'type', 'provider_name', 'provider_url', 'width', 'html']);
    assert.match(String(modern.html), /^<blockquote class="instagram-media"/);
    assert.doesNotMatch(String(modern.html), /<script/);
    const legacy = JSON.parse((await h.get(oembedPath('https://www.instagram.com/p/CARbvuYDm3Q/'))).text) as Record<string, unknown>;
    // This 2020 recording has author_name and thumbnail_* (no author_url): passed through as sent.
    assert.deepEqual(
      [legacy.author_name, legacy.thumbnail_width, legacy.thumbnail_height, 'author_url' in legacy],
      ['natgeo', 640, 427, false],
    );
    assert.match(String(legacy.thumbnail_url), /^https:\/\/scontent\.cdninstagram\.com\//);
  });
});

describe('coalescing', () => {
  test('200 concurrent cold requests make exactly one upstream call and all get the same 200', async () => {
    let arrived = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const h = await startHarness({ RATE_LIMIT_MISSES_PER_MIN: '1000' }, { onRequest: () => { if (++arrived === 200) release(); } });
    try {
      // The fake holds its answer until the proxy has taken all 200 requests.
      h.upstream.fake.script('fA9uwTtkSN', { holdUntil: released });
      const responses = await Promise.all(Array.from({ length: 200 }, () => h.get(oembedPath(POST))));
      assert.equal(h.calls, 1);
      assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([200]));
      assert.equal(new Set(responses.map((r) => r.text)).size, 1);
      assert.deepEqual(new Set(responses.map((r) => r.headers['x-cache'])), new Set(['MISS']));
      const metrics = (await h.get('/metrics')).text;
      assert.match(metrics, /^igembed_coalesced_waiters_total 199$/m);
    } finally {
      await h.close();
    }
  });

  test('a client that disconnects while waiting fails no one else', async () => {
    let arrived = 0;
    let everyoneIn!: () => void;
    const allArrived = new Promise<void>((resolve) => { everyoneIn = resolve; });
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const h = await startHarness({}, { onRequest: () => { if (++arrived === 10) everyoneIn(); } });
    try {
      h.upstream.fake.script('fA9uwTtkSN', { holdUntil: released });
      const quitter = new AbortController();
      const first = rawRequest(h.base + oembedPath(POST), {}, 'GET', quitter.signal).catch((err: Error) => err);
      const others = Array.from({ length: 9 }, () => h.get(oembedPath(POST)));
      await allArrived;
      quitter.abort();
      assert.equal((await first as Error).name, 'AbortError');
      release();
      const responses = await Promise.all(others);
      assert.deepEqual(responses.map((r) => r.status), Array(9).fill(200));
      assert.equal(h.calls, 1);
      assert.equal((await h.get(oembedPath(POST))).headers['x-cache'], 'HIT');
    } finally {
      await h.close();
    }
  });
});

describe('representations', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(() => h.close());

  test('gzip and br bodies decode to the same JSON as identity', async () => {
    const identity = await h.get(oembedPath(POST));
    const gz = await h.get(oembedPath(POST), { 'accept-encoding': 'gzip, deflate' });
    const br = await h.get(oembedPath(POST), { 'accept-encoding': 'gzip, deflate, br, zstd' });
    assert.equal(identity.headers['content-encoding'], undefined);
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(gunzipSync(gz.body).toString('utf8'), identity.text);
    assert.equal(brotliDecompressSync(br.body).toString('utf8'), identity.text);
    assert.equal(Number(gz.headers['content-length']), gz.body.byteLength);
    assert.equal(new Set([identity.headers.etag, gz.headers.etag, br.headers.etag]).size, 3);
  });

  test('q=0 refuses an encoding', async () => {
    const res = await h.get(oembedPath(POST), { 'accept-encoding': 'br;q=0, gzip;q=0.5' });
    assert.equal(res.headers['content-encoding'], 'gzip');
    const none = await h.get(oembedPath(POST), { 'accept-encoding': 'identity, *;q=0' });
    assert.equal(none.headers['content-encoding'], undefined);
  });

  test('If-None-Match with the current ETag gets 304 without a body; a stale ETag gets 200', async () => {
    const first = await h.get(oembedPath(POST), { 'accept-encoding': 'br' });
    const etag = String(first.headers.etag);
    const same = await h.get(oembedPath(POST), { 'accept-encoding': 'br', 'if-none-match': etag });
    assert.equal(same.status, 304);
    assert.equal(same.body.byteLength, 0);
    assert.equal(same.headers.etag, etag);
    assert.equal(same.headers['cache-control'], first.headers['cache-control']);
    const weakInList = await h.get(oembedPath(POST), { 'accept-encoding': 'br', 'if-none-match': `"other", W/${etag}` });
    assert.equal(weakInList.status, 304);
    const otherEncoding = await h.get(oembedPath(POST), { 'if-none-match': etag });
    assert.equal(otherEncoding.status, 200);
  });

  test('success headers follow the caching policy', async () => {
    const res = await h.get(oembedPath(POST));
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'public, max-age=300, s-maxage=3600, stale-while-revalidate=3600, stale-if-error=86400');
    assert.equal(res.headers.vary, 'Origin, Accept-Encoding');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers.etag), /^"[A-Za-z0-9_-]{22}-[sn](id|gz|br)"$/);
    assert.match(String(res.headers['x-request-id']), /^[0-9a-f]{8}-[0-9a-z]+$/);
    assert.equal(res.headers.age, '0');
  });

  test('a hit through Hono (embedding) and through the Node fast lane send the same bytes and headers', async () => {
    await h.get(oembedPath(POST, '&hidecaption=1'));
    const headers = { 'accept-encoding': 'gzip', origin: 'https://site.example' };
    const fast = await h.get(oembedPath(POST, '&hidecaption=1'), headers);
    const viaHono = await h.proxy.request(oembedPath(POST, '&hidecaption=1'), { headers });
    const honoHeaders = Object.fromEntries(viaHono.headers);
    const strip = (o: Record<string, unknown>) => {
      const { 'x-request-id': _id, date: _date, connection: _c, 'keep-alive': _k, ...rest } = o;
      return rest;
    };
    assert.equal(viaHono.status, 200);
    assert.deepEqual(strip(honoHeaders), strip(fast.headers));
    assert.deepEqual(Buffer.from(await viaHono.arrayBuffer()), fast.body);
  });

  test('HEAD answers like GET without a body', async () => {
    const get = await h.get(oembedPath(POST));
    const head = await h.get(oembedPath(POST), {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.byteLength, 0);
    assert.equal(head.headers['content-length'], get.headers['content-length']);
    assert.equal(head.headers.etag, get.headers.etag);
  });
});

describe('origins and CORS', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ ALLOWED_ORIGINS: 'https://good.example,http://localhost:5173' }); });
  after(() => h.close());

  test('an allowed origin is echoed, with Vary and exposed headers', async () => {
    const res = await h.get(oembedPath(POST), { origin: 'https://good.example' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], 'https://good.example');
    assert.equal(res.headers['access-control-expose-headers'], 'Retry-After, X-Cache, ETag, X-Request-Id');
    assert.equal(res.headers.vary, 'Origin, Accept-Encoding');
  });

  test('a disallowed origin gets 403 origin_not_allowed before parsing or any upstream call', async () => {
    const before = h.calls;
    const res = await h.get(oembedPath('https://www.instagram.com/p/NeverAsked1/'), { origin: 'https://evil.example' });
    assert.equal(res.status, 403);
    assert.equal(errorOf(res).code, 'origin_not_allowed');
    const garbage = await h.get('/instagram_oembed?nonsense', { origin: 'https://evil.example' });
    assert.equal(errorOf(garbage).code, 'origin_not_allowed');
    assert.equal(h.calls, before);
  });

  test('requests without Origin (servers, curl) are allowed and get no CORS header', async () => {
    const res = await h.get(oembedPath(POST));
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  test('errors carry CORS headers so the widget can read them', async () => {
    const res = await h.get('/instagram_oembed?url=nope', { origin: 'http://localhost:5173' });
    assert.equal(res.status, 400);
    assert.equal(res.headers['access-control-allow-origin'], 'http://localhost:5173');
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('preflight: 204 for an allowed origin, 403 otherwise', async () => {
    const ok = await h.get('/instagram_oembed', { origin: 'https://good.example', 'access-control-request-method': 'GET' }, 'OPTIONS');
    assert.equal(ok.status, 204);
    assert.equal(ok.headers['access-control-allow-origin'], 'https://good.example');
    assert.equal(ok.headers['access-control-allow-methods'], 'GET, HEAD, OPTIONS');
    const refused = await h.get('/instagram_oembed', { origin: 'https://evil.example', 'access-control-request-method': 'GET' }, 'OPTIONS');
    assert.equal(refused.status, 403);
  });

  test('a refused origin is logged with the origin and the request id, once per origin per minute', async () => {
    const refusals = () => h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'origin refused');
    const before = refusals().length;
    const first = await h.get(oembedPath(POST), { origin: 'https://typo.example' });
    assert.equal(first.status, 403);
    assert.deepEqual(refusals().slice(before).map(({ t: _t, ...rest }) => rest),
      [{ level: 'warn', msg: 'origin refused', id: first.headers['x-request-id'], origin: 'https://typo.example' }]);
    // The same origin again, by GET and by preflight, within the minute: no new line.
    await h.get(oembedPath(POST), { origin: 'https://typo.example' });
    await h.get('/instagram_oembed', { origin: 'https://typo.example', 'access-control-request-method': 'GET' }, 'OPTIONS');
    assert.equal(refusals().length, before + 1);
    // Another origin gets its own line at once; after a minute the first is logged again.
    await h.get('/instagram_oembed', { origin: 'http://localhost:5174', 'access-control-request-method': 'GET' }, 'OPTIONS');
    h.clock.advance(60_000);
    await h.get(oembedPath(POST), { origin: 'https://typo.example' });
    assert.deepEqual(refusals().slice(before).map((l) => l.origin), ['https://typo.example', 'http://localhost:5174', 'https://typo.example']);
  });

  test('a refused origin is logged at a bounded length', async () => {
    const long = `https://${'a'.repeat(5000)}.example`;
    assert.equal((await h.get(oembedPath(POST), { origin: long })).status, 403);
    const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).findLast((l) => l.msg === 'origin refused');
    assert.equal(line?.origin, `${long.slice(0, 200)}…`);
  });

  test('with ALLOWED_ORIGINS unset any origin gets *', async () => {
    const open = await startHarness();
    try {
      const res = await open.get(oembedPath(POST), { origin: 'https://anyone.example' });
      assert.equal(res.headers['access-control-allow-origin'], '*');
    } finally {
      await open.close();
    }
  });
});

describe('routes', () => {
  let h: Harness;
  // Tokenless on purpose: these tests assert `token: false` and the tokenless budget (900).
  before(async () => { h = await startHarness({ META_ACCESS_TOKEN: '', METRICS_TOKEN: 'scrape-me' }); });
  after(() => h.close());

  test('/healthz reports ok with no degraded reasons, the breaker, the upstream mode and the token', async () => {
    const res = await h.get('/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { status: 'ok', degraded: [], breaker: 'closed', upstream: 'live', token: false, l2: 'off' });
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('/metrics requires the bearer token when METRICS_TOKEN is set, and its counters move', async () => {
    assert.equal((await h.get('/metrics')).status, 401);
    assert.equal((await h.get('/metrics', { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await h.get('/metrics', { authorization: 'Bearer scrape-mex' })).status, 401);
    const auth = { authorization: 'Bearer scrape-me' };
    const before = (await h.get('/metrics', auth)).text;
    assert.doesNotMatch(before, /igembed_cache_requests_total\{result="hit"\}/);
    await h.get(oembedPath(POST));
    await h.get(oembedPath(POST));
    const res = await h.get('/metrics', auth);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(res.text, /^igembed_cache_requests_total\{result="hit"\} 1$/m);
    assert.match(res.text, /^igembed_cache_requests_total\{result="miss"\} 1$/m);
    assert.match(res.text, /^igembed_upstream_calls_total\{outcome="ok"\} 1$/m);
    assert.match(res.text, /^igembed_http_requests_total\{route="oembed",status="200"\} 2$/m);
    assert.match(res.text, /^igembed_http_requests_total\{route="metrics",status="401"\} 3$/m);
    assert.match(res.text, /^igembed_cache_entries 1$/m);
    assert.match(res.text, /^igembed_breaker_state\{state="closed"\} 1$/m);
    assert.match(res.text, /^igembed_upstream_budget_remaining 899$/m);
    assert.match(res.text, /^igembed_upstream_duration_seconds_count 1$/m);
  });

  test('unknown paths get 404 not_found and other methods 405 with Allow', async () => {
    const missing = await h.get('/nothing-here');
    assert.equal(missing.status, 404);
    assert.equal(errorOf(missing).code, 'not_found');
    const post = await h.get(oembedPath(POST), {}, 'POST');
    assert.equal(post.status, 405);
    assert.equal(errorOf(post).code, 'method_not_allowed');
    assert.equal(post.headers.allow, 'GET, HEAD, OPTIONS');
    assert.equal((await h.get('/healthz', {}, 'DELETE')).status, 405);
  });

  test('every request is logged as one JSON line with its id, route, status and cache result', async () => {
    const res = await h.get(oembedPath(POST));
    const id = String(res.headers['x-request-id']);
    const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.id === id);
    assert.deepEqual(
      { msg: line?.msg, method: line?.method, route: line?.route, status: line?.status, cache: line?.cache, level: line?.level },
      { msg: 'request', method: 'GET', route: 'oembed', status: 200, cache: 'HIT', level: 'info' },
    );
    assert.equal(typeof line?.ms, 'number');
  });
});

describe('embedding and static files', () => {
  test('createNodeListener finds the fast lane without any property on the app, and refuses an app createProxy did not make', async () => {
    const { Hono } = await import('hono');
    const proxy = createProxy(canaryConfig({ UPSTREAM: 'fixtures' }), { log: silent, distDir: false });
    assert.deepEqual([Object.getOwnPropertySymbols(proxy), Object.keys(proxy).filter((k) => /lane|hit/i.test(k))], [[], []]);
    assert.equal(typeof createNodeListener(proxy), 'function');
    assert.throws(() => createNodeListener(Object.assign(new Hono(), { close() {} }) as unknown as ProxyApp), TypeError);
    proxy.close();
  });

  test('createProxy mounts in another Hono app and answers through app.request()', async () => {
    const { Hono } = await import('hono');
    const proxy = createProxy(canaryConfig({ UPSTREAM: 'fixtures' }), { log: silent, distDir: false });
    const app = new Hono();
    app.get('/', (c) => c.text('my site'));
    app.route('/', proxy);
    const res = await app.request(oembedPath(POST));
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { provider_name: string }).provider_name, 'Instagram');
    proxy.close();
  });

  test('the widget script, its hashed copy and the demo are served from memory with ETags', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'ig-embed-dist-'));
    mkdirSync(join(dist, 'script'));
    mkdirSync(join(dist, 'demo/assets'), { recursive: true });
    const script = `(()=>{${'customElements.define("ig-embed",class extends HTMLElement{});'.repeat(20)}})();\n`;
    writeFileSync(join(dist, 'script/ig-embed.js'), script);
    writeFileSync(join(dist, 'script/ig-embed.0123abcd.js'), script);
    writeFileSync(join(dist, 'script/manifest.json'), JSON.stringify({ file: 'ig-embed.js', hashedFile: 'ig-embed.0123abcd.js' }));
    writeFileSync(join(dist, 'demo/index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(dist, 'demo/assets/app-1234.js'), 'console.log(1)');
    const distDir = pathToFileURL(`${dist}/`);

    const withDemo = createProxy(canaryConfig({ DEMO: '1' }), { log: silent, distDir });
    const js = await withDemo.request('/ig-embed.js', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(js.headers.get('cache-control'), 'public, max-age=300');
    assert.equal(js.headers.get('content-encoding'), 'gzip');
    assert.equal(js.headers.get('access-control-allow-origin'), '*');
    assert.equal(gunzipSync(Buffer.from(await js.arrayBuffer())).toString('utf8'), script);
    const again = await withDemo.request('/ig-embed.js', { headers: { 'accept-encoding': 'gzip', 'if-none-match': js.headers.get('etag')! } });
    assert.equal(again.status, 304);
    const hashed = await withDemo.request('/ig-embed.0123abcd.js');
    assert.equal(hashed.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(await hashed.text(), script);
    assert.equal(await (await withDemo.request('/')).text(), '<!doctype html><title>demo</title>');
    assert.equal((await withDemo.request('/assets/app-1234.js')).headers.get('cache-control'), 'public, max-age=31536000, immutable');
    withDemo.close();

    const noDemo = createProxy(canaryConfig(), { log: silent, distDir });
    assert.equal((await noDemo.request('/ig-embed.js')).status, 200);
    assert.equal((await noDemo.request('/')).status, 404);
    noDemo.close();
  });

  test('the consent adapters ig-embed.js loads from its own directory are served beside it, plain for 5 minutes, hashed immutable', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'ig-embed-dist-'));
    mkdirSync(join(dist, 'script'));
    const adapter = 'window.addEventListener("OneTrustGroupsUpdated",()=>{});\n';
    writeFileSync(join(dist, 'script/ig-embed.js'), 'ig-embed');
    writeFileSync(join(dist, 'script/ig-embed.consent-onetrust.js'), adapter);
    writeFileSync(join(dist, 'script/ig-embed.consent-onetrust.0a1b2c3d.js'), adapter);
    writeFileSync(join(dist, 'script/manifest.json'), JSON.stringify({
      file: 'ig-embed.js',
      consent: { onetrust: { file: 'ig-embed.consent-onetrust.js', hashedFile: 'ig-embed.consent-onetrust.0a1b2c3d.js' } },
    }));
    const proxy = createProxy(canaryConfig(), { log: silent, distDir: pathToFileURL(`${dist}/`) });
    const plain = await proxy.request('/ig-embed.consent-onetrust.js');
    assert.deepEqual([plain.status, plain.headers.get('content-type'), plain.headers.get('cache-control'), plain.headers.get('access-control-allow-origin'), await plain.text()],
      [200, 'text/javascript; charset=utf-8', 'public, max-age=300', '*', adapter]);
    const hashed = await proxy.request('/ig-embed.consent-onetrust.0a1b2c3d.js');
    assert.deepEqual([hashed.status, hashed.headers.get('cache-control'), await hashed.text()], [200, 'public, max-age=31536000, immutable', adapter]);
    // An adapter that was not built is a plain 404, like any unknown path.
    assert.equal((await proxy.request('/ig-embed.consent-tcf.js')).status, 404);
    proxy.close();
  });
});
