// The oEmbed cache: memory-only, bounded by bytes, pre-serialised entries, coalesced misses, post-wide revocation.
import { LRUCache } from 'lru-cache';
import type { OembedPayload } from './graph-client.js';
import type { OembedQuery } from './query.js';
import { buildVariant, type Variant } from './representation.js';
import { keyCost, negativeEntryCost, positiveEntryCost } from './entry-cost.js';

export interface PositiveEntry {
  readonly kind: 'ok';
  /** Canonical post URL: the revocation index groups a post's maxwidth/hidecaption variants by it. */
  readonly post: string;
  readonly storedAt: number;
  readonly freshUntil: number;
  /** Served (as STALE) after freshUntil only while upstream fails, and never past this instant. */
  readonly staleUntil: number;
  /** Body as Meta's omitscript=true shape (client asked for omitscript). */
  readonly noscript: Variant;
  /** Body with Meta's script tag appended to html (the default for oEmbed clients). */
  readonly script: Variant;
  /** What the entry costs in memory, without its key (entry-cost.ts). */
  readonly size: number;
  /** Set when the post turned not_embeddable: holders of this object must not serve it any more. */
  revoked: boolean;
}

export interface NegativeEntry {
  readonly kind: 'not_embeddable';
  readonly post: string;
  readonly storedAt: number;
  readonly until: number;
  /** What the entry costs in memory, without its key (entry-cost.ts). */
  readonly size: number;
}

export type CacheEntry = PositiveEntry | NegativeEntry;

/**
 * The cache key of a query: the canonical post URL and the two parameters Meta's answer depends on.
 * `omitscript` is not in it: both variants are stored in one entry.
 */
export function cacheKey(query: { readonly post: Pick<OembedQuery['post'], 'url'>; readonly maxwidth?: number; readonly hidecaption: boolean }): string {
  return `${query.post.url}|${query.maxwidth ?? ''}|${query.hidecaption ? 1 : 0}`;
}

const encoder = new TextEncoder();

/**
 * Serialises both omitscript variants of an upstream answer once. `payload.html` must already be
 * sanitised; `scriptTag` is appended after a newline for clients that did not ask for omitscript.
 */
export function buildPositiveEntry(
  payload: OembedPayload,
  options: { post: string; now: number; freshMs: number; staleMs: number; scriptTag: string },
): PositiveEntry {
  const noscript = buildVariant(encoder.encode(JSON.stringify(payload)), 'n', true, 'request');
  const script = buildVariant(encoder.encode(JSON.stringify({ ...payload, html: `${payload.html}\n${options.scriptTag}` })), 's', true, 'request');
  return {
    kind: 'ok',
    post: options.post,
    storedAt: options.now,
    freshUntil: options.now + options.freshMs,
    staleUntil: options.now + options.freshMs + options.staleMs,
    noscript,
    script,
    size: positiveEntryCost(options.post, [noscript, script]),
    revoked: false,
  };
}

export function buildNegativeEntry(options: { post: string; now: number; ttlMs: number }): NegativeEntry {
  return { kind: 'not_embeddable', post: options.post, storedAt: options.now, until: options.now + options.ttlMs, size: negativeEntryCost(options.post) };
}

/** Loads a fresh entry for a key; called once per upstream round however many requests wait on it. */
export type EntryLoader = () => Promise<CacheEntry>;

export interface EmbedCache {
  /** The entry for `key`, or undefined; during a refresh, the entry being refreshed. Never does I/O. */
  get(key: string): CacheEntry | undefined;
  /**
   * Refreshes `key` with `loader`, joining a refresh already in flight for it (then `coalesced` is
   * true and `loader` is not called). A rejection of the loader reaches every waiter and keeps the
   * old entry in place (hits.ts decides whether it is served stale); a not_embeddable result revokes and
   * evicts every positive entry of the same post.
   */
  load(key: string, loader: EntryLoader): Promise<{ entry: CacheEntry; coalesced: boolean }>;
  readonly entries: number;
  readonly bytes: number;
  /** Revokes and evicts every positive entry of `post` (another replica learned it is not embeddable). */
  revoke(post: string): void;
  clear(): void;
}

interface FetchContext { loader: EntryLoader }

// Long (about 75 lines) because most of it is the lru-cache options, each with the reason for its value;
// the post index and the revocation around them share the one LRU instance.
export function createEmbedCache(options: { maxBytes: number; now?: () => number }): EmbedCache {
  const now = options.now ?? Date.now;
  // post → keys of its positive entries, so not_embeddable can evict every maxwidth/hidecaption variant.
  const byPost = new Map<string, Set<string>>();

  const forget = (post: string, key: string) => {
    const keys = byPost.get(post);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) byPost.delete(post);
  };

  const revokePost = (post: string, exceptKey?: string) => {
    const keys = byPost.get(post);
    if (!keys) return;
    byPost.delete(post);
    for (const key of keys) {
      const old = lru.peek(key, { allowStale: true });
      if (old?.kind === 'ok') old.revoked = true;
      // The key being answered is overwritten by the negative entry when the fetch resolves.
      if (key !== exceptKey) lru.delete(key);
    }
  };

  const lru: LRUCache<string, CacheEntry, FetchContext> = new LRUCache<string, CacheEntry, FetchContext>({
    maxSize: options.maxBytes,
    max: Math.max(1024, Math.floor(options.maxBytes / 2048)),
    // What the entry really costs in memory (entry-cost.ts), its key included.
    sizeCalculation: (entry, key) => entry.size + keyCost(key),
    // Each entry gets its own TTL at insert (fresh + stale, or the negative window); this is a fallback.
    ttl: 60_000,
    // Policy: oEmbed data is dropped from memory as soon as it may no longer be served.
    ttlAutopurge: true,
    perf: { now },
    // Read the clock on every check: no cached "now" (and no timer per millisecond to reset it).
    ttlResolution: 0,
    // A waiter that goes away must not fail the others; we never pass a signal anyway.
    ignoreFetchAbort: true,
    allowStaleOnFetchAbort: false,
    allowStaleOnFetchRejection: false,
    // Keep the old entry after a failed refresh: whether it may answer as STALE is decided in hits.ts (staleIfError).
    noDeleteOnFetchRejection: true,
    dispose: (entry, key, reason) => {
      if (entry.kind === 'ok' && reason !== 'set') forget(entry.post, key);
    },
    fetchMethod: async (key, stale, { options: fetchOptions, context }) => {
      const entry = await context.loader();
      const expires = entry.kind === 'ok' ? entry.staleUntil : entry.until;
      fetchOptions.ttl = Math.max(1, Math.ceil(expires - now()));
      if (entry.kind === 'ok') {
        let keys = byPost.get(entry.post);
        if (!keys) byPost.set(entry.post, (keys = new Set()));
        keys.add(key);
      } else {
        if (stale?.kind === 'ok') stale.revoked = true;
        revokePost(entry.post, key);
      }
      return entry;
    },
  });

  return {
    get: (key) => lru.get(key),
    async load(key, loader) {
      const status: LRUCache.Status<string, CacheEntry, FetchContext> = {};
      const entry = await lru.fetch(key, { forceRefresh: true, context: { loader }, status });
      // fetchMethod always resolves to an entry or rejects, so undefined means the key was evicted
      // mid-flight and lru-cache dropped the result; that cannot happen with ignoreFetchAbort.
      if (entry === undefined) throw new Error('cache fetch resolved without an entry');
      return { entry, coalesced: status.fetch === 'inflight' };
    },
    get entries() { return lru.size; },
    get bytes() { return lru.calculatedSize; },
    revoke: (post) => revokePost(post),
    clear: () => { lru.clear(); byPost.clear(); },
  };
}
