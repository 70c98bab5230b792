// createHealth: ok or degraded, with every reason that applies, read afresh at each call.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BreakerState } from '../../proxy/breaker.js';
import { createHealth } from '../../proxy/health.js';

test('ok with no reasons while the breaker is closed and budget is left; degraded with each reason that applies', () => {
  let breaker: BreakerState = 'closed';
  let left = 3;
  const health = createHealth({ breakerState: () => breaker, budgetLeft: () => left, upstream: 'live', usingToken: () => true });
  assert.deepEqual(health(), { status: 'ok', degraded: [], breaker: 'closed', upstream: 'live', token: true, l2: 'off' });
  const seen: unknown[] = [];
  for (const [state, budget] of [['open', 3], ['half_open', 3], ['closed', 0], ['open', 0]] as const) {
    breaker = state;
    left = budget;
    const { status, degraded } = health();
    seen.push([state, budget, status, degraded]);
  }
  assert.deepEqual(seen, [
    ['open', 3, 'degraded', ['breaker_open']],
    ['half_open', 3, 'degraded', ['breaker_open']],
    ['closed', 0, 'degraded', ['budget_spent']],
    ['open', 0, 'degraded', ['breaker_open', 'budget_spent']],
  ]);
});

test('the shared level: l2 reports off, ok or down, and down is the degraded reason l2_down (still served from memory)', () => {
  let l2: 'off' | 'ok' | 'down' = 'ok';
  const health = createHealth({ breakerState: () => 'closed', budgetLeft: () => 5, upstream: 'live', usingToken: () => false, l2State: () => l2 });
  assert.deepEqual([health().status, health().l2, health().degraded], ['ok', 'ok', []]);
  l2 = 'down';
  assert.deepEqual([health().status, health().l2, health().degraded], ['degraded', 'down', ['l2_down']]);
});
