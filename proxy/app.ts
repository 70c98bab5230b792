// The proxy as one Hono app: origin policy, query parsing, cache, abuse limits, upstream, metrics and request logs.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createBreaker, type Breaker } from './breaker.js';
import {
  acceptedEncodings, buildNegativeEntry, buildPositiveEntry, createEmbedCache, ifNoneMatchHits, pickRepresentation,
  type CacheEntry, type EmbedPayload, type PositiveEntry,
} from './cache.js';
import { configSecrets, type ProxyConfig } from './config.js';
import { ERROR_HEADERS, errorResponse, ProxyError, type ErrorCode } from './errors.js';
import { createFakeGraph } from './fake-graph.js';
import { createGraphClient, type GraphOutcome, type UpstreamOembed } from './graph-client.js';
import { createLogger, type Logger } from './log.js';
import { ProxyMetrics } from './metrics.js';
import { parseOembedQuery, type OembedQuery, type QueryError } from './query.js';
import { createMissLimiter, createUpstreamBudget } from './rate-limit.js';
import { defaultDistDir, loadStaticAssets, type StaticAssets } from './assets.js';
import { EMBED_SCRIPT_TAG, sanitizeEmbedHtml } from './sanitize-html.js';

export interface ProxyDeps {
  /** The Graph client's fetch (tests point it anywhere); default: global fetch, or the embedded fake in fixtures mode. */
  fetch?: typeof fetch;
  log?: Logger;
  /** Clock for cache freshness, rate limits, budget and breaker (tests inject one instead of sleeping). */
  now?: () => number;
  /** Client address when not served by @hono/node-server (other runtimes); default 'unknown'. */
  clientAddress?: (c: Context) => string | undefined;
  /** The build output holding script/ and demo/; default: located from this module. `false`: serve no files. */
  distDir?: URL | false;
}

type AppEnv = {
  Bindings: Partial<HttpBindings> | undefined;
  Variables: { rid: string; route: string; cache: string };
};

/** The Hono app (mount it with `app.route('/', proxy)` or serve `proxy.fetch`), plus `close()` to release timers. */
export type ProxyApp = Hono<AppEnv> & {
  close(): void;
  /** @internal The Node fast lane used by createNodeListener. */
  [NODE_HIT]: (req: IncomingMessage, res: ServerResponse) => boolean;
};

const NODE_HIT = Symbol('ig-embed.nodeHit');
const OEMBED_PATH = '/instagram_oembed';

type Parsed = { query: OembedQuery; key: string } | QueryError;

const JSON_TYPE = 'application/json; charset=utf-8';
const VARY = 'Origin, Accept-Encoding';
const EXPOSE = 'Retry-After, X-Cache, ETag, X-Request-Id';
const STALE_CACHE_CONTROL = 'public, max-age=60';
const QUERY_MEMO_MAX = 1024;

/** The proxy for `config`; see README "Embedding". */
export function createProxy(config: ProxyConfig, deps: ProxyDeps = {}): ProxyApp {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? createLogger({ secrets: configSecrets(config) });
  const metrics = new ProxyMetrics({
    cacheEntries: () => cache.entries,
    cacheBytes: () => cache.bytes,
    breakerState: () => breaker.state,
    budgetLeft: () => budget.remaining(),
  });

  let upstreamFetch = deps.fetch;
  if (!upstreamFetch && config.upstream === 'fixtures') {
    const fake = createFakeGraph();
    upstreamFetch = (input, init) => fake.fetch(input, init);
  }
  const graph = createGraphClient({
    graphApiUrl: config.graphApiUrl,
    accessToken: config.accessToken,
    timeoutMs: config.upstreamTimeoutMs,
    fetch: upstreamFetch,
    log,
  });
  const breaker: Breaker = createBreaker({ now });
  const cache = createEmbedCache({ maxBytes: config.cacheMaxBytes, now });
  const limiter = createMissLimiter({ perMinute: config.rateLimitMissesPerMin, now });
  const budget = createUpstreamBudget({ perHour: config.upstreamBudgetPerHour, now });
  const assets: StaticAssets | undefined = deps.distDir === false ? undefined
    : loadStaticAssets({ distDir: deps.distDir ?? defaultDistDir(), demo: config.demo, warn: (msg) => log.warn(msg) });

  const freshMs = config.cacheTtlSeconds * 1000;
  const staleMs = config.cacheStaleSeconds * 1000;
  const negativeMs = config.cacheNegativeSeconds * 1000;
  // Downstream caches keep a copy at most fresh TTL + stale-while-revalidate (≤ 1 h) after our fetch
  // (Age tells them how old it is), so a deleted post leaves them within TTL + 1 h.
  const successCacheControl = `public, max-age=300, s-maxage=${config.cacheTtlSeconds}, `
    + `stale-while-revalidate=${Math.min(3600, config.cacheTtlSeconds)}, stale-if-error=${config.cacheStaleSeconds}`;

  // ---- CORS and origin policy -------------------------------------------------------------------
  const allowed = config.allowedOrigins === null ? null : new Set(config.allowedOrigins);
  const ANY_ORIGIN: Record<string, string> = { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSE };
  const NO_CORS: Record<string, string> = {};
  const perOrigin = new Map<string, Record<string, string>>();
  /** CORS headers for a request from `origin`; null when the origin is not allowed. */
  const corsFor = (origin: string | undefined): Record<string, string> | null => {
    if (allowed === null) return ANY_ORIGIN;
    if (origin === undefined) return NO_CORS;
    if (!allowed.has(origin)) return null;
    let h = perOrigin.get(origin);
    if (!h) perOrigin.set(origin, (h = { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSE }));
    return h;
  };
  // A refused origin still gets a readable 403, so the widget can say why instead of a CORS failure.
  const refusedCors = (origin: string) => ({ 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSE });

  // ---- small request helpers (plain node headers when available: no Headers object per request) --
  const header = (c: Context<AppEnv>, name: string): string | undefined => {
    const incoming = c.env?.incoming;
    if (incoming) {
      const v = incoming.headers[name];
      return typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : undefined;
    }
    return c.req.raw.headers.get(name) ?? undefined;
  };
  const rawQuery = (c: Context<AppEnv>): string => {
    const target = c.env?.incoming?.url ?? c.req.url;
    const q = target.indexOf('?');
    if (q === -1) return '';
    const hash = target.indexOf('#', q);
    return hash === -1 ? target.slice(q + 1) : target.slice(q + 1, hash);
  };
  const clientOf = (c: Context<AppEnv>): string => {
    if (config.trustProxyHops > 0) {
      const forwarded = header(c, 'x-forwarded-for');
      if (forwarded) {
        const hops = forwarded.split(',').map((s) => s.trim()).filter((s) => s !== '');
        // The N-th entry from the right is the one our N-th trusted proxy saw; with fewer entries
        // the request skipped an outer proxy, and the leftmost is the best we know.
        const hop = hops[Math.max(0, hops.length - config.trustProxyHops)];
        if (hop) return hop.slice(0, 64);
      }
    }
    if (c.env?.incoming) return getConnInfo(c).remote.address ?? 'unknown';
    return deps.clientAddress?.(c) ?? 'unknown';
  };

  const fail = (c: Context<AppEnv>, code: ErrorCode, cors: Record<string, string>, options: { message?: string; retryAfterSeconds?: number } = {}) =>
    errorResponse(code, { ...cors, 'x-request-id': c.get('rid') }, options);

  // ---- query parsing, memoised by raw query string (the hit path does no parsing at all) ---------
  const queryMemo = new Map<string, Parsed>();
  const parse = (raw: string): Parsed => {
    let parsed = queryMemo.get(raw);
    if (parsed) return parsed;
    const q = parseOembedQuery(raw);
    parsed = 'code' in q ? q : { query: q, key: `${q.post.url}|${q.maxwidth ?? ''}|${q.hidecaption ? 1 : 0}` };
    if (raw.length <= 1024) {
      // FIFO bound: the oldest spelling goes first; a re-parse only costs a few microseconds.
      if (queryMemo.size >= QUERY_MEMO_MAX) queryMemo.delete(queryMemo.keys().next().value as string);
      queryMemo.set(raw, parsed);
    }
    return parsed;
  };

  // ---- responses from a cached entry (shared by the Hono route and the Node fast lane) -----------
  interface EntryResponse { status: 200 | 304; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> | null }
  const entryResponse = (
    entry: PositiveEntry, omitscript: boolean, cors: Record<string, string>, xcache: 'HIT' | 'MISS' | 'STALE', t: number,
    rid: string, acceptEncoding: string | undefined, ifNoneMatch: string | undefined,
  ): EntryResponse => {
    const rep = pickRepresentation(omitscript ? entry.noscript : entry.script, acceptedEncodings(acceptEncoding));
    // One literal per response: cheaper than copying a prebuilt object, and the values vary anyway (Age, id, CORS).
    const headers: Record<string, string> = {
      'content-type': JSON_TYPE,
      'content-length': rep.length,
      'cache-control': xcache === 'STALE' ? STALE_CACHE_CONTROL : successCacheControl,
      etag: rep.etag,
      age: String(Math.max(0, Math.floor((t - entry.storedAt) / 1000))),
      vary: VARY,
      'x-cache': xcache,
      'x-content-type-options': 'nosniff',
      'x-request-id': rid,
    };
    if (rep.encoding !== 'identity') headers['content-encoding'] = rep.encoding;
    for (const k in cors) headers[k] = cors[k] as string;
    if (ifNoneMatchHits(ifNoneMatch, rep.etag)) {
      delete headers['content-type'];
      delete headers['content-length'];
      delete headers['content-encoding'];
      return { status: 304, headers, body: null };
    }
    return { status: 200, headers, body: rep.body };
  };

  const serveEntry = (
    c: Context<AppEnv>, entry: PositiveEntry, omitscript: boolean, cors: Record<string, string>,
    xcache: 'HIT' | 'MISS' | 'STALE', t: number,
  ): Response => {
    c.set('cache', xcache);
    const r = entryResponse(entry, omitscript, cors, xcache, t, c.get('rid'), header(c, 'accept-encoding'), header(c, 'if-none-match'));
    return new Response(r.body, { status: r.status, headers: r.headers });
  };

  // ---- the upstream round for one cache key (runs once however many requests wait on it) ---------
  const payloadOf = (o: UpstreamOembed, html: string): EmbedPayload => {
    const p: EmbedPayload = {
      version: o.version, type: o.type, provider_name: o.provider_name, provider_url: o.provider_url, width: o.width, html,
    };
    // Legacy fields exist only for apps on older terms; pass them through when Meta still sends them.
    if (o.author_name !== undefined) p.author_name = o.author_name;
    if (o.author_url !== undefined) p.author_url = o.author_url;
    if (o.thumbnail_url !== undefined) p.thumbnail_url = o.thumbnail_url;
    if (o.thumbnail_width !== undefined) p.thumbnail_width = o.thumbnail_width;
    if (o.thumbnail_height !== undefined) p.thumbnail_height = o.thumbnail_height;
    return p;
  };

  const fetchEntry = async (query: OembedQuery): Promise<CacheEntry> => {
    // Budget before breaker: a half-open breaker lets exactly one probe through and waits for its
    // report, so it must not hand out a probe that the budget then stops.
    const budgetWait = budget.check();
    if (budgetWait !== null) {
      metrics.rejected.inc('budget_spent');
      throw new ProxyError('upstream_unavailable', { retryAfterSeconds: budgetWait, staleOk: true });
    }
    const breakerWait = breaker.acquire();
    if (breakerWait !== null) {
      metrics.rejected.inc('breaker_open');
      throw new ProxyError('upstream_unavailable', { retryAfterSeconds: breakerWait, staleOk: true });
    }
    budget.spend();
    const started = performance.now();
    let outcome: GraphOutcome = await graph.fetchOembed({
      url: query.post.url, hidecaption: query.hidecaption, ...(query.maxwidth !== undefined ? { maxwidth: query.maxwidth } : {}),
    });
    let html: string | null = null;
    if (outcome.kind === 'ok') {
      html = sanitizeEmbedHtml(outcome.oembed.html, query.post.url);
      if (html === null) {
        log.warn('upstream html rejected by the sanitiser', { post: query.post.url });
        outcome = { kind: 'invalid' };
      }
    }
    breaker.record(outcome);
    metrics.upstream(outcome.kind, (performance.now() - started) / 1000);
    const t = now();
    switch (outcome.kind) {
      case 'ok':
        return buildPositiveEntry(payloadOf(outcome.oembed, html as string), {
          post: query.post.url, now: t, freshMs, staleMs, scriptTag: EMBED_SCRIPT_TAG,
        });
      case 'not_embeddable':
        return buildNegativeEntry({ post: query.post.url, now: t, ttlMs: negativeMs });
      case 'invalid_url':
        throw new ProxyError('invalid_url');
      case 'invalid_param':
        throw new ProxyError('invalid_param');
      case 'rate_limited':
        throw new ProxyError('upstream_unavailable', { retryAfterSeconds: outcome.retryAfterSeconds, staleOk: true });
      case 'transient':
        throw new ProxyError('upstream_unavailable', { retryAfterSeconds: breaker.retryAfterSeconds || 5, staleOk: true });
      case 'timeout':
        throw new ProxyError('upstream_timeout', { staleOk: true });
      case 'invalid':
        throw new ProxyError('upstream_invalid', { staleOk: true });
      case 'error':
        throw new ProxyError('upstream_error');
    }
  };

  const miss = async (
    c: Context<AppEnv>, parsed: { query: OembedQuery; key: string }, previous: CacheEntry | undefined, cors: Record<string, string>,
  ): Promise<Response> => {
    const wait = limiter.take(clientOf(c));
    if (wait !== null) {
      metrics.rejected.inc('rate_limited');
      return fail(c, 'rate_limited', cors, { retryAfterSeconds: wait });
    }
    try {
      const { entry, coalesced } = await cache.load(parsed.key, () => fetchEntry(parsed.query));
      if (coalesced) metrics.coalesced.inc();
      metrics.cacheEvent('miss');
      if (entry.kind === 'not_embeddable') {
        c.set('cache', 'MISS');
        return fail(c, 'not_embeddable', cors);
      }
      return serveEntry(c, entry, parsed.query.omitscript, cors, 'MISS', now());
    } catch (err) {
      if (!(err instanceof ProxyError)) throw err;
      const t = now();
      if (err.options.staleOk && previous?.kind === 'ok' && !previous.revoked && t < previous.staleUntil) {
        metrics.cacheEvent('stale');
        return serveEntry(c, previous, parsed.query.omitscript, cors, 'STALE', t);
      }
      metrics.cacheEvent('miss');
      c.set('cache', 'MISS');
      return fail(c, err.code, cors, err.options.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.options.retryAfterSeconds } : {});
    }
  };

  // ---- the app ------------------------------------------------------------------------------------
  const app = new Hono<AppEnv>();
  const bootId = randomBytes(4).toString('hex');
  let requestCounter = 0;
  const nextRequestId = () => `${bootId}-${(++requestCounter).toString(36)}`;
  const logRequest = (id: string, method: string, route: string, status: number, started: number, cacheStatus: string | undefined) => {
    metrics.request(route, status);
    // `cache` is left out of the line when undefined (no cache involved).
    log.info('request', { id, method, route, status, ms: Math.round((performance.now() - started) * 100) / 100, cache: cacheStatus });
  };

  // One JSON line per request; the request id also goes out as X-Request-Id (set by each response builder).
  app.use(async (c, next) => {
    const started = performance.now();
    c.set('rid', nextRequestId());
    c.set('route', 'other');
    metrics.inFlight++;
    try {
      await next();
    } finally {
      metrics.inFlight--;
    }
    logRequest(c.get('rid'), c.req.method, c.get('route'), c.res.status, started, c.get('cache'));
  });

  app.get('/instagram_oembed', (c) => {
    c.set('route', 'oembed');
    const origin = header(c, 'origin');
    const cors = corsFor(origin);
    if (cors === null) return fail(c, 'origin_not_allowed', refusedCors(origin as string));
    const parsed = parse(rawQuery(c));
    if ('code' in parsed) return fail(c, parsed.code, cors, { message: parsed.message });
    const entry = cache.get(parsed.key);
    const t = now();
    if (entry !== undefined) {
      if (entry.kind === 'ok') {
        if (t < entry.freshUntil) {
          metrics.cacheEvent('hit');
          return serveEntry(c, entry, parsed.query.omitscript, cors, 'HIT', t);
        }
      } else if (t < entry.until) {
        metrics.cacheEvent('negative_hit');
        c.set('cache', 'HIT');
        return fail(c, 'not_embeddable', cors);
      }
    }
    return miss(c, parsed, entry, cors);
  });

  app.options('/instagram_oembed', (c) => {
    c.set('route', 'oembed');
    const origin = header(c, 'origin');
    const cors = corsFor(origin);
    if (cors === null) return fail(c, 'origin_not_allowed', refusedCors(origin as string));
    return new Response(null, {
      status: 204,
      headers: {
        ...cors,
        'access-control-allow-methods': 'GET, HEAD, OPTIONS',
        'access-control-allow-headers': 'If-None-Match',
        'access-control-max-age': '86400',
        vary: 'Origin, Access-Control-Request-Headers',
        'x-request-id': c.get('rid'),
      },
    });
  });

  app.get('/healthz', (c) => {
    c.set('route', 'healthz');
    const body = JSON.stringify({ status: 'ok', breaker: breaker.state, upstream: config.upstream, token: graph.usingToken });
    return new Response(body, { status: 200, headers: { ...ERROR_HEADERS, 'x-request-id': c.get('rid') } });
  });

  const metricsTokenDigest = config.metricsToken ? createHash('sha256').update(`Bearer ${config.metricsToken}`).digest() : undefined;
  app.get('/metrics', (c) => {
    c.set('route', 'metrics');
    if (metricsTokenDigest) {
      // Compare digests so the comparison is constant-time whatever the length of what was sent.
      const sent = createHash('sha256').update(header(c, 'authorization') ?? '').digest();
      if (!timingSafeEqual(sent, metricsTokenDigest)) {
        return errorResponse('unauthorized', { 'www-authenticate': 'Bearer', 'x-request-id': c.get('rid') });
      }
    }
    return new Response(metrics.render(), {
      status: 200,
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store', 'x-request-id': c.get('rid') },
    });
  });

  const methodNotAllowed = (route: string, allow: string) => (c: Context<AppEnv>) => {
    c.set('route', route);
    const cors = corsFor(header(c, 'origin')) ?? NO_CORS;
    return errorResponse('method_not_allowed', { ...cors, allow, 'x-request-id': c.get('rid') });
  };
  app.all('/instagram_oembed', methodNotAllowed('oembed', 'GET, HEAD, OPTIONS'));
  app.all('/healthz', methodNotAllowed('healthz', 'GET, HEAD'));
  app.all('/metrics', methodNotAllowed('metrics', 'GET, HEAD'));

  if (assets) {
    app.get('*', (c, next) => {
      const a = assets.get(c.req.path);
      if (!a) return next();
      c.set('route', 'static');
      const rep = pickRepresentation(a.variant, acceptedEncodings(header(c, 'accept-encoding')));
      const headers: Record<string, string> = {
        'content-type': a.contentType,
        'content-length': rep.length,
        'cache-control': a.cacheControl,
        etag: rep.etag,
        vary: 'Accept-Encoding',
        'x-content-type-options': 'nosniff',
        // Public files: readable cross-origin, so `<script crossorigin integrity=…>` works anywhere.
        'access-control-allow-origin': '*',
        'x-request-id': c.get('rid'),
      };
      if (rep.encoding !== 'identity') headers['content-encoding'] = rep.encoding;
      if (ifNoneMatchHits(header(c, 'if-none-match'), rep.etag)) {
        delete headers['content-type'];
        delete headers['content-length'];
        delete headers['content-encoding'];
        return new Response(null, { status: 304, headers });
      }
      return new Response(rep.body, { status: 200, headers });
    });
  }

  app.notFound((c) => {
    c.set('route', 'not_found');
    return errorResponse('not_found', { ...(corsFor(header(c, 'origin')) ?? NO_CORS), 'x-request-id': c.get('rid') });
  });

  app.onError((err, c) => {
    // Never expected: bad input and upstream failures are answered above. Details stay in the log.
    log.error('unhandled error', { id: c.get('rid'), error: err });
    return errorResponse('internal_error', { ...(corsFor(header(c, 'origin')) ?? NO_CORS), 'x-request-id': c.get('rid') });
  });

  /**
   * The Node fast lane: a fresh cache hit answered straight from memory with the same bytes and
   * headers the route above would send, skipping the Request/Response objects and the framework.
   * Anything else (misses, errors, other routes, refused origins) returns false and goes through Hono.
   */
  const serveNodeHit = (req: IncomingMessage, res: ServerResponse): boolean => {
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const target = req.url ?? '';
    if (!target.startsWith(OEMBED_PATH) || (target.length > OEMBED_PATH.length && target.charCodeAt(OEMBED_PATH.length) !== 63 /* ? */)) return false;
    const started = performance.now();
    const cors = corsFor(req.headers.origin);
    if (cors === null) return false;
    const parsed = parse(target.length > OEMBED_PATH.length ? target.slice(OEMBED_PATH.length + 1) : '');
    if ('code' in parsed) return false;
    const entry = cache.get(parsed.key);
    const t = now();
    if (entry?.kind !== 'ok' || t >= entry.freshUntil) return false;
    const rid = nextRequestId();
    const r = entryResponse(entry, parsed.query.omitscript, cors, 'HIT', t, rid, req.headers['accept-encoding'], req.headers['if-none-match']);
    res.writeHead(r.status, r.headers);
    res.end(method === 'HEAD' ? undefined : r.body ?? undefined);
    metrics.cacheEvent('hit');
    logRequest(rid, method, 'oembed', r.status, started, 'HIT');
    return true;
  };

  return Object.assign(app, {
    [NODE_HIT]: serveNodeHit,
    close() {
      cache.clear();
    },
  });
}

/**
 * A node:http request listener for the proxy: cache hits take the fast lane, everything else goes
 * through Hono via @hono/node-server. `node dist/proxy/server.js` serves with this.
 */
export function createNodeListener(proxy: ProxyApp): (req: IncomingMessage, res: ServerResponse) => void {
  const viaHono = getRequestListener(proxy.fetch);
  const fast = proxy[NODE_HIT];
  return (req, res) => {
    if (!fast(req, res)) void viaHono(req, res);
  };
}
