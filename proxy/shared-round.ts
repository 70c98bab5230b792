// A memory miss with the Redis level: the shared entry if there is a fresh one, else one upstream round for the whole fleet.
import type { CacheEntry } from './cache.js';
import { ProxyError, type ErrorCode } from './errors.js';
import type { L2Store } from './l2-store.js';

/** How many times a replica takes over from a holder that died before it gives up on sharing and fetches alone. */
const TAKEOVERS = 2;

const isFresh = (entry: CacheEntry, t: number) => (entry.kind === 'ok' ? t < entry.freshUntil && !entry.revoked : t < entry.until);

/**
 * Wraps one replica's loader (its own upstream round) so that any number of replicas missing the same
 * key make one upstream call: the first to take the key's lock in Redis fetches, stores the entry and
 * announces the result; the others wait for the announcement (an entry to read back, or the error to
 * answer with) and never call upstream themselves. A holder that dies leaves its lock to expire, and
 * one waiter takes over. When Redis is unavailable at any step, the replica simply fetches alone, as
 * it would without Redis. Within one replica the memory cache already merges concurrent misses, so
 * each replica has at most one waiter per key here.
 *
 * A shared entry past its fresh time but within its stale window is kept aside: if the round then
 * fails, that entry comes back on the error (`options.stale`), for hits.staleIfError to serve when the
 * error allows it, as it would serve its own memory copy.
 */
export function createSharedRound(deps: { l2: L2Store; lockMs: number; now: () => number }) {
  const { l2, lockMs, now } = deps;

  async function fetchAndShare(key: string, token: string, load: () => Promise<CacheEntry>): Promise<CacheEntry> {
    try {
      // The previous holder may have finished between our read and our lock.
      const done = await l2.get(key);
      if (done !== undefined && isFresh(done, now())) {
        await l2.announce(key, { kind: 'entry' });
        return done;
      }
      const entry = await load();
      // A post that turned not_embeddable: every replica drops every variant before the answer is shared.
      if (entry.kind === 'not_embeddable') await l2.revokePost(entry.post);
      await l2.put(key, entry);
      await l2.announce(key, { kind: 'entry' });
      return entry;
    } catch (err) {
      // A refusal of this replica's client (its share) is not the post's answer: waiters take over with their own.
      if (err instanceof ProxyError && err.code !== 'rate_limited') {
        const { retryAfterSeconds } = err.options;
        await l2.announce(key, { kind: 'error', code: err.code, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
      }
      throw err;
    } finally {
      await l2.unlock(key, token);
    }
  }

  async function shared(key: string, load: () => Promise<CacheEntry>): Promise<CacheEntry> {
    if (l2.state !== 'ok') return load();
    for (let attempt = 0; attempt <= TAKEOVERS; attempt++) {
      const lock = await l2.lock(key);
      // `unknown`: the lock call may have reached Redis after its deadline, so act as the holder (release and announce).
      if (lock.status !== 'held') return fetchAndShare(key, lock.token, load);
      const result = await l2.waitFor(key, lockMs);
      if (result.kind === 'entry') {
        const entry = await l2.get(key);
        if (entry !== undefined) return entry;
        break;
      }
      if (result.kind === 'error') {
        const { retryAfterSeconds } = result;
        throw new ProxyError(result.code as ErrorCode, retryAfterSeconds !== undefined ? { retryAfterSeconds } : {});
      }
      if (result.kind === 'timeout') break;
      // lock_gone: the holder died without a word; take over.
    }
    return load();
  }

  return async function sharedLoad(key: string, load: () => Promise<CacheEntry>): Promise<CacheEntry> {
    const found = await l2.get(key);
    if (found !== undefined && isFresh(found, now())) return found;
    const stale = found?.kind === 'ok' && now() < found.staleUntil ? found : undefined;
    try {
      return await shared(key, load);
    } catch (err) {
      // Whether the code allows a stale answer is decided where every stale answer is (hits.staleIfError).
      if (stale !== undefined && err instanceof ProxyError) throw new ProxyError(err.code, { ...err.options, stale });
      throw err;
    }
  };
}

export type SharedLoad = ReturnType<typeof createSharedRound>;
