// The fleet's back-off against a real redis-server, in process: a rate-limit answer pauses every replica's breaker (by
// message, and by the key for one that missed it), the pause never shrinks, and one replica takes the half-open probe.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { createBreaker, type Breaker } from '../../proxy/breaker.js';
import { createFleetPause, type FleetPause } from '../../proxy/fleet-pause.js';
import { createL2Store, type L2Store } from '../../proxy/l2-store.js';
import { createLogger } from '../../proxy/log.js';
import { until } from '../support/proxy-process.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

let redis: TestRedis;
before(async () => { redis = await startRedis(); });
after(async () => { await redis.stop(); });

let prefixes = 0;
const stores: L2Store[] = [];
after(async () => { for (const store of stores) await store.close(); });

interface Replica { breaker: Breaker; fleet: FleetPause; store: L2Store }

async function fleet(count: number, options: { listen?: boolean } = {}): Promise<Replica[]> {
  const keyPrefix = `fp${process.pid}-${++prefixes}:`;
  const replicas: Replica[] = [];
  for (let i = 0; i < count; i++) {
    const replica = { breaker: createBreaker({ random: () => 0.5 }) } as Replica;
    replica.store = createL2Store({
      url: redis.url, timeoutMs: 1000, keyPrefix, lockMs: 1000, log: createLogger({ secrets: [], write: () => {} }),
      onRevoke: () => {}, onRecover: () => {},
      onFleet: (message) => { if (options.listen !== false) replica.fleet.hear(message); },
    });
    replica.fleet = createFleetPause({ l2: replica.store, breaker: replica.breaker, probeMs: 5000 });
    stores.push(replica.store);
    replicas.push(replica);
  }
  await until(() => replicas.every((r) => r.store.state === 'ok'), 'the replicas to connect');
  return replicas;
}


/** What the round does with an answer: the breaker records it, then the fleet hears of it. */
async function answer(r: Replica, outcome: Parameters<Breaker['record']>[0]): Promise<void> {
  r.breaker.record(outcome, 'https://www.instagram.com/p/x/');
  await r.fleet.report(outcome);
}

describe('the fleet\'s pause on a real Redis', () => {
  test('a rate-limit answer on A opens B\'s breaker at once, for Meta\'s wait, by message', async () => {
    const [a, b] = await fleet(2);
    await answer(a!, { kind: 'rate_limited', retryAfterSeconds: 60 });
    await until(() => b!.breaker.state === 'open', 'B to hear of the pause', 2000);
    assert.ok(b!.breaker.retryAfterSeconds >= 59 && b!.breaker.retryAfterSeconds <= 60, String(b!.breaker.retryAfterSeconds));
  });

  test('a replica that missed the message still waits: the pause key is read before its call', async () => {
    const [a, b] = await fleet(2, { listen: false });
    await answer(a!, { kind: 'rate_limited', retryAfterSeconds: 30 });
    assert.equal(b!.breaker.state, 'closed');
    await b!.fleet.check();
    assert.deepEqual([b!.breaker.state, b!.breaker.acquire()], ['open', 30]);
  });

  test('a shorter wait never shortens a longer one already in force for the fleet, nor on the replica that got it', async () => {
    const [a, b] = await fleet(2, { listen: false });
    await answer(a!, { kind: 'rate_limited', retryAfterSeconds: 3600 });
    await answer(b!, { kind: 'rate_limited', retryAfterSeconds: 2 });
    const client = redis.client();
    const left = await client.pttl(`fp${process.pid}-${prefixes}:v1:pause`);
    await client.quit();
    assert.ok(left > 3_590_000 && left <= 3_600_000, String(left));
    assert.ok(b!.breaker.retryAfterSeconds > 3590, String(b!.breaker.retryAfterSeconds));
  });
});

describe('one half-open probe for the fleet', () => {
  test('A takes the probe, B is refused; A\'s answer frees it and closes B\'s breaker', async () => {
    const [a, b] = await fleet(2);
    await answer(a!, { kind: 'rate_limited', retryAfterSeconds: 1 });
    await until(() => a!.breaker.state === 'half_open' && b!.breaker.state === 'half_open', 'both half-open after the wait', 3000);
    assert.equal(a!.breaker.acquire(), null);
    assert.equal(await a!.fleet.takeProbe(), true);
    assert.equal(b!.breaker.acquire(), null);
    assert.equal(await b!.fleet.takeProbe(), false);
    await answer(a!, { kind: 'not_embeddable' });
    await until(() => b!.breaker.state === 'closed', 'B to hear that the probe was answered', 2000);
    assert.equal(a!.breaker.state, 'closed');
  });

  test('a failed probe keeps the fleet\'s probe for the holder\'s new open period; a probe handed back is free at once', async () => {
    const [a, b] = await fleet(2);
    a!.breaker.pause(1);
    b!.breaker.pause(1);
    await until(() => a!.breaker.state === 'half_open' && b!.breaker.state === 'half_open', 'both half-open');
    a!.breaker.acquire();
    assert.equal(await a!.fleet.takeProbe(), true);
    await answer(a!, { kind: 'timeout' });
    const client = redis.client();
    const left = await client.pttl(`fp${process.pid}-${prefixes}:v1:probe`);
    await client.quit();
    assert.equal(a!.breaker.state, 'open');
    assert.ok(left > 9_000 && left <= 10_000, `the holder's open period (10 s): ${left} ms`);
    assert.equal(await b!.fleet.takeProbe(), false);

    const [c, d] = await fleet(2);
    assert.equal(await c!.fleet.takeProbe(), true);
    await c!.fleet.releaseProbe();
    assert.equal(await d!.fleet.takeProbe(), true);
  });

  test('Redis unavailable: each replica probes alone, as without Redis', async () => {
    const [a] = await fleet(1);
    await a!.store.close();
    await until(() => a!.store.state === 'down', 'the store to close');
    assert.equal(await a!.fleet.takeProbe(), true);
    await a!.fleet.check();
    assert.equal(a!.breaker.state, 'closed');
  });
});
