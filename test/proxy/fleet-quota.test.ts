// The fleet's quota against a real redis-server, in process: one budget and one share per client for two replicas,
// atomic under concurrency, the rolling hour on a fake clock, and the fallback budget while Redis is gone.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { createFleetQuota, fallbackBudget, type FleetQuotaOptions } from '../../proxy/fleet-quota.js';
import { createL2Store, type L2Store } from '../../proxy/l2-store.js';
import { createLogger } from '../../proxy/log.js';
import type { Quota } from '../../proxy/quota.js';
import { until } from '../support/proxy-process.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

let redis: TestRedis;
before(async () => { redis = await startRedis(); });
after(async () => { await redis.stop(); });

let prefixes = 0;
const stores: L2Store[] = [];
after(async () => { for (const store of stores) await store.close(); });

interface Replica { quota: Quota; store: L2Store; logs: string[] }

/** Replicas of one fleet: each its own Redis connections, one key prefix. */
async function fleet(count: number, options: Partial<Omit<FleetQuotaOptions, 'l2' | 'log'>> & { timeoutMs?: number } = {}): Promise<Replica[]> {
  const keyPrefix = `fq${process.pid}-${++prefixes}:`;
  const replicas: Replica[] = [];
  for (let i = 0; i < count; i++) {
    const logs: string[] = [];
    const log = createLogger({ secrets: [], write: (line) => logs.push(line) });
    const store = createL2Store({
      url: redis.url, timeoutMs: options.timeoutMs ?? 1000, keyPrefix, lockMs: 1000, log, onRevoke: () => {}, onRecover: () => {},
    });
    stores.push(store);
    replicas.push({ store, logs, quota: createFleetQuota({ l2: store, perHour: () => 6, sharePerClient: 1, fleetSize: 2, now: Date.now, log, ...options }) });
  }
  await until(() => replicas.every((r) => r.store.state === 'ok'), 'the replicas to connect');
  return replicas;
}


const spent = (results: Array<unknown>) => results.filter((r) => r === null).length;

describe('the fleet budget on a real Redis', () => {
  test('two replicas spending 20 calls each at once spend exactly the fleet budget of 6', async () => {
    const [a, b] = await fleet(2);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a! : b!).quota.spend(null)));
    assert.equal(spent(results), 6);
    const refused = results.find((r) => r !== null);
    assert.deepEqual(refused && [refused.budget !== null && refused.budget > 3500 && refused.budget <= 3600, refused.share], [true, null]);
    assert.deepEqual(await a!.quota.check(null), { budget: refused!.budget, share: null });
  });

  test('the rolling hour: a call leaves the budget 60 minutes after its minute, never across a boundary twice', async () => {
    let clock = Date.UTC(2026, 0, 1, 10, 0, 30);
    const [a, b] = await fleet(2, { now: () => clock, perHour: () => 4 });
    for (const r of [a!, b!, a!]) assert.equal(await r.quota.spend(null), null);
    clock += 30 * 60_000;
    assert.equal(await b!.quota.spend(null), null);
    // Full: the oldest minute (10:00) leaves at 11:00, 30 s from 10:30:30.
    clock += 29 * 60_000;
    assert.deepEqual(await a!.quota.spend(null), { budget: 30, share: null });
    clock += 30_000;
    // 11:00:00: the three calls of 10:00 are gone, the one of 10:30 still counts.
    assert.deepEqual(await Promise.all([a!.quota.spend(null), b!.quota.spend(null), a!.quota.spend(null), b!.quota.spend(null)]).then(spent), 3);
  });

  test('a client\'s share counts across replicas; other clients and exempt callers keep the rest of the budget', async () => {
    // Budget 6, share 0.5: three calls, then one every 20 minutes.
    const [a, b] = await fleet(2, { sharePerClient: 0.5 });
    assert.deepEqual([await a!.quota.spend('192.0.2.1'), await b!.quota.spend('192.0.2.1'), await a!.quota.spend('192.0.2.1')], [null, null, null]);
    const refused = await b!.quota.spend('192.0.2.1');
    assert.ok(refused !== null && refused.budget === null && refused.share !== null && refused.share > 1190 && refused.share <= 1200, JSON.stringify(refused));
    assert.deepEqual((await a!.quota.check('192.0.2.1')).budget, null);
    assert.ok((await a!.quota.check('192.0.2.1')).share !== null);
    assert.deepEqual([await b!.quota.spend('192.0.2.2'), await a!.quota.spend(null), await b!.quota.spend(null)], [null, null, null]);
    // Six spent in all: now the budget refuses everyone, exempt or not.
    const budgetWait = async (r: Replica, client: string | null) => typeof (await r.quota.spend(client))?.budget;
    assert.deepEqual([await budgetWait(a!, null), await budgetWait(b!, '192.0.2.3')], ['number', 'number']);
  });

  test('no address is written to Redis: share keys are digests', async () => {
    const [a] = await fleet(1, { sharePerClient: 0.5 });
    await a!.quota.spend('2001:db8:1:2::/64');
    const client = redis.client();
    const keys = await client.keys(`fq${process.pid}-${prefixes}:*`);
    await client.quit();
    const prefix = `fq${process.pid}-${prefixes}:v1:`;
    assert.deepEqual(keys.map((k) => k.slice(prefix.length).replace(/^share:[A-Za-z0-9_-]{22}$/, 'share:<digest>')).sort(), ['budget', 'epoch', 'share:<digest>']);
  });

  test('remaining() is the fleet\'s figure: what one replica spends, the other reports', async () => {
    const [a, b] = await fleet(2);
    for (let i = 0; i < 4; i++) await a!.quota.spend(null);
    b!.quota.remaining();
    await until(() => b!.quota.remaining() === 2, 'B to read the fleet figure');
    assert.equal(a!.quota.remaining(), 2);
  });

  test('a Redis that stops answering costs a spend at most its deadline; that call falls back to the replica\'s own budget', async () => {
    const [a] = await fleet(1, { timeoutMs: 100 });
    redis.pause();
    try {
      const started = performance.now();
      assert.equal(await a!.quota.spend(null), null);
      assert.ok(performance.now() - started < 1000, `${Math.round(performance.now() - started)} ms (deadline 100 ms, slack for a loaded machine)`);
    } finally {
      redis.resume();
    }
  });
});

describe('the fallback budget while Redis is unavailable', () => {
  test('budget ÷ fleet size, rounded down, at least one call', () => {
    assert.deepEqual([fallbackBudget(900, 2), fallbackBudget(900, 4), fallbackBudget(7, 2), fallbackBudget(3, 10)], [450, 225, 3, 1]);
  });

  test('a connection lost and found again (the same data set): only the calls made alone are added', async () => {
    const [a] = await fleet(1);
    assert.deepEqual([await a!.quota.spend(null), await a!.quota.spend(null)], [null, null]);
    const client = redis.client();
    await client.client('KILL', 'TYPE', 'normal');
    await client.quit();
    await until(() => a!.store.state === 'down', 'the connection loss');
    assert.equal(await a!.quota.spend(null), null, 'the fallback budget is 3 and A made 2 calls');
    assert.equal(typeof (await a!.quota.spend(null))?.budget, 'number', 'and no more');
    await until(() => a!.store.state === 'ok', 'the reconnect');
    await a!.quota.check(null);
    await until(() => a!.quota.remaining() === 3, 'the fleet figure: 2 + 1, not 2 + 3');
  });

  test('each replica spends at most budget ÷ fleet size in the hour, its calls before the outage included; back up, the calls made alone count for the fleet', async () => {
    // Budget 6, fleet of 2: 3 each while Redis is gone. A spent 2 before it.
    const [a, b] = await fleet(2);
    assert.deepEqual([await a!.quota.spend(null), await a!.quota.spend(null)], [null, null]);
    await redis.stop();
    try {
      await until(() => a!.store.state === 'down' && b!.store.state === 'down', 'both to see Redis down');
      const during = await Promise.all([...Array.from({ length: 10 }, () => a!.quota.spend(null)), ...Array.from({ length: 10 }, () => b!.quota.spend(null))]);
      assert.deepEqual([spent(during.slice(0, 10)), spent(during.slice(10))], [1, 3]);
      assert.deepEqual([a!.quota.remaining(), b!.quota.remaining()], [0, 0]);
      assert.equal(a!.logs.filter((l) => l.includes('fleet budget unavailable')).length, 1);
    } finally {
      await redis.start();
    }
    await until(() => a!.store.state === 'ok' && b!.store.state === 'ok', 'both to reconnect', 20_000);
    // Redis came back empty (no persistence): each replica's first look adds all its calls of the hour,
    // 3 + 3 = 6, so the fleet's budget is spent for the rest of the hour.
    await a!.quota.check(null);
    await b!.quota.check(null);
    const [checkA, checkB] = [await a!.quota.check(null), await b!.quota.check(null)];
    assert.ok(checkA.budget !== null && checkB.budget !== null, JSON.stringify([checkA, checkB]));
    await until(() => a!.quota.remaining() === 0 && b!.quota.remaining() === 0, 'the fleet figure');
    assert.equal(b!.logs.filter((l) => l.includes('fleet budget available again') && l.includes('"carried":3')).length, 1);
  });
});
