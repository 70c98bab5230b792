// The upstream quota as the round asks it: the hourly budget and each client's share, checked together and spent in one step.
import { createClientShare, type ClientShare } from './client-share.js';
import { createUpstreamBudget, type UpstreamBudget } from './rate-limit.js';

/** What would refuse a call now, in seconds to wait: the budget, and the client's share (null = it allows the call). */
export interface QuotaCheck { budget: number | null; share: number | null }

export interface Quota {
  /**
   * What would refuse a call for `client` (a key from `clientKey`; null for an exempt client, who has no
   * share) now. Advisory: it lets the round refuse early and in its order; `spend` decides.
   */
  check(client: string | null): Promise<QuotaCheck>;
  /** Counts one call for `client` if the budget and its share still allow it, as one step: null = counted, else what refused. */
  spend(client: string | null): Promise<QuotaCheck | null>;
  /** Calls left in the rolling hour (for /healthz and metrics). */
  remaining(): number;
}

/**
 * One replica's quota (no REDIS_URL): the rolling-hour budget (rate-limit.ts) and the share buckets
 * (client-share.ts) in memory. `spend` checks again before counting, with no await in between, so two
 * rounds that both passed `check` can never both spend the last call.
 */
export function createLocalQuota(deps: { budget: UpstreamBudget; share: ClientShare }): Quota {
  const { budget, share } = deps;
  const now = (client: string | null): QuotaCheck => {
    const budgetWait = budget.check();
    return { budget: budgetWait, share: budgetWait !== null || client === null ? null : share.check(client) };
  };
  return {
    async check(client) {
      return now(client);
    },
    async spend(client) {
      const refused = now(client);
      if (refused.budget !== null || refused.share !== null) return refused;
      budget.spend();
      if (client !== null) share.spend(client);
      return null;
    },
    remaining: () => budget.remaining(),
  };
}

/**
 * A budget of `perHour` with each client's share of it, as one local quota: the proxy's without REDIS_URL, and
 * the fleet's fallback during a Redis outage (which also reads the budget's own count, hence `budget`).
 */
export function createReplicaQuota(options: { perHour: () => number; sharePerClient: number; now: () => number }): { quota: Quota; budget: UpstreamBudget } {
  const { perHour, sharePerClient, now } = options;
  const budget = createUpstreamBudget({ perHour, now });
  const share = createClientShare({ fraction: sharePerClient, budgetPerHour: () => budget.limit(), now });
  return { quota: createLocalQuota({ budget, share }), budget };
}
