// createRoutes on its own: the oEmbed route answers from the lookup the fast lane handed on, and looks up itself only when none was.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { getRequestListener } from '@hono/node-server';
import { createEmbedCache } from '../../proxy/cache.js';
import { createExchange } from '../../proxy/exchange.js';
import { createHits, type Hits, type Lookup } from '../../proxy/hits.js';
import { createLogger } from '../../proxy/log.js';
import { ProxyMetrics } from '../../proxy/metrics.js';
import { createOriginPolicy } from '../../proxy/origins.js';
import { createMissLimiter } from '../../proxy/rate-limit.js';
import { createRoutes } from '../../proxy/routes.js';
import { errorOf, oembedPath, POST, rawRequest } from './harness.js';

function routes(handedOn: (incoming: IncomingMessage) => Lookup | undefined) {
  const cache = createEmbedCache({ maxBytes: 1 << 20 });
  const metrics = new ProxyMetrics({ cacheEntries: () => 0, cacheBytes: () => 0, breakerState: () => 'closed', budgetLeft: () => 0 });
  const origins = createOriginPolicy(null);
  const real = createHits({ cache, origins, metrics, now: Date.now, cacheTtlSeconds: 60, cacheStaleSeconds: 60 });
  const lookups: string[] = [];
  const hits: Hits = { ...real, lookup: (origin, raw) => { lookups.push(raw); return real.lookup(origin, raw); } };
  const app = createRoutes({
    hits, origins, metrics, cache, handedOn, now: Date.now,
    exchange: createExchange({ log: createLogger({ secrets: [], write: () => {} }), metrics, origins }),
    fetchEntry: () => Promise.reject(new Error('no upstream in this test')),
    limiter: createMissLimiter({ perMinute: 10 }),
    requesterOf: () => ({ key: 'client', exempt: false }),
    health: () => ({ status: 'ok', degraded: [], breaker: 'closed', upstream: 'fixtures', token: false, l2: 'off' }),
    noteRefusal: () => {},
    metricsToken: undefined,
    assets: undefined,
  });
  return { app, lookups };
}

test('the oEmbed route answers from the handed-on lookup and does not look up again', async () => {
  const handed: Lookup = { kind: 'bad_query', error: { code: 'invalid_param', message: 'Handed on by the lane.' }, cors: {} };
  const { app, lookups } = routes(() => handed);
  const server = createServer(getRequestListener(app.fetch)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    // A valid query: looked up afresh it would be a miss; the handed-on lookup says otherwise.
    const res = await rawRequest(`http://127.0.0.1:${(server.address() as AddressInfo).port}${oembedPath(POST)}`);
    assert.deepEqual([res.status, errorOf(res)], [400, { code: 'invalid_param', message: 'Handed on by the lane.' }]);
    assert.deepEqual(lookups, []);
  } finally {
    server.close();
  }
});

test('without a handed-on lookup (embedded, or not through the fast lane) the route looks up once itself', async () => {
  const { app, lookups } = routes(() => undefined);
  const res = await app.request(oembedPath('https://example.com/nope'));
  assert.deepEqual([res.status, ((await res.json()) as { error: { code: string } }).error.code], [400, 'invalid_url']);
  assert.deepEqual(lookups, [`url=${encodeURIComponent('https://example.com/nope')}`]);
});
