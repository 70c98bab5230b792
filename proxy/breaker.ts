/**
 * Circuit breaker in front of the Graph API: stop calling while Meta throttles us or fails for many
 * posts. It measures Meta, not one post: failures of one post never open it (a post that keeps failing
 * gets its own back-off, `key-backoff.ts`), so one client polling one broken post cannot hold it open.
 */
import type { GraphOutcome } from './graph-client.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface Breaker {
  /** null = go ahead (in half_open only ONE caller gets null until it reports); else seconds to wait. */
  acquire(): number | null;
  /** Report the result of a call that acquire() let through, for `key` (the post it asked for). */
  record(outcome: GraphOutcome, key: string): void;
  /**
   * Opens for `ms` unless a longer wait is in force, as a rate-limit answer does: how the fleet's pause
   * (another replica was rate-limited) reaches this replica's state, /healthz and metrics.
   */
  pause(ms: number): void;
  /** The probe acquire() just handed out will not be used (another replica holds the fleet's probe, or the budget refused): free the slot. */
  release(): void;
  /** Another replica's probe got an answer: a half-open breaker closes as if its own probe had. */
  resume(): void;
  readonly state: BreakerState;
  /** 0 when closed. */
  readonly retryAfterSeconds: number;
}

export interface BreakerOptions {
  now?: () => number;
  random?: () => number;
  /** Distinct keys whose calls failed (transient, timeout) within `failureWindowMs` that open the breaker. Default 3. */
  failingKeys?: number;
  /** Default 30 s. */
  failureWindowMs?: number;
  /** First open period after failures. Default 10 s; doubles (±20 % jitter) while probes fail. */
  baseOpenMs?: number;
  /** Cap for the doubling. Default 5 min. */
  maxOpenMs?: number;
  /** A probe that never reports (a bug upstream of us) frees the slot after this long. Default 60 s. */
  probeTimeoutMs?: number;
  onStateChange?: (state: BreakerState, retryAfterSeconds: number) => void;
}

/**
 * Outcomes that say Meta is failing. Not `invalid`: an answer our own shape or sanitiser checks reject
 * is that post's problem (it counts for the post's back-off), and any client can ask for such a post.
 */
const FAILURES: ReadonlySet<GraphOutcome['kind']> = new Set(['transient', 'timeout']);
/** What callers are told while the single half-open probe is in flight. */
const PROBE_WAIT_SECONDS = 1;

// Long (about 120 lines) on purpose: one state machine whose transitions share the same few variables
// (state, open period, probe slot, failing keys); split into functions they would have to be passed around.
export function createBreaker(options: BreakerOptions = {}): Breaker {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const failingKeys = options.failingKeys ?? 3;
  const failureWindowMs = options.failureWindowMs ?? 30_000;
  const baseOpenMs = options.baseOpenMs ?? 10_000;
  const maxOpenMs = options.maxOpenMs ?? 300_000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 60_000;

  let state: BreakerState = 'closed';
  /** key → time of its last failure, while closed; never holds more than `failingKeys` entries. */
  const failures = new Map<string, number>();
  let openUntil = 0;
  /** Un-jittered length of the last failure-driven open period; doubled by each failed probe. */
  let failureOpenMs = 0;
  let probeSince: number | null = null;

  function secondsLeft(): number {
    return Math.max(1, Math.ceil((openUntil - now()) / 1000));
  }

  function transition(next: BreakerState): void {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next, next === 'open' ? secondsLeft() : next === 'half_open' ? PROBE_WAIT_SECONDS : 0);
  }

  /** Open periods end lazily: the first look after the deadline moves to half_open. */
  function refresh(): void {
    if (state === 'open' && now() >= openUntil) {
      probeSince = null;
      transition('half_open');
    }
  }

  function open(ms: number): void {
    probeSince = null;
    failures.clear();
    openUntil = now() + ms;
    if (state === 'open') options.onStateChange?.('open', secondsLeft());
    else transition('open');
  }

  function pause(ms: number): void {
    // Never shorten a longer wait asked for earlier (368 blocks for an hour).
    if (state !== 'open' || now() + ms > openUntil) open(ms);
  }

  function close(): void {
    failureOpenMs = 0;
    probeSince = null;
    transition('closed');
  }

  function jittered(ms: number): number {
    return Math.round(ms * (0.8 + 0.4 * random()));
  }

  return {
    get state() {
      refresh();
      return state;
    },
    get retryAfterSeconds() {
      refresh();
      if (state === 'closed') return 0;
      return state === 'open' ? secondsLeft() : PROBE_WAIT_SECONDS;
    },
    acquire() {
      refresh();
      if (state === 'closed') return null;
      if (state === 'open') return secondsLeft();
      if (probeSince === null || now() - probeSince >= probeTimeoutMs) {
        probeSince = now();
        return null;
      }
      return PROBE_WAIT_SECONDS;
    },
    record(outcome, key) {
      refresh();
      if (outcome.kind === 'rate_limited') {
        pause(outcome.retryAfterSeconds * 1000);
        return;
      }
      if (!FAILURES.has(outcome.kind)) {
        // Upstream answered: whatever it said, it is reachable, which ends a half-open wait. While closed,
        // failures still age out by the window alone: answers for some posts between failures of others
        // (a partial outage) must not keep the breaker closed.
        if (state === 'half_open') close();
        return;
      }
      if (state === 'half_open') {
        failureOpenMs = Math.min(maxOpenMs, Math.max(baseOpenMs, failureOpenMs * 2));
        open(jittered(failureOpenMs));
        return;
      }
      // While open, late reports from calls started before opening change nothing.
      if (state !== 'closed') return;
      const t = now();
      for (const [failed, at] of failures) if (t - at >= failureWindowMs) failures.delete(failed);
      failures.set(key, t);
      if (failures.size >= failingKeys) {
        failureOpenMs = baseOpenMs;
        open(jittered(failureOpenMs));
      }
    },
    pause(ms) {
      refresh();
      pause(ms);
    },
    release() {
      if (state === 'half_open') probeSince = null;
    },
    resume() {
      refresh();
      if (state === 'half_open') close();
    },
  };
}
