// Per-post back-off: a post whose upstream calls keep failing stops costing upstream calls for a while.
import { LRUCache } from 'lru-cache';

export interface KeyBackoff {
  /** null = `key` may be asked upstream now; else the seconds its back-off still lasts. */
  check(key: string): number | null;
  /** Whether the last call for `key` failed (back-off or not yet): such a key must not be the breaker's probe. */
  failing(key: string): boolean;
  /** Reports the result of a call for `key`: `failed` for an answer that did not give us the post. */
  record(key: string, failed: boolean): void;
}

export interface KeyBackoffOptions {
  now?: () => number;
  /** Consecutive failures of one key before it backs off. Default 2: one failure may be chance. */
  failuresBeforeBackoff?: number;
  /** First back-off. Default 30 s; doubles with every further failure. */
  baseMs?: number;
  /** Cap of the doubling. Default 10 min. */
  maxMs?: number;
  /** Keys remembered. A flood of distinct failing keys evicts the oldest, which then start afresh. */
  maxKeys?: number;
}

interface Failing { failures: number; backoffMs: number; until: number }

/**
 * Why per post and not per breaker: one client polling one broken post (deleted mid-flight, answers our
 * sanitiser rejects, a post Meta times out on) would otherwise spend the quota on it and, through the
 * breaker, block every other post. Keys are canonical post URLs, so maxwidth/hidecaption variants of a
 * failing post share its back-off.
 */
export function createKeyBackoff(options: KeyBackoffOptions = {}): KeyBackoff {
  const now = options.now ?? Date.now;
  const threshold = options.failuresBeforeBackoff ?? 2;
  const baseMs = options.baseMs ?? 30_000;
  const maxMs = options.maxMs ?? 600_000;
  // Failures age out: two chance failures a week apart are not a post that keeps failing.
  const failing = new LRUCache<string, Failing>({ max: options.maxKeys ?? 10_000, ttl: 2 * maxMs, perf: { now } });
  return {
    check(key) {
      const entry = failing.get(key);
      if (entry === undefined || now() >= entry.until) return null;
      return Math.max(1, Math.ceil((entry.until - now()) / 1000));
    },
    failing(key) {
      return failing.has(key);
    },
    record(key, failed) {
      if (!failed) {
        failing.delete(key);
        return;
      }
      const entry = failing.get(key) ?? { failures: 0, backoffMs: 0, until: 0 };
      entry.failures += 1;
      if (entry.failures >= threshold) {
        entry.backoffMs = entry.backoffMs === 0 ? baseMs : Math.min(maxMs, entry.backoffMs * 2);
        entry.until = now() + entry.backoffMs;
      }
      failing.set(key, entry);
    },
  };
}
