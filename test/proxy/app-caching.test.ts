/** Freshness, stale-if-error, deletion propagation, negative caching, the breaker, rate limits and the budget, over HTTP. */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { errorOf, oembedPath, POST, startHarness, type Harness } from './harness.js';

/** GET /healthz: its HTTP status and parsed body. */
async function health(harness: Harness): Promise<[number, Record<string, unknown>]> {
  const res = await harness.get('/healthz');
  return [res.status, JSON.parse(res.text) as Record<string, unknown>];
}

const post = (code: string) => `https://www.instagram.com/p/${code}/`;
let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

describe('freshness and stale-if-error', () => {
  test('after the fresh TTL the next request revalidates upstream', async () => {
    h = await startHarness({ CACHE_TTL_SECONDS: '1' });
    assert.equal((await h.get(oembedPath(POST))).headers['x-cache'], 'MISS');
    assert.equal((await h.get(oembedPath(POST))).headers['x-cache'], 'HIT');
    h.clock.advance(999);
    assert.equal((await h.get(oembedPath(POST))).headers['x-cache'], 'HIT');
    h.clock.advance(2);
    assert.equal((await h.get(oembedPath(POST))).headers['x-cache'], 'MISS');
    assert.equal(h.calls, 2);
  });

  test('a failing revalidation serves the old body marked STALE, until the stale window ends', async () => {
    h = await startHarness({ CACHE_TTL_SECONDS: '1', CACHE_STALE_SECONDS: '10' });
    const fresh = await h.get(oembedPath(POST));
    h.clock.advance(1500);
    h.upstream.fake.script('fA9uwTtkSN', 'transient');
    const stale = await h.get(oembedPath(POST));
    assert.equal(stale.status, 200);
    assert.equal(stale.headers['x-cache'], 'STALE');
    assert.equal(stale.text, fresh.text);
    assert.equal(stale.headers['cache-control'], 'public, max-age=60');
    h.upstream.fake.script('fA9uwTtkSN', 'http_500');
    assert.equal((await h.get(oembedPath(POST))).headers['x-cache'], 'STALE');
    h.clock.advance(10_000); // now 11.5 s after the fetch: past fresh (1 s) + stale (10 s)
    const beyond = await h.get(oembedPath(POST));
    assert.equal(beyond.status, 503);
    assert.equal(errorOf(beyond).code, 'upstream_unavailable');
    // Two failures in a row put the post in back-off (30 s): the third answer costs no upstream call.
    assert.equal(h.calls, 3);
  });

  test('an upstream timeout serves STALE when cached and 504 when not', async () => {
    h = await startHarness({ CACHE_TTL_SECONDS: '1', UPSTREAM_TIMEOUT_MS: '100' });
    const fresh = await h.get(oembedPath(POST));
    h.clock.advance(1500);
    h.upstream.fake.script('*', 'hang');
    const stale = await h.get(oembedPath(POST));
    assert.deepEqual([stale.status, stale.headers['x-cache'], stale.text], [200, 'STALE', fresh.text]);
    const cold = await h.get(oembedPath(post('ColdTimeout')));
    assert.equal(cold.status, 504);
    assert.equal(errorOf(cold).code, 'upstream_timeout');
  });

  test('a successful revalidation replaces the entry, and concurrent requests wait on the same call', async () => {
    let arrived = 0;
    let everyoneIn!: () => void;
    const allArrived = new Promise<void>((resolve) => { everyoneIn = resolve; });
    h = await startHarness({ CACHE_TTL_SECONDS: '1' }, { onRequest: () => { if (++arrived === 6) everyoneIn(); } });
    await h.get(oembedPath(POST));
    h.clock.advance(1500);
    h.upstream.fake.script('fA9uwTtkSN', { holdUntil: allArrived });
    const responses = await Promise.all(Array.from({ length: 5 }, () => h!.get(oembedPath(POST))));
    assert.deepEqual(responses.map((r) => r.headers['x-cache']), ['MISS', 'MISS', 'MISS', 'MISS', 'MISS']);
    assert.equal(h.calls, 2);
    assert.equal((await h.get(oembedPath(POST))).headers['x-cache'], 'HIT');
  });
});

describe('deletion propagation and negative caching', () => {
  test('a post turning not_embeddable answers 404 after the TTL and evicts every variant, stale never served', async () => {
    h = await startHarness({ CACHE_TTL_SECONDS: '1' });
    await h.get(oembedPath(POST));
    await h.get(oembedPath(POST, '&maxwidth=400'));
    await h.get(oembedPath(POST, '&hidecaption=true'));
    assert.equal(h.calls, 3);
    h.clock.advance(1500);
    h.upstream.fake.script('fA9uwTtkSN', 'not_embeddable');
    const gone = await h.get(oembedPath(POST, '&maxwidth=400'));
    assert.equal(gone.status, 404);
    assert.equal(errorOf(gone).code, 'not_embeddable');
    // Upstream now fails: the other variants were evicted with the deletion, so there is nothing stale to serve.
    h.upstream.fake.script('fA9uwTtkSN', 'transient');
    const other = await h.get(oembedPath(POST));
    assert.equal(other.status, 503);
    const third = await h.get(oembedPath(POST, '&hidecaption=1'));
    assert.equal(third.status, 503);
    // The answered variant itself is a negative entry now: 404 without asking upstream.
    const calls = h.calls;
    assert.equal((await h.get(oembedPath(POST, '&maxwidth=400'))).status, 404);
    assert.equal(h.calls, calls);
    // Once the negative entry expires, a failing upstream still finds nothing stale to fall back on.
    h.clock.advance(600_001);
    assert.equal((await h.get(oembedPath(POST, '&maxwidth=400'))).status, 503);
    assert.equal(h.calls, calls + 1);
  });

  test('not_embeddable is cached for CACHE_NEGATIVE_SECONDS, then asked again', async () => {
    h = await startHarness({ CACHE_NEGATIVE_SECONDS: '5' });
    const path = oembedPath(post('NotEmbeddable'));
    assert.equal((await h.get(path)).status, 404);
    assert.equal((await h.get(path)).status, 404);
    h.clock.advance(4999);
    assert.equal((await h.get(path)).status, 404);
    assert.equal(h.calls, 1);
    h.clock.advance(2);
    assert.equal((await h.get(path)).status, 404);
    assert.equal(h.calls, 2);
  });

  test('transient failures are not cached', async () => {
    h = await startHarness();
    h.upstream.fake.script('fA9uwTtkSN', { sequence: ['transient', 'ok'] });
    assert.equal((await h.get(oembedPath(POST))).status, 503);
    const res = await h.get(oembedPath(POST));
    assert.deepEqual([res.status, res.headers['x-cache']], [200, 'MISS']);
    assert.equal(h.calls, 2);
  });
});

describe('circuit breaker through HTTP', () => {
  test('failures of 3 different posts open it: misses get 503 with Retry-After and no upstream call, hits still 200; a probe closes it', async () => {
    h = await startHarness();
    assert.equal((await h.get(oembedPath(POST))).status, 200);
    h.upstream.fake.script('*', 'transient');
    for (let i = 0; i < 3; i++) assert.equal((await h.get(oembedPath(post(`Fail${i}`)))).status, 503);
    assert.equal(h.calls, 4);
    // Still 200: hits are served. The body says why misses are not.
    assert.deepEqual(await health(h), [200, { status: 'degraded', degraded: ['breaker_open'], breaker: 'open', upstream: 'live', token: true, l2: 'off' }]);

    const refused = await h.get(oembedPath(post('WhileOpen')));
    assert.equal(refused.status, 503);
    assert.equal(errorOf(refused).code, 'upstream_unavailable');
    assert.ok(Number(refused.headers['retry-after']) >= 8 && Number(refused.headers['retry-after']) <= 12, String(refused.headers['retry-after']));
    assert.equal(h.calls, 4);
    const hit = await h.get(oembedPath(POST));
    assert.deepEqual([hit.status, hit.headers['x-cache']], [200, 'HIT']);

    h.clock.advance(13_000);
    // Half-open: misses still wait on the one probe, so it is still degraded.
    assert.deepEqual((await health(h))[1].degraded, ['breaker_open']);
    h.upstream.fake.script('*', 'ok');
    const probe = await h.get(oembedPath(post('Probe')));
    assert.equal(probe.status, 200);
    assert.equal(h.calls, 5);
    assert.deepEqual(await health(h), [200, { status: 'ok', degraded: [], breaker: 'closed', upstream: 'live', token: true, l2: 'off' }]);
    assert.equal((await h.get(oembedPath(post('AfterProbe')))).status, 200);
  });

  test('a Graph rate-limit code opens it at once', async () => {
    h = await startHarness();
    h.upstream.fake.script('Limited', 'rate_limit');
    const limited = await h.get(oembedPath(post('Limited')));
    assert.equal(limited.status, 503);
    assert.equal(limited.headers['retry-after'], '60');
    const next = await h.get(oembedPath(post('Another')));
    assert.equal(next.status, 503);
    assert.equal(h.calls, 1);
    assert.deepEqual(await health(h), [200, { status: 'degraded', degraded: ['breaker_open'], breaker: 'open', upstream: 'live', token: true, l2: 'off' }]);
  });

  test('an open breaker and a spent budget are both reported', async () => {
    h = await startHarness({ UPSTREAM_BUDGET_PER_HOUR: '1' });
    h.upstream.fake.script('Limited', 'rate_limit');
    assert.equal((await h.get(oembedPath(post('Limited')))).status, 503);
    assert.deepEqual(await health(h), [200, { status: 'degraded', degraded: ['breaker_open', 'budget_spent'], breaker: 'open', upstream: 'live', token: true, l2: 'off' }]);
  });
});

describe('abuse limits and budget', () => {
  test('a client gets 429 rate_limited after N misses per minute while hits still pass', async () => {
    h = await startHarness({ RATE_LIMIT_MISSES_PER_MIN: '3' });
    for (let i = 0; i < 3; i++) assert.equal((await h.get(oembedPath(post(`Miss${i}`)))).status, 200);
    const limited = await h.get(oembedPath(post('Miss3')));
    assert.equal(limited.status, 429);
    assert.equal(errorOf(limited).code, 'rate_limited');
    assert.equal(limited.headers['retry-after'], '20');
    assert.equal(h.calls, 3);
    assert.equal((await h.get(oembedPath(post('Miss0')))).headers['x-cache'], 'HIT');
    h.clock.advance(20_000);
    assert.equal((await h.get(oembedPath(post('Miss3')))).status, 200);
  });

  test('with TRUST_PROXY the chosen X-Forwarded-For hop is the client', async () => {
    h = await startHarness({ RATE_LIMIT_MISSES_PER_MIN: '1', TRUST_PROXY: '1' });
    const as = (ip: string) => ({ 'x-forwarded-for': `203.0.113.9, ${ip}` });
    assert.equal((await h.get(oembedPath(post('A1')), as('198.51.100.1'))).status, 200);
    assert.equal((await h.get(oembedPath(post('A2')), as('198.51.100.1'))).status, 429);
    // The spoofable left entry is ignored; the hop our proxy added decides.
    assert.equal((await h.get(oembedPath(post('A2')), as('198.51.100.2'))).status, 200);
  });

  test('after a rejected token (190) a default budget drops to the tokenless 900/h; an explicit one stays', async () => {
    const budgetLeft = async () => /igembed_upstream_budget_remaining (\d+)/.exec((await h!.get('/metrics')).text)?.[1];
    h = await startHarness({ META_ACCESS_TOKEN: '1234|bad' });
    assert.equal(await budgetLeft(), '200000');
    assert.equal((await h.get(oembedPath(post('Rejected')))).status, 200);
    assert.equal(JSON.parse((await h.get('/healthz')).text).token, false);
    assert.equal(await budgetLeft(), '899');
    await h.close();

    h = await startHarness({ META_ACCESS_TOKEN: '1234|bad', UPSTREAM_BUDGET_PER_HOUR: '5000' });
    assert.equal((await h.get(oembedPath(post('Rejected')))).status, 200);
    assert.equal(await budgetLeft(), '4999');
  });

  test('a spent hourly budget answers misses 503 without an upstream call, hits are served', async () => {
    h = await startHarness({ UPSTREAM_BUDGET_PER_HOUR: '2', UPSTREAM_SHARE_PER_CLIENT: '1' });
    assert.equal((await h.get(oembedPath(post('B1')))).status, 200);
    assert.equal((await h.get(oembedPath(post('B2')))).status, 200);
    const spent = await h.get(oembedPath(post('B3')));
    assert.equal(spent.status, 503);
    assert.equal(errorOf(spent).code, 'upstream_unavailable');
    assert.equal(spent.headers['retry-after'], '3600');
    assert.equal(h.calls, 2);
    assert.equal((await h.get(oembedPath(post('B1')))).headers['x-cache'], 'HIT');
    assert.deepEqual(await health(h), [200, { status: 'degraded', degraded: ['budget_spent'], breaker: 'closed', upstream: 'live', token: true, l2: 'off' }]);
    h.clock.advance(3_600_000);
    assert.deepEqual((await health(h))[1].status, 'ok');
    assert.equal((await h.get(oembedPath(post('B3')))).status, 200);
  });
});
