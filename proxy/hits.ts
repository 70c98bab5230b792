// The cache front of GET /instagram_oembed: classify a request against the cache, answer with a cached entry, and decide stale-if-error.
import type { Answer, AnswerRequest } from './answer.js';
import { cacheKey, type CacheEntry, type EmbedCache, type PositiveEntry } from './cache.js';
import type { ErrorCode, ProxyError } from './errors.js';
import type { ProxyMetrics } from './metrics.js';
import type { CorsHeaders, OriginPolicy } from './origins.js';
import { parseOembedQuery, type OembedQuery, type QueryError } from './query.js';
import { negotiate } from './representation.js';

/** The path both lanes answer: the Hono route and the Node fast lane's match. */
export const OEMBED_PATH = '/instagram_oembed';

const JSON_TYPE = 'application/json; charset=utf-8';
const VARY = 'Origin, Accept-Encoding';
/** A stale answer is a stopgap while Meta fails: downstream keeps it only briefly. */
const STALE_CACHE_CONTROL = 'public, max-age=60';
const QUERY_MEMO_MAX = 1024;
const MEMO_QUERY_MAX_LENGTH = 1024;

/**
 * Stale-if-error (RFC 5861) covers the failures of a refresh that say Meta is unavailable, too slow
 * or unusable right now, or that the quota refused the call (the budget, the breaker, a post in
 * back-off: upstream_unavailable; the client's share of the budget: rate_limited, as the per-client
 * miss limit answers before any refresh). Not the ones about the request itself (invalid_url,
 * invalid_param) or Meta's refusal (upstream_error): an old copy is no better answer to those.
 */
const STALE_IF_ERROR: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['upstream_unavailable', 'upstream_timeout', 'upstream_invalid', 'rate_limited']);

export type XCache = 'HIT' | 'MISS' | 'STALE';

/** A cached entry about to be sent: which variant, under which CORS headers, marked how, and when (for Age). */
export interface Served {
  readonly entry: PositiveEntry;
  readonly omitscript: boolean;
  readonly cors: CorsHeaders;
  readonly xcache: XCache;
  readonly t: number;
}

export interface Hit extends Served { readonly kind: 'hit'; readonly xcache: 'HIT' }

export interface Miss {
  readonly kind: 'miss';
  readonly query: OembedQuery;
  readonly key: string;
  /** The entry the miss would refresh (past its fresh TTL), kept for stale-if-error. */
  readonly previous: CacheEntry | undefined;
  readonly cors: CorsHeaders;
}

/** What the cache says about a request, before any upstream work. Computing it has no effect but memoisation. */
export type Lookup =
  | { readonly kind: 'refused'; readonly origin: string }
  | { readonly kind: 'bad_query'; readonly error: QueryError; readonly cors: CorsHeaders }
  | Hit
  | { readonly kind: 'negative_hit'; readonly cors: CorsHeaders }
  | Miss;

export interface Hits {
  /** Origin policy, then the query, then the cache: the order that keeps refused origins from costing a parse. */
  lookup(origin: string | undefined, rawQuery: string): Lookup;
  /** The answer to a fresh hit, whichever lane serves it (the Node fast lane or the Hono route): counted, then `respond`. */
  answerHit(hit: Hit, request: AnswerRequest): Answer;
  /** Status, headers and bytes for a cached entry, chosen by Accept-Encoding and If-None-Match. */
  respond(served: Served, request: AnswerRequest): Answer;
  /**
   * What a miss whose refresh failed with `error` answers instead, if anything: the entry it was
   * refreshing, marked STALE, when the failure allows it (STALE_IF_ERROR) and the entry is neither
   * revoked nor past its stale window. The one place that decides; the cache only keeps the old
   * entry through a failed refresh (cache.ts, `noDeleteOnFetchRejection`).
   */
  staleIfError(miss: Miss, error: ProxyError): Served | undefined;
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

/** The raw query string → parse result, memoised so a hit does no parsing at all. */
function memoisedParse(): (raw: string) => Parsed {
  const memo = new Map<string, Parsed>();
  return (raw) => {
    let parsed = memo.get(raw);
    if (parsed) return parsed;
    const q = parseOembedQuery(raw);
    parsed = 'code' in q ? q : { query: q, key: cacheKey(q) };
    if (raw.length <= MEMO_QUERY_MAX_LENGTH) {
      // FIFO bound: the oldest spelling goes first; a re-parse only costs a few microseconds.
      if (memo.size >= QUERY_MEMO_MAX) memo.delete(memo.keys().next().value as string);
      memo.set(raw, parsed);
    }
    return parsed;
  };
}

export function createHits(options: {
  cache: Pick<EmbedCache, 'get'>;
  origins: OriginPolicy;
  metrics: Pick<ProxyMetrics, 'cacheEvent'>;
  now: () => number;
  cacheTtlSeconds: number;
  cacheStaleSeconds: number;
}): Hits {
  const { cache, origins, metrics, now } = options;
  const freshCacheControl = successCacheControl(options.cacheTtlSeconds, options.cacheStaleSeconds);
  const parse = memoisedParse();

  const respond: Hits['respond'] = (served, request) => {
    const { entry, xcache } = served;
    const answer = negotiate(served.omitscript ? entry.noscript : entry.script, JSON_TYPE, request);
    const age = String(Math.max(0, Math.floor((served.t - entry.storedAt) / 1000)));
    answer.headers.push(
      'cache-control', xcache === 'STALE' ? STALE_CACHE_CONTROL : freshCacheControl, 'age', age, 'vary', VARY,
      'x-cache', xcache, 'x-content-type-options', 'nosniff', 'x-request-id', request.requestId,
    );
    for (const name in served.cors) answer.headers.push(name, served.cors[name] as string);
    return answer;
  };

  return {
    lookup(origin, rawQuery) {
      const cors = origins.corsFor(origin);
      if (cors === null) return { kind: 'refused', origin: origin as string };
      const parsed = parse(rawQuery);
      if ('code' in parsed) return { kind: 'bad_query', error: parsed, cors };
      const entry = cache.get(parsed.key);
      const t = now();
      if (entry?.kind === 'ok' && t < entry.freshUntil) {
        return { kind: 'hit', entry, omitscript: parsed.query.omitscript, cors, xcache: 'HIT', t };
      }
      if (entry?.kind === 'not_embeddable' && t < entry.until) return { kind: 'negative_hit', cors };
      return { kind: 'miss', query: parsed.query, key: parsed.key, previous: entry, cors };
    },

    answerHit(hit, request) {
      metrics.cacheEvent('hit');
      return respond(hit, request);
    },

    respond,

    staleIfError(miss, error) {
      // A shared (Redis) entry the round found stale stands in when memory holds none.
      const previous = miss.previous ?? error.options.stale;
      if (!STALE_IF_ERROR.has(error.code) || previous?.kind !== 'ok' || previous.revoked) return undefined;
      const t = now();
      if (t >= previous.staleUntil) return undefined;
      return { entry: previous, omitscript: miss.query.omitscript, cors: miss.cors, xcache: 'STALE', t };
    },
  };
}
