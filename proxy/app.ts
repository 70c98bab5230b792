// The proxy as one Hono app: composes origins, cache, limits, upstream and metrics, and declares the routes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono, type Context } from 'hono';
import { getRequestListener } from '@hono/node-server';
import { toResponse } from './answer.js';
import { assetAnswer, defaultDistDir, loadStaticAssets, type StaticAssets } from './assets.js';
import { createBreaker } from './breaker.js';
import { createEmbedCache } from './cache.js';
import { createClientAddress } from './client-address.js';
import { configSecrets, defaultBudgetPerHour, type ProxyConfig } from './config.js';
import { ERROR_HEADERS, errorResponse, ProxyError, type ErrorCode } from './errors.js';
import { createFakeGraph } from './fake-graph.js';
import { createGraphClient } from './graph-client.js';
import { createHits, OEMBED_PATH } from './hits.js';
import { createLogger, type Logger } from './log.js';
import { ProxyMetrics } from './metrics.js';
import { createOriginPolicy, PREFLIGHT_HEADERS, type CorsHeaders } from './origins.js';
import { createMissLimiter, createUpstreamBudget } from './rate-limit.js';
import { header, rawQuery, rawQueryOf, type AppEnv } from './request.js';
import { createUpstreamRound } from './upstream-round.js';

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

/** The Hono app (mount it with `app.route('/', proxy)` or serve `proxy.fetch`), plus `close()` to release timers. */
export type ProxyApp = Hono<AppEnv> & {
  close(): void;
  /** @internal The Node fast lane used by createNodeListener. */
  [NODE_HIT]: (req: IncomingMessage, res: ServerResponse) => boolean;
};

const NODE_HIT = Symbol('ig-embed.nodeHit');

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
  const breaker = createBreaker({ now });
  const cache = createEmbedCache({ maxBytes: config.cacheMaxBytes, now });
  const limiter = createMissLimiter({ perMinute: config.rateLimitMissesPerMin, now });
  // Unless set explicitly, the budget follows the token: after a 190 the client runs tokenless, and
  // spending the with-token budget then would run into Meta's ~1,000 tokenless calls an hour.
  const budget = createUpstreamBudget({
    perHour: config.upstreamBudgetExplicit ? config.upstreamBudgetPerHour : () => defaultBudgetPerHour(graph.usingToken),
    now,
  });
  const origins = createOriginPolicy(config.allowedOrigins);
  const hits = createHits({ cache, origins, metrics, now, cacheTtlSeconds: config.cacheTtlSeconds, cacheStaleSeconds: config.cacheStaleSeconds });
  const clientOf = createClientAddress({ trustProxyHops: config.trustProxyHops, fallback: deps.clientAddress });
  const fetchEntry = createUpstreamRound({
    graph, breaker, budget, metrics, log, now,
    freshMs: config.cacheTtlSeconds * 1000,
    staleMs: config.cacheStaleSeconds * 1000,
    negativeMs: config.cacheNegativeSeconds * 1000,
  });
  const assets: StaticAssets | undefined = deps.distDir === false ? undefined
    : loadStaticAssets({ distDir: deps.distDir ?? defaultDistDir(), demo: config.demo, warn: (msg) => log.warn(msg) });

  const fail = (c: Context<AppEnv>, code: ErrorCode, cors: CorsHeaders, options: { message?: string; retryAfterSeconds?: number } = {}) =>
    errorResponse(code, { ...cors, 'x-request-id': c.get('rid') }, options);

  const requestOf = (c: Context<AppEnv>) => ({ requestId: c.get('rid'), acceptEncoding: header(c, 'accept-encoding'), ifNoneMatch: header(c, 'if-none-match') });

  const bootId = randomBytes(4).toString('hex');
  let requestCounter = 0;
  const nextRequestId = () => `${bootId}-${(++requestCounter).toString(36)}`;
  // `cache` is left out of the line when undefined (no cache involved).
  const logRequest = (id: string, method: string, route: string, status: number, started: number, cache: string | undefined) => {
    metrics.request(route, status);
    const line = { id, method, route, status, ms: Math.round((performance.now() - started) * 100) / 100, cache };
    if (log.request) log.request(line);
    else log.info('request', line);
  };

  const app = new Hono<AppEnv>();

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

  app.get(OEMBED_PATH, async (c) => {
    c.set('route', 'oembed');
    const found = hits.lookup(header(c, 'origin'), rawQuery(c));
    switch (found.kind) {
      case 'refused':
        return errorResponse('origin_not_allowed', { ...origins.refused(found.origin), 'x-request-id': c.get('rid') });
      case 'bad_query':
        return fail(c, found.error.code, found.cors, { message: found.error.message });
      case 'hit': {
        const answer = hits.answerHit(found, requestOf(c));
        c.set('cache', 'HIT');
        return toResponse(answer);
      }
      case 'negative_hit':
        metrics.cacheEvent('negative_hit');
        c.set('cache', 'HIT');
        return fail(c, 'not_embeddable', found.cors);
    }
    // A miss: rate-limit the client, then one upstream round per key however many requests wait on it.
    const { query, cors } = found;
    const wait = limiter.take(clientOf(c));
    if (wait !== null) {
      metrics.rejected.inc('rate_limited');
      return fail(c, 'rate_limited', cors, { retryAfterSeconds: wait });
    }
    try {
      const { entry, coalesced } = await cache.load(found.key, () => fetchEntry(query));
      if (coalesced) metrics.coalesced.inc();
      metrics.cacheEvent('miss');
      c.set('cache', 'MISS');
      if (entry.kind === 'not_embeddable') return fail(c, 'not_embeddable', cors);
      return toResponse(hits.respond({ entry, omitscript: query.omitscript, cors, xcache: 'MISS', t: now() }, requestOf(c)));
    } catch (err) {
      if (!(err instanceof ProxyError)) throw err;
      const stale = hits.staleIfError(found, err);
      metrics.cacheEvent(stale ? 'stale' : 'miss');
      c.set('cache', stale ? 'STALE' : 'MISS');
      return stale ? toResponse(hits.respond(stale, requestOf(c))) : fail(c, err.code, cors, err.options);
    }
  });

  app.options(OEMBED_PATH, (c) => {
    c.set('route', 'oembed');
    const origin = header(c, 'origin');
    const cors = origins.corsFor(origin);
    if (cors === null) return errorResponse('origin_not_allowed', { ...origins.refused(origin as string), 'x-request-id': c.get('rid') });
    return new Response(null, { status: 204, headers: { ...cors, ...PREFLIGHT_HEADERS, 'x-request-id': c.get('rid') } });
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
    return errorResponse('method_not_allowed', { ...origins.corsOrNone(header(c, 'origin')), allow, 'x-request-id': c.get('rid') });
  };
  app.all(OEMBED_PATH, methodNotAllowed('oembed', 'GET, HEAD, OPTIONS'));
  app.all('/healthz', methodNotAllowed('healthz', 'GET, HEAD'));
  app.all('/metrics', methodNotAllowed('metrics', 'GET, HEAD'));

  if (assets) {
    app.get('*', (c, next) => {
      const asset = assets.get(c.req.path);
      if (!asset) return next();
      c.set('route', 'static');
      return toResponse(assetAnswer(asset, requestOf(c)));
    });
  }

  app.notFound((c) => {
    c.set('route', 'not_found');
    return errorResponse('not_found', { ...origins.corsOrNone(header(c, 'origin')), 'x-request-id': c.get('rid') });
  });

  app.onError((err, c) => {
    // Never expected: bad input and upstream failures are answered above. Details stay in the log.
    log.error('unhandled error', { id: c.get('rid'), error: err });
    return errorResponse('internal_error', { ...origins.corsOrNone(header(c, 'origin')), 'x-request-id': c.get('rid') });
  });

  /**
   * The Node fast lane: a fresh cache hit answered straight from memory through the same lookup and
   * response builder as the route above, skipping the Request/Response objects and the framework.
   * Anything else (misses, errors, other routes, refused origins) returns false and goes through Hono.
   */
  const serveNodeHit = (req: IncomingMessage, res: ServerResponse): boolean => {
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const target = req.url ?? '';
    if (!target.startsWith(OEMBED_PATH) || (target.length > OEMBED_PATH.length && target.charCodeAt(OEMBED_PATH.length) !== 63 /* ? */)) return false;
    const started = performance.now();
    const found = hits.lookup(req.headers.origin, rawQueryOf(target));
    if (found.kind !== 'hit') return false;
    const rid = nextRequestId();
    const headers = req.headers;
    const r = hits.answerHit(found, { requestId: rid, acceptEncoding: headers['accept-encoding'], ifNoneMatch: headers['if-none-match'] });
    res.writeHead(r.status, r.headers);
    res.end(method === 'HEAD' ? undefined : r.body ?? undefined);
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
 * through Hono via @hono/node-server. `node dist/proxy/server.js` serves with this, and also listens
 * for `clientError` with createClientErrorHandler (client-error.ts) so that requests node cannot
 * parse get the proxy's JSON errors too; do the same on your own server.
 */
export function createNodeListener(proxy: ProxyApp): (req: IncomingMessage, res: ServerResponse) => void {
  const viaHono = getRequestListener(proxy.fetch);
  const fast = proxy[NODE_HIT];
  return (req, res) => {
    if (!fast(req, res)) void viaHono(req, res);
  };
}
