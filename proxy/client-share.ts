// Each client's share of the upstream budget, so one address cannot spend the quota for everyone.
import { LRUCache } from 'lru-cache';

export interface ClientShare {
  /** null = `client` may cause one more upstream call now; else the seconds until it may. */
  check(client: string): number | null;
  /** Counts one upstream call made for `client`. */
  spend(client: string): void;
}

interface Bucket { tokens: number; at: number }

const HOUR_MS = 3_600_000;

/**
 * A token bucket per client (a key from `clientKey`): `fraction` of the hourly budget, at least one
 * call, refilled evenly over the hour. A client may spend its share at once, then at that rate: it can
 * never hold more than its share of what is left for others. The capacity is read at every call, so it
 * follows the budget (which drops to the tokenless figure if Meta rejects the token). `fraction` 1
 * turns the share off. Buckets live in a bounded LRU; a client evicted from it starts again full.
 */
/** How many calls a client may make in an hour: its fraction of the budget, at least one. */
export const shareCapacity = (fraction: number, perHour: number): number => Math.max(1, Math.floor(fraction * perHour));

export function createClientShare(options: {
  fraction: number;
  budgetPerHour: () => number;
  now?: () => number;
  maxClients?: number;
}): ClientShare {
  const { fraction, budgetPerHour } = options;
  const now = options.now ?? Date.now;
  const buckets = new LRUCache<string, Bucket>({ max: options.maxClients ?? 50_000 });
  const capacity = () => shareCapacity(fraction, budgetPerHour());

  /** The client's bucket, refilled up to now. */
  const bucket = (client: string, t: number, cap: number): Bucket => {
    const b = buckets.get(client);
    if (b === undefined) {
      const fresh = { tokens: cap, at: t };
      buckets.set(client, fresh);
      return fresh;
    }
    b.tokens = Math.min(cap, b.tokens + (Math.max(0, t - b.at) * cap) / HOUR_MS);
    b.at = t;
    return b;
  };

  if (fraction >= 1) return { check: () => null, spend: () => {} };
  return {
    check(client) {
      const t = now();
      const cap = capacity();
      const b = bucket(client, t, cap);
      if (b.tokens >= 1) return null;
      return Math.max(1, Math.ceil(((1 - b.tokens) * HOUR_MS) / cap / 1000));
    },
    spend(client) {
      const t = now();
      bucket(client, t, capacity()).tokens -= 1;
    },
  };
}
