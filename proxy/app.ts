// The proxy as one Hono app: composes origins, cache, limits, upstream and metrics into the routes (routes.ts) and the Node fast lane (fast-lane.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Hono } from 'hono';
import { getRequestListener } from '@hono/node-server';
import { defaultDistDir, loadStaticAssets, type StaticAssets } from './assets.js';
import { createBreaker } from './breaker.js';
import { cacheKey, createEmbedCache, type EmbedCache } from './cache.js';
import { createClientAddress } from './client-address.js';
import { configSecrets, defaultBudgetPerHour, type ProxyConfig } from './config.js';
import { createExchange } from './exchange.js';
import { createFixturesGraph } from './fake-graph.js';
import { createFastLane, type FastLane } from './fast-lane.js';
import { createGraphClient } from './graph-client.js';
import { createHealth } from './health.js';
import { createHits } from './hits.js';
import { clientKey, inRanges } from './ip.js';
import { createKeyBackoff } from './key-backoff.js';
import { createLogger, type Logger } from './log.js';
import { ProxyMetrics } from './metrics.js';
import { createOriginPolicy } from './origins.js';
import { createMissLimiter } from './rate-limit.js';
import { createRefusalLog } from './refusal-log.js';
import type { AppEnv } from './request.js';
import { createRoutes } from './routes.js';
import { createFleetPause, type FleetPause } from './fleet-pause.js';
import { createFleetQuota, type FleetQuota } from './fleet-quota.js';
import { createL2Store, type L2Store } from './l2-store.js';
import { createReplicaQuota, type Quota } from './quota.js';
import { createSharedRound } from './shared-round.js';
import { createUpstreamRound, type Requester } from './upstream-round.js';

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
export type ProxyApp = Hono<AppEnv> & { close(): void };

/** Each proxy's Node fast lane, for createNodeListener: found by the app, without a property on it. */
const fastLanes = new WeakMap<ProxyApp, FastLane>();
/** The static files each proxy loaded, for servedAssets. */
const loadedAssets = new WeakMap<ProxyApp, StaticAssets>();

/** What `proxy` serves from the build (undefined with `distDir: false`): for server.ts's boot log, not in the package's exports. */
export function servedAssets(proxy: ProxyApp): StaticAssets | undefined {
  return loadedAssets.get(proxy);
}

/** The Graph client's fetch: the caller's, else the embedded fake in fixtures mode, else the global one. */
function upstreamFetch(config: ProxyConfig, deps: ProxyDeps): typeof fetch | undefined {
  if (deps.fetch || config.upstream !== 'fixtures') return deps.fetch;
  const fake = createFixturesGraph();
  return (input, init) => fake.fetch(input, init);
}

/** The fetch lock and the fleet's probe outlive the longest round: the Graph client may retry once tokenless after a rejected token. */
const roundMs = (config: ProxyConfig) => 2 * config.upstreamTimeoutMs + 1000;

/**
 * The upstream side: the Graph client and the guards of the quota in front of it (budget, post
 * back-off, client share, breaker), composed into the loader of a miss. With Redis (`l2`) the budget,
 * the shares, the rate-limit pause and the half-open probe are the fleet's.
 */
function composeUpstream(config: ProxyConfig, deps: ProxyDeps, shared: { log: Logger; now: () => number; metrics: ProxyMetrics; l2: L2Store | undefined }) {
  const { log, now, metrics, l2 } = shared;
  const graph = createGraphClient({
    graphApiUrl: config.graphApiUrl,
    accessToken: config.accessToken,
    timeoutMs: config.upstreamTimeoutMs,
    fetch: upstreamFetch(config, deps),
    log,
  });
  const breaker = createBreaker({ now });
  // Unless set explicitly, the budget follows the token: after a 190 the client runs tokenless, and
  // spending the with-token budget then would run into Meta's ~1,000 tokenless calls an hour.
  const perHour = config.upstreamBudgetExplicit ? () => config.upstreamBudgetPerHour : () => defaultBudgetPerHour(graph.usingToken);
  let quota: Quota;
  let fleetQuota: FleetQuota | undefined;
  let fleet: FleetPause | undefined;
  if (l2 === undefined) {
    quota = createReplicaQuota({ perHour, sharePerClient: config.upstreamSharePerClient, now }).quota;
  } else {
    quota = fleetQuota = createFleetQuota({ l2, perHour, sharePerClient: config.upstreamSharePerClient, fleetSize: config.upstreamFleetSize, log, now });
    fleet = createFleetPause({ l2, breaker, probeMs: roundMs(config) });
  }
  const fetchEntry = createUpstreamRound({
    graph, breaker, quota, fleet, metrics, log, now,
    postBackoff: createKeyBackoff({ now }),
    sharePerClient: config.upstreamSharePerClient,
    freshMs: config.cacheTtlSeconds * 1000,
    staleMs: config.cacheStaleSeconds * 1000,
    negativeMs: config.cacheNegativeSeconds * 1000,
  });
  return { graph, breaker, quota, fleetQuota, fleet, fetchEntry };
}

/**
 * The shared level on Redis when REDIS_URL is set: memory stays in front (a hit never touches the
 * network), a memory miss looks in Redis before upstream, and replicas make one upstream call per key.
 * `onFleet` hears the other replicas' news (fleet-pause.ts); `onReachable` runs whenever Redis is reachable again.
 */
function composeL2(config: ProxyConfig, shared: {
  log: Logger; now: () => number; metrics: ProxyMetrics; cache: EmbedCache;
  onFleet: (message: Record<string, unknown>) => void; onReachable: () => void;
}) {
  if (config.redisUrl === undefined) return undefined;
  const { log, now, metrics, cache, onFleet, onReachable } = shared;
  const lockMs = roundMs(config);
  const store: L2Store = createL2Store({
    url: config.redisUrl,
    timeoutMs: config.redisTimeoutMs,
    keyPrefix: config.redisKeyPrefix,
    lockMs,
    log,
    now,
    onRevoke: (post) => cache.revoke(post),
    // Revocations sent while this replica could not hear them may have been missed.
    onRecover: () => cache.clear(),
    onFleet,
    onStateChange: (state) => { if (state === 'ok') onReachable(); },
    onError: (op) => metrics.l2Errors.inc(op),
  });
  return { store, sharedLoad: createSharedRound({ l2: store, lockMs, now }) };
}

/** Who a miss is for: the client's key (IPv6 by /64) and whether UPSTREAM_SHARE_EXEMPT lists it. */
function requesterOf(config: ProxyConfig, deps: ProxyDeps, log: Logger): (c: Context<AppEnv>) => Requester {
  const clientOf = createClientAddress({
    trustProxyHops: config.trustProxyHops, fallback: deps.clientAddress, warn: (msg, fields) => log.warn(msg, fields),
  });
  return (c) => {
    const address = clientOf(c);
    return { key: clientKey(address), exempt: inRanges(address, config.upstreamShareExempt) };
  };
}

/** The proxy for `config`; see docs/http-api.md, "Embedding". */
export function createProxy(config: ProxyConfig, deps: ProxyDeps = {}): ProxyApp {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? createLogger({ secrets: configSecrets(config) });
  const cache = createEmbedCache({ maxBytes: config.cacheMaxBytes, now });
  // The sources are read at scrape time, by when `upstream` exists.
  const metrics = new ProxyMetrics({
    cacheEntries: () => cache.entries,
    cacheBytes: () => cache.bytes,
    breakerState: () => upstream.breaker.state,
    budgetLeft: () => upstream.quota.remaining(),
    l2State: () => l2?.store.state ?? 'off',
  });
  // The store exists before the fleet's quota and pause it serves: the callbacks look them up when called.
  const l2 = composeL2(config, {
    log, now, metrics, cache,
    onFleet: (message) => upstream.fleet?.hear(message),
    onReachable: () => upstream.fleetQuota?.reconnected(),
  });
  const upstream = composeUpstream(config, deps, { log, now, metrics, l2: l2?.store });
  const origins = createOriginPolicy(config.allowedOrigins);
  const hits = createHits({
    cache, origins, metrics, now, cacheTtlSeconds: config.cacheTtlSeconds, cacheStaleSeconds: config.cacheStaleSeconds,
  });
  const exchange = createExchange({ log, metrics, origins });
  const lane = createFastLane({ hits, exchange });

  const assets = deps.distDir === false ? undefined
    : loadStaticAssets({ distDir: deps.distDir ?? defaultDistDir(), demo: config.demo, warn: (msg) => log.warn(msg) });
  const app = createRoutes({
    hits, exchange, origins, metrics, cache, now,
    fetchEntry: l2 === undefined ? upstream.fetchEntry
      : (query, requester) => l2.sharedLoad(cacheKey(query), () => upstream.fetchEntry(query, requester)),
    limiter: createMissLimiter({ perMinute: config.rateLimitMissesPerMin, now }),
    requesterOf: requesterOf(config, deps, log),
    health: createHealth({
      breakerState: () => upstream.breaker.state,
      budgetLeft: () => upstream.quota.remaining(),
      upstream: config.upstream,
      usingToken: () => upstream.graph.usingToken,
      l2State: () => l2?.store.state ?? 'off',
    }),
    noteRefusal: createRefusalLog({ log, now }),
    metricsToken: config.metricsToken,
    assets,
    handedOn: lane.handedOn,
  });

  const proxy: ProxyApp = Object.assign(app, {
    close() {
      cache.clear();
      void l2?.store.close();
    },
  });
  fastLanes.set(proxy, lane);
  if (assets) loadedAssets.set(proxy, assets);
  return proxy;
}

/**
 * A node:http request listener for the proxy: a malformed Host or target gets our 400 and cache
 * hits take the fast lane (fast-lane.ts), everything else goes through Hono via @hono/node-server. `node proxy/dist/proxy/server.js` (`npm run serve`) serves with this, and also listens
 * for `clientError` with createClientErrorHandler (client-error.ts) so that requests node cannot
 * parse get the proxy's JSON errors too; do the same on your own server.
 */
export function createNodeListener(proxy: ProxyApp): (req: IncomingMessage, res: ServerResponse) => void {
  const lane = fastLanes.get(proxy);
  if (!lane) throw new TypeError('createNodeListener: pass the app that createProxy returned');
  // The host name stands in only for an HTTP/1.0 request without Host (the fast lane refuses it in HTTP/1.1).
  const viaHono = getRequestListener(proxy.fetch, { hostname: 'localhost' });
  return (req, res) => {
    if (!lane.serve(req, res)) void viaHono(req, res);
  };
}
