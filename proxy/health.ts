// The body of GET /healthz: "ok", or "degraded" with the reasons misses cannot reach Meta right now.
import type { BreakerState } from './breaker.js';
import type { L2State } from './l2-store.js';

/**
 * Why the proxy is degraded. It still answers 200 and serves hits and stale entries; misses are
 * refused with 503 for these reasons. (Fields and reasons are only ever added, never renamed.)
 */
export type DegradedReason = 'breaker_open' | 'budget_spent' | 'l2_down';

export interface Health {
  status: 'ok' | 'degraded';
  degraded: DegradedReason[];
  breaker: BreakerState;
  upstream: 'live' | 'fixtures';
  token: boolean;
  /** The shared Redis level: `off` without REDIS_URL; `down` means memory-only until it returns. */
  l2: L2State;
}

/** What the health body is read from, at each request. */
export interface HealthSources {
  breakerState(): BreakerState;
  budgetLeft(): number;
  upstream: 'live' | 'fixtures';
  usingToken(): boolean;
  l2State?(): L2State;
}

export function createHealth(sources: HealthSources): () => Health {
  return () => {
    const breaker = sources.breakerState();
    const degraded: DegradedReason[] = [];
    // Half-open counts too: until the one probe succeeds, every other miss is still refused.
    if (breaker !== 'closed') degraded.push('breaker_open');
    if (sources.budgetLeft() === 0) degraded.push('budget_spent');
    const l2 = sources.l2State?.() ?? 'off';
    // Serving goes on from memory and upstream, but replicas no longer share entries or calls.
    if (l2 === 'down') degraded.push('l2_down');
    return { status: degraded.length === 0 ? 'ok' : 'degraded', degraded, breaker, upstream: sources.upstream, token: sources.usingToken(), l2 };
  };
}
