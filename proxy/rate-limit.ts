// Abuse and quota limits: a per-client token bucket for cache misses and a global rolling-hour upstream budget.
import { LRUCache } from 'lru-cache';

interface Bucket { tokens: number; at: number }

export interface MissLimiter {
  /** Takes one miss token for `client`: null = allowed, else the seconds until one is available. */
  take(client: string): number | null;
}

/**
 * Token bucket per client: `perMinute` tokens refill evenly over a minute, burst = `perMinute`.
 * Buckets live in a bounded LRU, so a flood of distinct addresses costs bounded memory; a client
 * evicted from it simply starts again with a full bucket, which is the price of the bound.
 */
export function createMissLimiter(options: { perMinute: number; now?: () => number; maxClients?: number }): MissLimiter {
  const now = options.now ?? Date.now;
  const capacity = options.perMinute;
  const perMs = options.perMinute / 60_000;
  const buckets = new LRUCache<string, Bucket>({ max: options.maxClients ?? 50_000 });
  return {
    take(client) {
      const t = now();
      let b = buckets.get(client);
      if (!b) {
        b = { tokens: capacity, at: t };
        buckets.set(client, b);
      } else {
        b.tokens = Math.min(capacity, b.tokens + Math.max(0, t - b.at) * perMs);
        b.at = t;
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return null;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
    },
  };
}

export interface UpstreamBudget {
  /** null = a call may be made now, else the seconds until the oldest counted call leaves the window. */
  check(): number | null;
  /** Counts one upstream call. */
  spend(): void;
  /** Calls left in the current rolling hour. */
  remaining(): number;
  /** Calls counted in the current rolling hour (may exceed the limit when it was lowered). */
  used(): number;
  /** The hourly limit in force now (it follows the token state unless set explicitly). */
  limit(): number;
}

const SLOT_MS = 60_000;
const SLOTS = 60;

/**
 * Rolling one-hour window in 60 one-minute slots (Meta's own limit is a rolling hour), so the
 * budget can never be spent twice across an hour boundary as a fixed window would allow.
 */
export function createUpstreamBudget(options: { perHour: number | (() => number); now?: () => number }): UpstreamBudget {
  const now = options.now ?? Date.now;
  // A function is read at every check, so the limit can follow a change (the token being dropped).
  const { perHour } = options;
  const limit = typeof perHour === 'number' ? () => perHour : perHour;
  const counts = new Array<number>(SLOTS).fill(0);
  const slotIds = new Array<number>(SLOTS).fill(-1);

  const used = (currentSlot: number): number => {
    let sum = 0;
    for (let i = 0; i < SLOTS; i++) if ((slotIds[i] as number) > currentSlot - SLOTS) sum += counts[i] as number;
    return sum;
  };

  return {
    check() {
      const t = now();
      const slot = Math.floor(t / SLOT_MS);
      if (used(slot) < limit()) return null;
      let oldest = slot;
      for (let i = 0; i < SLOTS; i++) {
        const id = slotIds[i] as number;
        if (id > slot - SLOTS && (counts[i] as number) > 0 && id < oldest) oldest = id;
      }
      return Math.max(1, Math.ceil(((oldest + SLOTS) * SLOT_MS - t) / 1000));
    },
    spend() {
      const slot = Math.floor(now() / SLOT_MS);
      const i = slot % SLOTS;
      if (slotIds[i] !== slot) {
        slotIds[i] = slot;
        counts[i] = 0;
      }
      counts[i] = (counts[i] as number) + 1;
    },
    remaining() {
      return Math.max(0, limit() - used(Math.floor(now() / SLOT_MS)));
    },
    used: () => used(Math.floor(now() / SLOT_MS)),
    limit,
  };
}
