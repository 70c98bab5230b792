// The cache front of GET /instagram_oembed: classify a request against the cache and build a cached entry's exact answer.
import { cacheKey, type CacheEntry, type EmbedCache, type PositiveEntry } from './cache.js';
import type { CorsHeaders, OriginPolicy } from './origins.js';
import { parseOembedQuery, type OembedQuery, type QueryError } from './query.js';
import { negotiate } from './representation.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const VARY = 'Origin, Accept-Encoding';
/** A stale answer is a stopgap while Meta fails: downstream keeps it only briefly. */
const STALE_CACHE_CONTROL = 'public, max-age=60';
const QUERY_MEMO_MAX = 1024;
const MEMO_QUERY_MAX_LENGTH = 1024;

/** What the cache says about a request, before any upstream work. Computing it has no effect but memoisation. */
export type Lookup =
  | { kind: 'refused'; origin: string }
  | { kind: 'bad_query'; error: QueryError; cors: CorsHeaders }
  | { kind: 'hit'; entry: PositiveEntry; omitscript: boolean; cors: CorsHeaders; t: number }
  | { kind: 'negative_hit'; cors: CorsHeaders }
  | { kind: 'miss'; query: OembedQuery; key: string; previous: CacheEntry | undefined; cors: CorsHeaders };

export type XCache = 'HIT' | 'MISS' | 'STALE';

export interface EntryResponse { status: 200 | 304; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> | null }

/** The same answer with headers as the flat [name, value, …] list node's `res.writeHead` takes with the least work. */
export interface FlatEntryResponse { status: 200 | 304; headers: string[]; body: Uint8Array<ArrayBuffer> | null }

export interface Hits {
  /** Origin policy, then the query, then the cache: the order that keeps refused origins from costing a parse. */
  lookup(origin: string | undefined, rawQuery: string): Lookup;
  /** Status, headers and bytes for a cached entry, chosen by Accept-Encoding and If-None-Match. */
  respond(
    entry: PositiveEntry, omitscript: boolean, cors: CorsHeaders, xcache: XCache, t: number,
    rid: string, acceptEncoding: string | undefined, ifNoneMatch: string | undefined,
  ): EntryResponse;
  /** `respond` for the Node fast lane: identical status, headers (same order) and bytes. */
  respondFlat(
    entry: PositiveEntry, omitscript: boolean, cors: CorsHeaders, xcache: XCache, t: number,
    rid: string, acceptEncoding: string | undefined, ifNoneMatch: string | undefined,
  ): FlatEntryResponse;
}

/**
 * The Cache-Control of a successful answer. Downstream caches keep a copy at most fresh TTL +
 * stale-while-revalidate (≤ 1 h) after our fetch (Age tells them how old it is), so a deleted post
 * leaves them within TTL + 1 h.
 */
function successCacheControl(cacheTtlSeconds: number, cacheStaleSeconds: number): string {
  return `public, max-age=300, s-maxage=${cacheTtlSeconds}, `
    + `stale-while-revalidate=${Math.min(3600, cacheTtlSeconds)}, stale-if-error=${cacheStaleSeconds}`;
}

type Parsed = { query: OembedQuery; key: string } | QueryError;

export function createHits(options: {
  cache: Pick<EmbedCache, 'get'>;
  origins: OriginPolicy;
  now: () => number;
  cacheTtlSeconds: number;
  cacheStaleSeconds: number;
}): Hits {
  const { cache, origins, now } = options;
  const freshCacheControl = successCacheControl(options.cacheTtlSeconds, options.cacheStaleSeconds);

  // Memoised by raw query string, so a hit does no parsing at all.
  const queryMemo = new Map<string, Parsed>();
  const parse = (raw: string): Parsed => {
    let parsed = queryMemo.get(raw);
    if (parsed) return parsed;
    const q = parseOembedQuery(raw);
    parsed = 'code' in q ? q : { query: q, key: cacheKey(q) };
    if (raw.length <= MEMO_QUERY_MAX_LENGTH) {
      // FIFO bound: the oldest spelling goes first; a re-parse only costs a few microseconds.
      if (queryMemo.size >= QUERY_MEMO_MAX) queryMemo.delete(queryMemo.keys().next().value as string);
      queryMemo.set(raw, parsed);
    }
    return parsed;
  };

  const respondFlat: Hits['respondFlat'] = (entry, omitscript, cors, xcache, t, rid, acceptEncoding, ifNoneMatch) => {
    const answer = negotiate(omitscript ? entry.noscript : entry.script, JSON_TYPE, { acceptEncoding, ifNoneMatch });
    const cacheControl = xcache === 'STALE' ? STALE_CACHE_CONTROL : freshCacheControl;
    const age = String(Math.max(0, Math.floor((t - entry.storedAt) / 1000)));
    const headers = answer.headers;
    headers.push('cache-control', cacheControl, 'age', age, 'vary', VARY, 'x-cache', xcache, 'x-content-type-options', 'nosniff', 'x-request-id', rid);
    for (const k in cors) headers.push(k, cors[k] as string);
    return answer as FlatEntryResponse;
  };

  return {
    lookup(origin, rawQuery) {
      const cors = origins.corsFor(origin);
      if (cors === null) return { kind: 'refused', origin: origin as string };
      const parsed = parse(rawQuery);
      if ('code' in parsed) return { kind: 'bad_query', error: parsed, cors };
      const entry = cache.get(parsed.key);
      const t = now();
      if (entry?.kind === 'ok' && t < entry.freshUntil) return { kind: 'hit', entry, omitscript: parsed.query.omitscript, cors, t };
      if (entry?.kind === 'not_embeddable' && t < entry.until) return { kind: 'negative_hit', cors };
      return { kind: 'miss', query: parsed.query, key: parsed.key, previous: entry, cors };
    },

    respond(entry, omitscript, cors, xcache, t, rid, acceptEncoding, ifNoneMatch) {
      const r = respondFlat(entry, omitscript, cors, xcache, t, rid, acceptEncoding, ifNoneMatch);
      const headers: Record<string, string> = {};
      for (let i = 0; i < r.headers.length; i += 2) headers[r.headers[i] as string] = r.headers[i + 1] as string;
      return { status: r.status, headers, body: r.body };
    },

    respondFlat,
  };
}
