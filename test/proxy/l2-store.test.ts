// The Redis level against a real redis-server: entries round-trip byte for byte, locks and results between two
// replicas, revocation, and a Redis that dies or stops answering costs each call at most its deadline.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { buildNegativeEntry, buildPositiveEntry, type CacheEntry } from '../../proxy/cache.js';
import { decodeEntry, encodeEntry, L2_SCHEMA } from '../../proxy/l2-codec.js';
import { createL2Store, persistenceOf, type L2Options, type L2State, type L2Store } from '../../proxy/l2-store.js';
import { createLogger } from '../../proxy/log.js';
import { until } from '../support/proxy-process.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

const POST = 'https://www.instagram.com/p/L2post/';
const PAYLOAD = { version: '1.0', type: 'rich', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', width: 658, html: '<blockquote class="instagram-media">x</blockquote>' };

function positive(now = Date.now()): CacheEntry {
  return buildPositiveEntry(PAYLOAD, { post: POST, now, freshMs: 60_000, staleMs: 60_000, scriptTag: '<script async src="//x/embeds.js"></script>' });
}

let redis: TestRedis;
before(async () => { redis = await startRedis(); });
after(async () => { await redis.stop(); });

interface Replica { store: L2Store; revoked: string[]; recovered: number; states: L2State[]; logs: string[]; fleet: unknown[] }

async function replica(overrides: Partial<L2Options> = {}, url = redis.url): Promise<Replica> {
  const r: Replica = { store: undefined as unknown as L2Store, revoked: [], recovered: 0, states: [], logs: [], fleet: [] };
  r.store = createL2Store({
    url, timeoutMs: 200, keyPrefix: 'test:', lockMs: 1000,
    log: createLogger({ secrets: [], write: (line) => r.logs.push(line) }),
    onRevoke: (post) => r.revoked.push(post),
    onRecover: () => { r.recovered++; },
    onFleet: (message) => r.fleet.push(message),
    onStateChange: (state) => r.states.push(state),
    ...overrides,
  });
  await until(() => r.store.state === 'ok', 'the replica to connect');
  return r;
}


describe('entry codec', () => {
  test('a positive entry survives encode → decode with every representation byte for byte', () => {
    const entry = positive();
    const back = decodeEntry(encodeEntry(entry));
    assert.ok(back?.kind === 'ok' && entry.kind === 'ok');
    for (const name of ['noscript', 'script'] as const) {
      for (const encoding of ['identity', 'gzip', 'br'] as const) {
        assert.equal(Buffer.compare(Buffer.from(back[name][encoding]!.body), Buffer.from(entry[name][encoding]!.body)), 0, `${name} ${encoding}`);
        assert.equal(back[name][encoding]!.etag, entry[name][encoding]!.etag);
      }
    }
    assert.deepEqual([back.storedAt, back.freshUntil, back.staleUntil, back.post, back.revoked], [entry.storedAt, entry.freshUntil, entry.staleUntil, POST, false]);
  });

  test('a negative entry round-trips; junk, truncation and other schemas decode to nothing', () => {
    const negative = buildNegativeEntry({ post: POST, now: 1000, ttlMs: 500 });
    assert.deepEqual(decodeEntry(encodeEntry(negative)), negative);
    const bytes = encodeEntry(positive());
    assert.equal(decodeEntry(bytes.subarray(0, bytes.byteLength - 1)), undefined);
    assert.equal(decodeEntry(Buffer.from('IGE0' + bytes.subarray(4).toString('latin1'), 'latin1')), undefined);
    assert.equal(decodeEntry(Buffer.from('not an entry')), undefined);
    assert.equal(L2_SCHEMA, 'v1');
  });
});

describe('L2 store on a real Redis', () => {
  test('an entry put by one replica is read by another, under a versioned key that expires with the entry', async () => {
    const [a, b] = [await replica(), await replica()];
    try {
      const entry = positive();
      await a.store.put('k1', entry);
      const read = await b.store.get('k1');
      assert.equal(read?.kind, 'ok');
      const client = redis.client();
      const ttl = await client.pttl(`test:${L2_SCHEMA}:entry:k1`);
      await client.quit();
      assert.ok(ttl > 100_000 && ttl <= 120_000, `ttl ${ttl}`);
      assert.equal(await b.store.get('absent'), undefined);
    } finally {
      await a.store.close();
      await b.store.close();
    }
  });

  test('one replica gets the lock; the other waits and hears its result', async () => {
    const [a, b] = [await replica(), await replica()];
    try {
      const { status, token } = await a.store.lock('k2');
      assert.equal(status, 'taken');
      assert.equal((await b.store.lock('k2')).status, 'held');
      const waiting = b.store.waitFor('k2', 3000);
      await delay(50);
      await a.store.announce('k2', { kind: 'error', code: 'upstream_unavailable', retryAfterSeconds: 5 });
      assert.deepEqual(await waiting, { kind: 'error', code: 'upstream_unavailable', retryAfterSeconds: 5 });
      await b.store.unlock('k2', 'not-the-token');
      assert.equal((await b.store.lock('k2')).status, 'held', 'only the holder can unlock');
      await a.store.unlock('k2', token);
      assert.equal((await b.store.lock('k2')).status, 'taken');
    } finally {
      await a.store.close();
      await b.store.close();
    }
  });

  test('when the holder dies its lock expires and the waiter hears lock_gone', async () => {
    const [a, b] = [await replica({ lockMs: 400 }), await replica({ lockMs: 400 })];
    try {
      assert.equal((await a.store.lock('k3')).status, 'taken');
      await a.store.close(); // dies without announcing
      assert.deepEqual(await b.store.waitFor('k3', 5000), { kind: 'lock_gone' });
    } finally {
      await b.store.close();
    }
  });

  test('revoking a post deletes every variant and tells the other replicas, not itself', async () => {
    const [a, b] = [await replica(), await replica()];
    try {
      await a.store.put(`${POST}||0`, positive());
      await a.store.put(`${POST}|400|1`, positive());
      await b.store.revokePost(POST);
      assert.deepEqual([await a.store.get(`${POST}||0`), await a.store.get(`${POST}|400|1`)], [undefined, undefined]);
      await until(() => a.revoked.length === 1, 'the revocation message');
      assert.deepEqual([a.revoked, b.revoked], [[POST], []]);
    } finally {
      await a.store.close();
      await b.store.close();
    }
  });

  test('a script runs under the fleet\'s versioned keys; fleet news reaches the other replicas, not the sender', async () => {
    const [a, b] = [await replica(), await replica()];
    try {
      const key = a.store.key('counter');
      assert.equal(key, `test:${L2_SCHEMA}:counter`);
      const lua = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
      assert.deepEqual([await a.store.run('test', lua, [key], [2]), await b.store.run('test', lua, [b.store.key('counter')], [3])], [2, 5]);
      await a.store.tellFleet({ kind: 'pause', ms: 1500 });
      await until(() => b.fleet.length === 1, 'the fleet message');
      assert.deepEqual([b.fleet, a.fleet], [[{ kind: 'pause', ms: 1500 }], []]);
    } finally {
      await a.store.close();
      await b.store.close();
    }
  });

  test('a Redis that stops answering costs each call at most its deadline; after a few the level is down, then up again', async () => {
    const r = await replica({ timeoutMs: 100 });
    try {
      redis.pause();
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        assert.equal(await r.store.get('k4'), undefined);
        assert.ok(performance.now() - started < 1000, 'bounded by the deadline (100 ms, generous slack for a loaded machine)');
      }
      assert.equal(r.store.state, 'down');
      const started = performance.now();
      assert.equal(await r.store.get('k4'), undefined);
      assert.ok(performance.now() - started < 50, 'while down, calls are skipped');
      redis.resume();
      await until(() => r.store.state === 'ok', 'the probe to find Redis again');
      assert.equal(r.recovered, 0, 'no connection was lost, so no message was missed: memory is kept');
      assert.equal(r.logs.filter((l) => l.includes('redis unavailable')).length, 1, 'one line per transition');
    } finally {
      redis.resume();
      await r.store.close();
    }
  });

  test('a Redis that dies: down at once, calls skipped; back on the same port: up, and the replica is told to distrust its memory', async () => {
    const r = await replica();
    try {
      await redis.stop();
      await until(() => r.store.state === 'down', 'the connection loss');
      assert.equal(await r.store.get('k5'), undefined);
      assert.equal((await r.store.lock('k5')).status, 'unknown');
      await redis.start();
      await until(() => r.store.state === 'ok', 'the reconnect');
      assert.equal(r.recovered, 1);
      assert.deepEqual(r.states, ['ok', 'down', 'ok']);
    } finally {
      await r.store.close();
    }
  });
});

describe('persistence warning at boot', () => {
  test('persistenceOf names what writes to disk', () => {
    assert.deepEqual(persistenceOf('', 'no'), []);
    assert.deepEqual(persistenceOf('3600 1 300 100', 'no'), ['save "3600 1 300 100"']);
    assert.deepEqual(persistenceOf(' ', 'yes'), ['appendonly yes']);
  });

  // Real servers: one with snapshots on (in a temporary --dir; SIGKILLed before any save point), one that refuses CONFIG as
  // managed services do, and the suite's own with persistence off.
  test('one warning when the server snapshots; none when persistence is off or CONFIG is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ig-embed-redis-'));
    const snapshots = await startRedis(['--save', '86400 1000000', '--dir', dir]);
    const managed = await startRedis(['--rename-command', 'CONFIG', '']);
    const stores: Replica[] = [];
    try {
      for (const url of [snapshots.url, managed.url, redis.url]) stores.push(await replica({}, url));
      const warned = (r: Replica) => r.logs.filter((l) => l.includes('redis persists to disk'));
      await until(() => warned(stores[0]!).length === 1, 'the warning');
      assert.match(warned(stores[0]!)[0]!, /"persistence":"save \\"86400 1000000\\""/);
      // Reconnecting does not warn again: the check runs once per process.
      await snapshots.stop();
      await until(() => stores[0]!.store.state === 'down', 'the connection loss');
      await snapshots.start();
      await until(() => stores[0]!.store.state === 'ok', 'the reconnect');
      // The others had as long to answer CONFIG as the first (a reconnect's worth).
      assert.deepEqual(stores.map((r) => warned(r).length), [1, 0, 0]);
      assert.deepEqual(stores.map((r) => r.logs.filter((l) => l.includes('"level":"error"')).length), [0, 0, 0]);
      assert.deepEqual(readdirSync(dir), [], 'nothing was written to disk');
    } finally {
      for (const r of stores) await r.store.close();
      await snapshots.stop();
      await managed.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
