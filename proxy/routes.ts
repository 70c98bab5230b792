// The proxy's routes, each handler inline after its path (Hono's advice): the request line, GET /instagram_oembed, preflight, health, metrics, files, 404/405 and the one onError.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { toResponse, type AnswerRequest } from './answer.js';
import { assetAnswer, type StaticAssets } from './assets.js';
import type { CacheEntry, EmbedCache } from './cache.js';
import { ERROR_HEADERS, errorResponse, ProxyError, type ErrorCode } from './errors.js';
import type { Exchange } from './exchange.js';
import type { Health } from './health.js';
import { isSharedEntry } from './l2-codec.js';
import { OEMBED_PATH, type Hits, type Lookup } from './hits.js';
import type { ProxyMetrics } from './metrics.js';
import { PREFLIGHT_HEADERS, type CorsHeaders, type OriginPolicy } from './origins.js';
import type { OembedQuery } from './query.js';
import type { MissLimiter } from './rate-limit.js';
import { header, rawQuery, type AppEnv } from './request.js';
import type { Requester } from './upstream-round.js';

/** What the routes are built from; createProxy (app.ts) composes it. */
export interface RouteParts {
  hits: Hits;
  exchange: Exchange;
  origins: OriginPolicy;
  metrics: ProxyMetrics;
  cache: Pick<EmbedCache, 'load'>;
  /** One upstream round for a query (upstream-round.ts), charged to `requester`: the loader of a miss. */
  fetchEntry: (query: OembedQuery, requester: Requester) => Promise<CacheEntry>;
  limiter: MissLimiter;
  /** Who a miss is for: the client's key (client-address.ts, ip.ts) and whether it is exempt from the share. */
  requesterOf: (c: Context<AppEnv>) => Requester;
  /** The body of GET /healthz, read at each request (health.ts). */
  health: () => Health;
  /** Tells operators about a refused origin (refusal-log.ts). */
  noteRefusal: (origin: string, id: string) => void;
  metricsToken: string | undefined;
  assets: StaticAssets | undefined;
  /** The lookup the Node fast lane already made for this request (fast-lane.ts), if any. */
  handedOn: (incoming: IncomingMessage) => Lookup | undefined;
  now: () => number;
}

type Fail = (c: Context<AppEnv>, code: ErrorCode, cors: CorsHeaders, options?: { message?: string; retryAfterSeconds?: number }) => Response;

export function createRoutes(parts: RouteParts): Hono<AppEnv> {
  const { exchange, metrics, origins } = parts;
  const app = new Hono<AppEnv>();

  // One JSON line per request; the request id also goes out as X-Request-Id (set by each response builder).
  app.use(async (c, next) => {
    const started = performance.now();
    c.set('rid', exchange.nextId());
    c.set('route', 'other');
    metrics.inFlight++;
    try {
      await next();
    } finally {
      metrics.inFlight--;
    }
    exchange.finish({ id: c.get('rid'), method: c.req.method, route: c.get('route'), status: c.res.status, started, cache: c.get('cache') });
  });

  const fail: Fail = (c, code, cors, options = {}) => errorResponse(code, { ...cors, 'x-request-id': c.get('rid') }, options);
  oembedRoutes(app, parts, fail);
  operationRoutes(app, parts);

  const methodNotAllowed = (route: string, allow: string) => (c: Context<AppEnv>) => {
    c.set('route', route);
    return errorResponse('method_not_allowed', { ...origins.corsOrNone(header(c, 'origin')), allow, 'x-request-id': c.get('rid') });
  };
  app.all(OEMBED_PATH, methodNotAllowed('oembed', 'GET, HEAD, OPTIONS'));
  app.all('/healthz', methodNotAllowed('healthz', 'GET, HEAD'));
  app.all('/metrics', methodNotAllowed('metrics', 'GET, HEAD'));

  // One route per file rather than one catch-all reading c.req.path: mounted with `app.route('/ig', proxy)`,
  // Hono prefixes each route, so /ig/ig-embed.js is served and /ig-embed.js is not. Names with Hono's
  // pattern characters (`:` `*` `{` `?`) are not made routes; the build writes none.
  const assets = parts.assets;
  for (const path of assets?.paths ?? []) {
    if (/[:*{}?()]/.test(path)) continue;
    const asset = assets!.get(path)!;
    app.get(path, (c) => {
      c.set('route', 'static');
      return toResponse(assetAnswer(asset, requestOf(c)));
    });
  }

  app.notFound((c) => {
    c.set('route', 'not_found');
    return errorResponse('not_found', { ...origins.corsOrNone(header(c, 'origin')), 'x-request-id': c.get('rid') });
  });

  // The error boundary of the Hono lane; the fast lane's catch (fast-lane.ts) answers with the same function.
  app.onError((err, c) => toResponse(exchange.internalError(err, c.get('rid'), header(c, 'origin'))));

  return app;
}

function requestOf(c: Context<AppEnv>): AnswerRequest {
  return { requestId: c.get('rid'), acceptEncoding: header(c, 'accept-encoding'), ifNoneMatch: header(c, 'if-none-match') };
}

/** GET /instagram_oembed and its preflight. */
function oembedRoutes(app: Hono<AppEnv>, parts: RouteParts, fail: Fail): void {
  const { hits, metrics, origins, cache, limiter } = parts;
  const refuse = (c: Context<AppEnv>, origin: string) => {
    parts.noteRefusal(origin, c.get('rid'));
    return errorResponse('origin_not_allowed', { ...origins.refused(origin), 'x-request-id': c.get('rid') });
  };

  app.get(OEMBED_PATH, async (c) => {
    c.set('route', 'oembed');
    const incoming = c.env?.incoming;
    const found = (incoming && parts.handedOn(incoming)) || hits.lookup(header(c, 'origin'), rawQuery(c));
    switch (found.kind) {
      case 'refused':
        return refuse(c, found.origin);
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
    const requester = parts.requesterOf(c);
    const wait = limiter.take(requester.key);
    if (wait !== null) {
      metrics.rejected.inc('rate_limited');
      return fail(c, 'rate_limited', found.cors, { retryAfterSeconds: wait });
    }
    try {
      // Only the request that starts the round is charged to its client's share: waiters cost nothing.
      const { entry, coalesced } = await cache.load(found.key, () => parts.fetchEntry(found.query, requester));
      if (coalesced) metrics.coalesced.inc();
      // An entry another replica fetched, read from Redis: a hit of the shared cache, no upstream call made here.
      const shared = isSharedEntry(entry);
      metrics.cacheEvent(shared ? 'l2_hit' : 'miss');
      const xcache = shared ? 'HIT' : 'MISS';
      c.set('cache', xcache);
      if (entry.kind === 'not_embeddable') return fail(c, 'not_embeddable', found.cors);
      const served = { entry, omitscript: found.query.omitscript, cors: found.cors, xcache, t: parts.now() } as const;
      return toResponse(hits.respond(served, requestOf(c)));
    } catch (err) {
      if (!(err instanceof ProxyError)) throw err;
      const stale = hits.staleIfError(found, err);
      metrics.cacheEvent(stale ? 'stale' : 'miss');
      c.set('cache', stale ? 'STALE' : 'MISS');
      return stale ? toResponse(hits.respond(stale, requestOf(c))) : fail(c, err.code, found.cors, err.options);
    }
  });

  app.options(OEMBED_PATH, (c) => {
    c.set('route', 'oembed');
    const origin = header(c, 'origin');
    const cors = origins.corsFor(origin);
    if (cors === null) return refuse(c, origin as string);
    return new Response(null, { status: 204, headers: { ...cors, ...PREFLIGHT_HEADERS, 'x-request-id': c.get('rid') } });
  });
}

/** GET /healthz and GET /metrics (behind METRICS_TOKEN when set). */
function operationRoutes(app: Hono<AppEnv>, parts: RouteParts): void {
  app.get('/healthz', (c) => {
    c.set('route', 'healthz');
    // 200 even when degraded: hits and stale entries are still served, so the process is useful.
    return new Response(JSON.stringify(parts.health()), { status: 200, headers: { ...ERROR_HEADERS, 'x-request-id': c.get('rid') } });
  });

  const tokenDigest = parts.metricsToken ? createHash('sha256').update(`Bearer ${parts.metricsToken}`).digest() : undefined;
  app.get('/metrics', (c) => {
    c.set('route', 'metrics');
    if (tokenDigest) {
      // Compare digests so the comparison is constant-time whatever the length of what was sent.
      const sent = createHash('sha256').update(header(c, 'authorization') ?? '').digest();
      if (!timingSafeEqual(sent, tokenDigest)) {
        return errorResponse('unauthorized', { 'www-authenticate': 'Bearer', 'x-request-id': c.get('rid') });
      }
    }
    return new Response(parts.metrics.render(), {
      status: 200,
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store', 'x-request-id': c.get('rid') },
    });
  });
}
