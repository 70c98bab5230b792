/** The per-client miss bucket and the rolling-hour upstream budget, on an injected clock. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMissLimiter, createUpstreamBudget } from '../../proxy/rate-limit.js';

function clock(start = Date.UTC(2026, 10, 26, 12, 0, 30)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

describe('miss limiter (token bucket)', () => {
  test('allows a burst of the per-minute limit, then says how long to wait', () => {
    const c = clock();
    const limiter = createMissLimiter({ perMinute: 6, now: c.now });
    const results = Array.from({ length: 7 }, () => limiter.take('1.2.3.4'));
    assert.deepEqual(results, [null, null, null, null, null, null, 10]);
  });

  test('refills evenly: one token every 60/N seconds, never above the burst', () => {
    const c = clock();
    const limiter = createMissLimiter({ perMinute: 6, now: c.now });
    for (let i = 0; i < 6; i++) limiter.take('a');
    c.advance(9_999);
    assert.equal(limiter.take('a'), 1);
    c.advance(1);
    assert.equal(limiter.take('a'), null);
    c.advance(3_600_000);
    const burst = Array.from({ length: 7 }, () => limiter.take('a'));
    assert.deepEqual(burst.filter((r) => r === null).length, 6);
  });

  test('clients are independent', () => {
    const limiter = createMissLimiter({ perMinute: 1, now: clock().now });
    assert.equal(limiter.take('a'), null);
    assert.equal(limiter.take('b'), null);
    assert.equal(limiter.take('a'), 60);
  });

  test('memory is bounded: the least recently seen client is forgotten', () => {
    const limiter = createMissLimiter({ perMinute: 1, now: clock().now, maxClients: 2 });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    // 'a' was evicted, so it starts again with a full bucket; 'c' is still remembered.
    assert.equal(limiter.take('a'), null);
    assert.equal(limiter.take('c'), 60);
  });
});

describe('upstream budget (rolling hour)', () => {
  test('allows the budget, then refuses until the oldest calls leave the window', () => {
    const c = clock(Date.UTC(2026, 10, 26, 12, 0, 0));
    const budget = createUpstreamBudget({ perHour: 3, now: c.now });
    for (let i = 0; i < 3; i++) {
      assert.equal(budget.check(), null);
      budget.spend();
      c.advance(60_000);
    }
    assert.equal(budget.remaining(), 0);
    // Calls at 12:00, 12:01, 12:02; it is 12:03. The 12:00 minute leaves the window at 13:00.
    assert.equal(budget.check(), 57 * 60);
    c.advance(57 * 60_000);
    assert.equal(budget.check(), null);
    assert.equal(budget.remaining(), 1);
  });

  test('a limit given as a function is read at every check, so a lowered limit applies to calls already spent', () => {
    const c = clock(Date.UTC(2026, 10, 26, 12, 0, 0));
    let perHour = 5;
    const budget = createUpstreamBudget({ perHour: () => perHour, now: c.now });
    budget.spend();
    budget.spend();
    assert.equal(budget.remaining(), 3);
    perHour = 2;
    assert.deepEqual([budget.remaining(), budget.check()], [0, 3600]);
  });

  test('cannot be spent twice across an hour boundary', () => {
    const c = clock(Date.UTC(2026, 10, 26, 12, 59, 0));
    const budget = createUpstreamBudget({ perHour: 2, now: c.now });
    budget.spend();
    budget.spend();
    c.advance(2 * 60_000); // 13:01: a fixed hourly window would have reset here
    assert.notEqual(budget.check(), null);
    c.advance(58 * 60_000); // 13:59: the 12:59 calls have left the rolling hour
    assert.equal(budget.check(), null);
  });
});
