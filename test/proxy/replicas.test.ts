/**
 * Several replicas on one Redis: real proxy processes (proxy/server.ts), a real redis-server started by the
 * test, the fake Graph API over real HTTP in this process. Shared entries, one upstream call for the fleet,
 * deletion across replicas, a late replica, and serving on through a Redis that dies and comes back; then
 * the fleet's quota and back-off: one budget and one share per client for all, a rate-limit pause that
 * every replica obeys with one probe for the fleet, and the fallback budget during an outage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { startFakeGraphServer, type FakeGraphServer } from '../support/fake-graph-server.js';
import { startProxyProcess, until } from '../support/proxy-process.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { assertNoSecrets, CANARY_TOKEN, oembedPath, rawRequest, type RawResponse } from './harness.js';

type Replica = Awaited<ReturnType<typeof startProxyProcess>>;

let redis: TestRedis;
let graph: FakeGraphServer;
const replicas: Replica[] = [];
let prefixCounter = 0;

before(async () => {
  [redis, graph] = await Promise.all([startRedis(), startFakeGraphServer()]);
});
after(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await graph.close();
  await redis.stop();
});

/** A replica on this test's own key prefix, so tests never see each other's entries. */
async function replica(prefix: string, env: Record<string, string> = {}): Promise<Replica> {
  const r = await startProxyProcess({
    GRAPH_API_URL: graph.url,
    META_ACCESS_TOKEN: CANARY_TOKEN,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: prefix,
    // A loaded CI machine answers loopback Redis in well under a second; the deadline tests set their own.
    REDIS_TIMEOUT_MS: '1000',
    RATE_LIMIT_MISSES_PER_MIN: '10000',
    UPSTREAM_SHARE_PER_CLIENT: '1',
    ...env,
  });
  replicas.push(r);
  await until(async () => (await health(r)).l2 === 'ok', 'the replica to reach Redis');
  return r;
}

const freshPrefix = () => `t${process.pid}-${++prefixCounter}:`;
const post = (code: string) => `https://www.instagram.com/p/${code}/`;
const get = (r: Replica, path: string): Promise<RawResponse> => rawRequest(r.base + path);
const health = async (r: Replica) => JSON.parse((await get(r, '/healthz')).text) as { status: string; degraded: string[]; l2: string; breaker: string };
const callsFor = (code: string) => graph.fake.calls.filter((call) => call.url.includes(encodeURIComponent(`/p/${code}/`))).length;

describe('replicas sharing one Redis', () => {
  test('a post fetched through replica A is an X-Cache: HIT on replica B, with no upstream call', async () => {
    const prefix = freshPrefix();
    const [a, b] = await Promise.all([replica(prefix), replica(prefix)]);
    const first = await get(a, oembedPath(post('SharedA1')));
    assert.deepEqual([first.status, first.headers['x-cache']], [200, 'MISS']);
    const second = await get(b, oembedPath(post('SharedA1')));
    assert.deepEqual([second.status, second.headers['x-cache'], second.text], [200, 'HIT', first.text]);
    assert.equal(callsFor('SharedA1'), 1);
    assert.match((await get(b, '/metrics')).text, /^igembed_cache_requests_total\{result="l2_hit"\} 1$/m);
    await Promise.all([a.stop(), b.stop()]);
  });

  test('2 × 100 concurrent cold requests across two replicas make one upstream call, and all get 200', async () => {
    const prefix = freshPrefix();
    const [a, b] = await Promise.all([replica(prefix), replica(prefix)]);
    let release!: () => void;
    graph.fake.script('Cold200', { holdUntil: new Promise<void>((resolve) => { release = resolve; }), then: 'ok' });
    const answers = Promise.all([a, b].flatMap((r) => Array.from({ length: 100 }, () => get(r, oembedPath(post('Cold200'))))));
    // Every request is inside a replica (100 each, plus the scrape itself) before the one upstream call may answer.
    const inFlight = async (r: Replica) => Number(/^igembed_http_requests_in_flight (\d+)$/m.exec((await get(r, '/metrics')).text)?.[1]);
    await until(async () => (await inFlight(a)) === 101 && (await inFlight(b)) === 101, 'all 200 requests to arrive', 20_000);
    release();
    const all = await answers;
    assert.deepEqual(new Set(all.map((r) => r.status)), new Set([200]));
    assert.equal(callsFor('Cold200'), 1);
    await Promise.all([a.stop(), b.stop()]);
  });

  test('a deletion learned by A on another variant makes B answer 404 within a second, never stale', async () => {
    const prefix = freshPrefix();
    const [a, b] = await Promise.all([replica(prefix), replica(prefix)]);
    assert.equal((await get(b, oembedPath(post('GoneSoon')))).status, 200);
    assert.equal((await get(b, oembedPath(post('GoneSoon')))).headers['x-cache'], 'HIT');
    graph.fake.script('GoneSoon', 'not_embeddable');
    assert.equal((await get(a, oembedPath(post('GoneSoon'), '&maxwidth=400'))).status, 404);
    const learned = Date.now();
    await until(async () => (await get(b, oembedPath(post('GoneSoon')))).status === 404, 'B to stop serving the post', 1000);
    assert.ok(Date.now() - learned <= 1000);
    for (const r of [a, b]) assert.equal((await get(r, oembedPath(post('GoneSoon'), '&hidecaption=true'))).status, 404);
    await Promise.all([a.stop(), b.stop()]);
  });

  test('a replica started later serves a shared entry without an upstream call; nothing secret is written to Redis', async () => {
    const prefix = freshPrefix();
    const a = await replica(prefix);
    assert.equal((await get(a, oembedPath(post('LateJoin')))).status, 200);
    const late = await replica(prefix);
    const res = await get(late, oembedPath(post('LateJoin')));
    assert.deepEqual([res.status, res.headers['x-cache'], callsFor('LateJoin')], [200, 'HIT', 1]);
    // The canary: read back every key and value this test's replicas wrote.
    const client = redis.client();
    const keys = await client.keys(`${prefix}*`);
    assert.ok(keys.some((k) => k.includes(':entry:')), `entries under the prefix: ${keys.join(', ')}`);
    const texts: Array<[string, string]> = [];
    for (const key of keys) {
      const type = await client.type(key);
      const value = type === 'set' ? (await client.smembers(key)).join('\n') : type === 'string' ? (await client.getBuffer(key))!.toString('latin1') : '';
      texts.push([`redis key ${key}`, key], [`redis value of ${key}`, value]);
    }
    await client.quit();
    assertNoSecrets([CANARY_TOKEN], texts);
    assert.ok(keys.every((k) => k.startsWith(`${prefix}v1:`)), 'every key carries the schema version');
    await Promise.all([a.stop(), late.stop()]);
  });

  test('Redis killed mid-run: every request still answered within its deadline, /healthz says l2 down; Redis back: l2 ok, sharing resumes', async () => {
    const prefix = freshPrefix();
    const env = { REDIS_TIMEOUT_MS: '200' };
    const [a, b] = await Promise.all([replica(prefix, env), replica(prefix, env)]);
    assert.equal((await get(a, oembedPath(post('BeforeOutage')))).status, 200);
    await redis.stop();
    await until(async () => (await health(a)).l2 === 'down' && (await health(b)).l2 === 'down', 'both replicas to see Redis down');
    const h = await health(a);
    assert.deepEqual([h.status, h.degraded.includes('l2_down')], ['degraded', true]);
    // Cached ones from memory, new ones upstream; none waits on Redis past its deadline (200 ms, generous slack).
    for (const [r, code] of [[a, 'BeforeOutage'], [b, 'DuringOutage1'], [a, 'DuringOutage2']] as const) {
      const started = performance.now();
      const res = await get(r, oembedPath(post(code)));
      assert.equal(res.status, 200, code);
      assert.ok(performance.now() - started < 3000, `${code} took ${Math.round(performance.now() - started)} ms`);
    }
    await redis.start();
    await until(async () => (await health(a)).l2 === 'ok' && (await health(b)).l2 === 'ok', 'both replicas to reconnect', 20_000);
    assert.equal((await health(a)).status, 'ok');
    assert.equal((await get(a, oembedPath(post('AfterOutage')))).status, 200);
    const shared = await get(b, oembedPath(post('AfterOutage')));
    assert.deepEqual([shared.headers['x-cache'], callsFor('AfterOutage')], ['HIT', 1]);
    // Each replica logged the transitions once each way.
    const lines = (r: Replica, text: string) => r.stdout.filter((l) => l.includes(text)).length;
    assert.deepEqual([lines(a, 'redis unavailable'), lines(a, 'redis available')], [1, 2]);
    await Promise.all([a.stop(), b.stop()]);
  });
});

describe('the fleet: one budget, one back-off', () => {
  const statuses = (answers: RawResponse[]) => answers.map((r) => r.status).sort().join(',');
  const budgetLeft = async (r: Replica) => Number(/^igembed_upstream_budget_remaining (\d+)$/m.exec((await get(r, '/metrics')).text)?.[1]);

  test('a fleet budget of 6 on two replicas: 20 distinct posts at once make exactly 6 upstream calls in all', async () => {
    const prefix = freshPrefix();
    const env = { UPSTREAM_BUDGET_PER_HOUR: '6' };
    const [a, b] = await Promise.all([replica(prefix, env), replica(prefix, env)]);
    const codes = Array.from({ length: 20 }, (_, i) => `Fleet6n${i}`);
    const answers = await Promise.all(codes.map((code, i) => get(i % 2 === 0 ? a : b, oembedPath(post(code)))));
    assert.equal(codes.reduce((n, code) => n + callsFor(code), 0), 6);
    assert.equal(statuses(answers), [...Array<number>(6).fill(200), ...Array<number>(14).fill(503)].join(','));
    assert.ok(answers.filter((r) => r.status === 503).every((r) => r.text.includes('upstream_unavailable') && Number(r.headers['retry-after']) > 3000));
    // Both replicas report the fleet's figure, not their own share of it.
    await until(async () => (await health(a)).degraded.includes('budget_spent') && (await health(b)).degraded.includes('budget_spent'), 'both to say budget_spent');
    assert.deepEqual([await budgetLeft(a), await budgetLeft(b)], [0, 0]);
    await Promise.all([a.stop(), b.stop()]);
  });

  test('a client\'s share counts across replicas: 0.3 of 10 is 3 calls, whichever replica it asks', async () => {
    const prefix = freshPrefix();
    const env = { UPSTREAM_BUDGET_PER_HOUR: '10', UPSTREAM_SHARE_PER_CLIENT: '0.3' };
    const [a, b] = await Promise.all([replica(prefix, env), replica(prefix, env)]);
    const answers: RawResponse[] = [];
    for (let i = 0; i < 6; i++) answers.push(await get(i % 2 === 0 ? a : b, oembedPath(post(`Share3n${i}`))));
    assert.deepEqual(answers.map((r) => r.status), [200, 200, 200, 429, 429, 429]);
    assert.ok(answers.slice(3).every((r) => r.text.includes('rate_limited')));
    assert.equal(Array.from({ length: 6 }, (_, i) => callsFor(`Share3n${i}`)).reduce((x, y) => x + y), 3);
    await Promise.all([a.stop(), b.stop()]);
  });

  test('a rate-limit answer seen by A: B makes no upstream call until Meta\'s wait has passed, then one replica probes for the fleet', async () => {
    const prefix = freshPrefix();
    const [a, b] = await Promise.all([replica(prefix), replica(prefix)]);
    graph.fake.script('LimitedA', { rateLimit: { code: 4, retryAfter: '2' } });
    let release!: () => void;
    graph.fake.script('ProbeB', { holdUntil: new Promise<void>((resolve) => { release = resolve; }), then: 'ok' });
    const asked = Date.now();
    const limited = await get(a, oembedPath(post('LimitedA')));
    assert.deepEqual([limited.status, limited.headers['retry-after']], [503, '2']);
    // B heard of it: its breaker is open before B has asked Meta anything.
    await until(async () => (await health(b)).breaker === 'open', 'B\'s breaker to open', 1000);
    assert.deepEqual((await health(b)).degraded, ['breaker_open']);
    // Poll B with a post of its own: refused (503, no upstream call) while the wait lasts; the first request
    // after it is the fleet's probe, which the fake holds.
    const refusals: number[] = [];
    let probe: Promise<RawResponse> | undefined;
    while (probe === undefined && Date.now() - asked < 10_000) {
      const calls = graph.fake.calls.length;
      const res = get(b, oembedPath(post('ProbeB')));
      const first = await Promise.race([res, graph.fake.waitForCalls(calls + 1).then(() => 'called' as const)]);
      if (first === 'called') probe = res;
      else {
        refusals.push(first.status);
        assert.equal(callsFor('ProbeB'), 0);
        await delay(50); // the poll's pace, not a wait for an outcome
      }
    }
    const calledAfter = Date.now() - asked;
    assert.ok(probe !== undefined, 'B called Meta again');
    assert.ok(calledAfter >= 1900, `B called ${calledAfter} ms after A's answer asked for 2 s`);
    assert.ok(refusals.length > 0 && refusals.every((s) => s === 503), refusals.join(','));
    // A is half-open too, but the probe is B's: A answers Retry-After: 1 without calling.
    const waiting = await get(a, oembedPath(post('ProbeA')));
    assert.deepEqual([waiting.status, waiting.headers['retry-after'], callsFor('ProbeA')], [503, '1', 0]);
    release();
    assert.equal((await probe).status, 200);
    // The probe's answer closes A's breaker as well.
    await until(async () => (await health(a)).breaker === 'closed', 'A\'s breaker to close', 2000);
    assert.deepEqual([(await get(a, oembedPath(post('ProbeA')))).status, callsFor('ProbeA'), callsFor('LimitedA')], [200, 1, 1]);
    await Promise.all([a.stop(), b.stop()]);
  });

  test('Redis killed: each replica spends at most budget ÷ UPSTREAM_FLEET_SIZE in the hour; back empty, the fleet counts every call again', async () => {
    const prefix = freshPrefix();
    // Budget 6, fleet of 2: 3 calls an hour each while Redis is gone. A makes 2 before the outage.
    const env = { UPSTREAM_BUDGET_PER_HOUR: '6', UPSTREAM_FLEET_SIZE: '2', REDIS_TIMEOUT_MS: '200' };
    const [a, b] = await Promise.all([replica(prefix, env), replica(prefix, env)]);
    for (const code of ['Before1', 'Before2']) assert.equal((await get(a, oembedPath(post(code)))).status, 200);
    await redis.stop();
    await until(async () => (await health(a)).l2 === 'down' && (await health(b)).l2 === 'down', 'both replicas to see Redis down');
    const during = (r: Replica, tag: string) => Array.from({ length: 10 }, (_, i) => get(r, oembedPath(post(`Alone${tag}${i}`))));
    const [fromA, fromB] = await Promise.all([Promise.all(during(a, 'A')), Promise.all(during(b, 'B'))]);
    const made = (tag: string) => Array.from({ length: 10 }, (_, i) => callsFor(`Alone${tag}${i}`)).reduce((x, y) => x + y);
    assert.deepEqual([made('A'), made('B')], [1, 3]);
    assert.deepEqual([fromA.filter((r) => r.status === 200).length, fromB.filter((r) => r.status === 200).length], [1, 3]);
    assert.equal(a.stdout.filter((l) => l.includes('fleet budget unavailable')).length, 1);
    await redis.start();
    // Redis came back empty; each replica adds back its calls of the hour as soon as it reconnects (3 + 3 = 6),
    // before any request: watched in the logs and in Redis itself, since /healthz would read the count too.
    const reconnected = (r: Replica) => r.stdout.filter((l) => l.includes('redis available')).length === 2;
    await until(() => reconnected(a) && reconnected(b), 'both replicas to reconnect', 20_000);
    const client = redis.client();
    try {
      const fleetCount = async () => (await client.hvals(`${prefix}v1:budget`)).reduce((n, v) => n + Number(v), 0);
      await until(async () => (await fleetCount()) === 6, 'the fleet\'s count to hold every call of the hour', 5000);
    } finally {
      client.disconnect();
    }
    const after = [await get(a, oembedPath(post('AfterBack1'))), await get(b, oembedPath(post('AfterBack2')))];
    const again = [await get(a, oembedPath(post('AfterBack3'))), await get(b, oembedPath(post('AfterBack4')))];
    assert.deepEqual([...after, ...again].map((r) => r.status), [503, 503, 503, 503]);
    assert.equal(['AfterBack1', 'AfterBack2', 'AfterBack3', 'AfterBack4'].map(callsFor).reduce((x, y) => x + y), 0);
    await Promise.all([a.stop(), b.stop()]);
  });
});
