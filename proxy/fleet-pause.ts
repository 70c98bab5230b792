// The fleet's back-off on Redis: a rate-limit answer seen by one replica pauses upstream calls on all, and one replica takes the half-open probe for all.
import { randomBytes } from 'node:crypto';
import type { Breaker } from './breaker.js';
import type { GraphOutcome } from './graph-client.js';
import type { L2Store } from './l2-store.js';

export interface FleetPause {
  /** Before a call: a pause another replica set opens this replica's breaker for what is left of it. */
  check(): Promise<void>;
  /** The breaker just handed this replica its half-open probe: true = take it for the fleet; false = another replica holds it. */
  takeProbe(): Promise<boolean>;
  /** The probe taken will not be used (the budget refused at the last step): hand it back to the fleet. */
  releaseProbe(): Promise<void>;
  /** After a call, once the breaker has recorded it: a rate-limit answer pauses the fleet; a probe's answer is the fleet's. */
  report(outcome: GraphOutcome): Promise<void>;
  /** Another replica's news (l2-store's `onFleet`). */
  hear(message: Record<string, unknown>): void;
}

// The pause only ever grows (a later, shorter hint never shortens a longer wait, as in the breaker); the
// reply is what is left of it, so the others are told the wait actually in force.
const PAUSE = `local left = redis.call('PTTL', KEYS[1])
local ms = tonumber(ARGV[1])
if left >= ms then return left end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ms)
return ms`;
const PAUSE_LEFT = "return redis.call('PTTL', KEYS[1])";
const TAKE = "return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')";
// Both act only on our own probe: a probe that outlived its key may belong to another replica by now.
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const HOLD = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

/**
 * Why a key and a message: the key (`pause`, with Meta's wait as its expiry) is read before every upstream
 * call, so a replica that missed the message, or started later, still waits; the message opens every
 * replica's breaker at once, so /healthz and metrics say `breaker_open` on all of them, not only on the
 * one Meta answered.
 *
 * The probe: when the wait is over, every replica's breaker turns half-open, and each would send Meta its
 * own probe. The breaker's probe is taken for the fleet with `SET NX` (the `probe` key, expiring after
 * `probeMs`, longer than any call): the others answer `Retry-After: 1` until it reports. An answer that
 * closes the holder's breaker frees the key and closes the others' (`resume`); a failed probe keeps the
 * key for the holder's new open period, so the fleet probes once per period, not once per replica.
 *
 * Redis unavailable at any step: the replica decides alone, as without Redis (its breaker still sees its
 * own answers).
 */
export function createFleetPause(deps: { l2: L2Store; breaker: Breaker; probeMs: number }): FleetPause {
  const { l2, breaker, probeMs } = deps;
  const pauseKey = l2.key('pause');
  const probeKey = l2.key('probe');
  /** Our probe's token while we hold the fleet's probe. */
  let probe: string | undefined;

  async function release(): Promise<void> {
    const token = probe;
    probe = undefined;
    if (token !== undefined) await l2.run('probe', RELEASE, [probeKey], [token]);
  }

  return {
    async check() {
      const left = await l2.run('pause', PAUSE_LEFT, [pauseKey], []);
      if (typeof left === 'number' && left > 0) breaker.pause(left);
    },
    async takeProbe() {
      const token = randomBytes(8).toString('hex');
      const taken = await l2.run('probe', TAKE, [probeKey], [token, probeMs]);
      if (taken === null) return false;
      // Taken, or Redis unavailable: this replica probes (alone, in the second case).
      if (taken === 'OK') probe = token;
      return true;
    },
    releaseProbe: release,
    async report(outcome) {
      if (outcome.kind === 'rate_limited') {
        const ms = outcome.retryAfterSeconds * 1000;
        const left = await l2.run('pause', PAUSE, [pauseKey], [ms]);
        // A longer pause another replica set stands, for this replica too.
        if (typeof left === 'number' && left > ms) breaker.pause(left);
        await l2.tellFleet({ kind: 'pause', ms: typeof left === 'number' ? left : ms });
      }
      if (probe === undefined) return;
      if (breaker.state === 'closed') {
        await release();
        await l2.tellFleet({ kind: 'resume' });
        return;
      }
      // A failed probe: nobody probes again before the holder would.
      const token = probe;
      probe = undefined;
      await l2.run('probe', HOLD, [probeKey], [token, breaker.retryAfterSeconds * 1000]);
    },
    hear(message) {
      if (message.kind === 'pause' && typeof message.ms === 'number' && Number.isFinite(message.ms) && message.ms > 0) {
        breaker.pause(message.ms);
      }
      if (message.kind === 'resume') breaker.resume();
    },
  };
}
