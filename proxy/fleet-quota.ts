// The fleet's quota on Redis: one rolling-hour budget and one share per client for every replica, checked and spent atomically, with a bounded local fallback.
import { createHash, randomBytes } from 'node:crypto';
import { shareCapacity } from './client-share.js';
import type { L2Store } from './l2-store.js';
import type { Logger } from './log.js';
import { createReplicaQuota, type Quota, type QuotaCheck } from './quota.js';

const SLOT_MS = 60_000;
const HOUR_MS = 3_600_000;
/** remaining() reads the fleet's figure again at most this often (it serves /healthz and metrics). */
const REFRESH_MS = 1000;

/**
 * One script, so that checking and spending are one step for the whole fleet (two replicas can never
 * both spend the last call). The budget is a hash of minute slots → calls, the rolling hour being the
 * last 60 slots, as in rate-limit.ts; older slots are deleted on the way. A client's share is a token
 * bucket (client-share.ts's arithmetic) in a hash of its own.
 *
 * Calls the fleet's count lacks are added first: `carry`, the calls this replica made alone while Redis
 * was unavailable; or, when the data set is not the one this replica last saw (the `epoch` key, made
 * once per data set, is missing or different: Redis restarted empty, as it must without persistence),
 * `own`, every call this replica made in the rolling hour. Either way they count from this minute.
 * Replies { used, budget wait s, share wait s, epoch } (0 = no wait).
 *
 * KEYS: budget hash, epoch, [share hash]. ARGV: slot, limit, spend (1/0), carry, now (ms), share
 * capacity, the epoch this replica knows ('' at first), a new epoch in case there is none, own.
 */
const QUOTA = `local slot, limit, spend = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'
local carry, now, cap = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[8]
  redis.call('SET', KEYS[2], epoch)
end
if epoch ~= ARGV[7] then carry = tonumber(ARGV[9]) end
if carry > 0 then redis.call('HINCRBY', KEYS[1], slot, carry) end
local used, oldest = 0, slot
local slots = redis.call('HGETALL', KEYS[1])
for i = 1, #slots, 2 do
  local s, n = tonumber(slots[i]), tonumber(slots[i + 1])
  if s <= slot - 60 then
    redis.call('HDEL', KEYS[1], slots[i])
  else
    used = used + n
    if n > 0 and s < oldest then oldest = s end
  end
end
local budgetWait, shareWait, tokens = 0, 0, cap
if used >= limit then budgetWait = math.max(1, math.ceil(((oldest + 60) * ${SLOT_MS} - now) / 1000)) end
if KEYS[3] then
  local bucket = redis.call('HMGET', KEYS[3], 'tokens', 'at')
  if bucket[1] then tokens = math.min(cap, tonumber(bucket[1]) + math.max(0, now - tonumber(bucket[2])) * cap / ${HOUR_MS}) end
  if tokens < 1 then shareWait = math.max(1, math.ceil((1 - tokens) * ${HOUR_MS} / cap / 1000)) end
end
if spend and budgetWait == 0 and shareWait == 0 then
  redis.call('HINCRBY', KEYS[1], slot, 1)
  used = used + 1
  if KEYS[3] then
    redis.call('HSET', KEYS[3], 'tokens', string.format('%.6f', tokens - 1), 'at', ARGV[5])
    redis.call('PEXPIRE', KEYS[3], ${HOUR_MS})
  end
end
if spend or carry > 0 then redis.call('PEXPIRE', KEYS[1], ${HOUR_MS + SLOT_MS}) end
return { used, budgetWait, shareWait, epoch }`;

export interface FleetQuotaOptions {
  l2: L2Store;
  /** The hourly limit in force (UPSTREAM_BUDGET_PER_HOUR, or the default for the token state). */
  perHour: () => number;
  /** UPSTREAM_SHARE_PER_CLIENT (1 = no share). */
  sharePerClient: number;
  /** UPSTREAM_FLEET_SIZE: while Redis is unavailable, each replica spends at most perHour ÷ this in any rolling hour. */
  fleetSize: number;
  log: Logger;
  now: () => number;
}

/** The fleet's quota, plus the moment to hand Redis the calls it lacks. */
export interface FleetQuota extends Quota {
  /** Redis is reachable (again): add the calls made alone now, not at the next miss, so the other replicas count them. */
  reconnected(): void;
}

/** The fallback budget of one replica: its part of the hour's budget, at least one call. */
export function fallbackBudget(perHour: number, fleetSize: number): number {
  return Math.max(1, Math.floor(perHour / fleetSize));
}

/** Client keys are addresses: Redis gets a digest, so its keys hold no address and have one length. */
const shareName = (client: string) => `share:${createHash('sha256').update(client).digest('base64url').slice(0, 22)}`;

/**
 * The fleet spends UPSTREAM_BUDGET_PER_HOUR, and each client its share, once for all replicas. While
 * Redis is unavailable, each replica falls back to a budget of its own: perHour ÷ UPSTREAM_FLEET_SIZE,
 * counted over every call it made in the rolling hour (also those made while Redis was up), with shares
 * of that. So a fleet of `fleetSize` replicas spends at most one budget during an outage, and in any
 * hour that straddles one at most the fleet's calls before it plus one budget (< 2 budgets; with R
 * replicas instead of `fleetSize`, R ÷ fleetSize budgets instead of one). When Redis returns, each
 * replica adds the calls it made alone to the fleet's count (or, if Redis came back empty, all its calls
 * of the hour) as soon as it reconnects, so they still count for the rest of the hour. Replicas reconnect
 * on their own schedules (ioredis' back-off, at most 5 s apart): until the last one has, the others may
 * spend again what it made alone.
 */
export function createFleetQuota(options: FleetQuotaOptions): FleetQuota {
  const { l2, perHour, sharePerClient, fleetSize, log, now } = options;
  const budgetKey = l2.key('budget');
  const epochKey = l2.key('epoch');
  const { quota: alone, budget: own } = createReplicaQuota({ perHour: () => fallbackBudget(perHour(), fleetSize), sharePerClient, now });
  /** Calls made alone that the fleet's count does not hold yet. */
  let carry = 0;
  /** The data set this replica's calls were last counted in ('' = none yet). */
  let epoch = '';
  let fleetUsed: { used: number; at: number } | undefined;
  let refreshing = false;
  let aloneSince: number | undefined;

  const capacity = () => (sharePerClient >= 1 ? 0 : shareCapacity(sharePerClient, perHour()));

  /** The script's reply, or undefined when Redis could not give one (then this replica decides alone). */
  async function fleet(client: string | null, spend: boolean): Promise<{ used: number; check: QuotaCheck } | undefined> {
    if (l2.state !== 'ok') return undefined;
    const t = now();
    const withShare = client !== null && sharePerClient < 1;
    const keys = withShare ? [budgetKey, epochKey, l2.key(shareName(client))] : [budgetKey, epochKey];
    const carried = carry;
    const reply = await l2.run('quota', QUOTA, keys, [
      Math.floor(t / SLOT_MS), perHour(), spend ? 1 : 0, carried, t, capacity(), epoch, randomBytes(8).toString('hex'), own.used(),
    ]);
    if (!Array.isArray(reply) || reply.length !== 4 || !reply.slice(0, 3).every((n) => typeof n === 'number') || typeof reply[3] !== 'string') {
      return undefined;
    }
    carry -= carried;
    // Two looks in flight when Redis restarted may both add this replica's calls: the count then errs high.
    const [used, budgetWait, shareWait] = reply as [number, number, number, string];
    epoch = reply[3] as string;
    fleetUsed = { used, at: now() };
    if (aloneSince !== undefined) {
      log.info('fleet budget available again: the replicas share one budget', { carried, aloneMs: now() - aloneSince });
      aloneSince = undefined;
    }
    return { used, check: { budget: budgetWait === 0 ? null : budgetWait, share: shareWait === 0 ? null : shareWait } };
  }

  /** Logs the start of an outage once (a single failed call while Redis is up falls back silently; l2 errors count it). */
  function goAlone(): void {
    if (aloneSince !== undefined || l2.state === 'ok') return;
    aloneSince = now();
    log.warn('fleet budget unavailable (redis): this replica spends its own part of the budget until it returns', {
      fallbackPerHour: own.limit(), formula: 'UPSTREAM_BUDGET_PER_HOUR ÷ UPSTREAM_FLEET_SIZE',
    });
  }

  return {
    async check(client) {
      const reply = await fleet(client, false);
      if (reply !== undefined) return reply.check;
      goAlone();
      return alone.check(client);
    },
    async spend(client) {
      const reply = await fleet(client, true);
      if (reply !== undefined) {
        if (reply.check.budget !== null || reply.check.share !== null) return reply.check;
        // Counted by the fleet; counted here too, for the fallback budget should Redis go away.
        own.spend();
        return null;
      }
      goAlone();
      const refused = await alone.spend(client);
      if (refused === null) carry += 1;
      return refused;
    },
    remaining() {
      if (l2.state !== 'ok') return own.remaining();
      // The figure of this replica's last look, at most a second old when asked again.
      if (fleetUsed === undefined || now() - fleetUsed.at >= REFRESH_MS) void refresh();
      return Math.max(0, perHour() - (fleetUsed?.used ?? 0));
    },
    reconnected() {
      void refresh();
    },
  };

  /** Reads the fleet's count in the background, for the next remaining(). */
  async function refresh(): Promise<void> {
    if (refreshing) return;
    refreshing = true;
    try {
      await fleet(null, false);
    } finally {
      refreshing = false;
    }
  }
}
