// createFastLane over real node:http with a stub cache front: which requests it answers, what it hands on, and its error boundary.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Answer } from '../../proxy/answer.js';
import { buildPositiveEntry } from '../../proxy/cache.js';
import { createExchange } from '../../proxy/exchange.js';
import { createFastLane } from '../../proxy/fast-lane.js';
import type { Hit, Hits, Lookup } from '../../proxy/hits.js';
import { createLogger } from '../../proxy/log.js';
import { ProxyMetrics } from '../../proxy/metrics.js';
import { createOriginPolicy } from '../../proxy/origins.js';
import { rawRequest } from './harness.js';

const ENTRY = buildPositiveEntry(
  { version: '1.0', type: 'rich', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', width: 658, html: '<blockquote class="instagram-media">x</blockquote>' },
  { post: 'https://www.instagram.com/p/AAA/', now: 0, freshMs: 1000, staleMs: 1000, scriptTag: '<script></script>' },
);
const HIT: Hit = { kind: 'hit', entry: ENTRY, omitscript: true, cors: {}, xcache: 'HIT', t: 0 };
const MISS: Lookup = { kind: 'negative_hit', cors: {} };
const ANSWER: Answer = { status: 200, headers: ['content-type', 'text/plain', 'content-length', '3', 'x-answer', 'fast'], body: new TextEncoder().encode('hit') };

describe('createFastLane', () => {
  let base = '';
  let next: Lookup | Error = HIT;
  const looked: Array<[string | undefined, string]> = [];
  const answered: Array<Parameters<Hits['answerHit']>[1]> = [];
  const lines: string[] = [];
  const handedOn: Array<Lookup | undefined> = [];
  const server = createServer();

  before(async () => {
    const metrics = new ProxyMetrics({ cacheEntries: () => 0, cacheBytes: () => 0, breakerState: () => 'closed', budgetLeft: () => 0 });
    const lane = createFastLane({
      hits: {
        lookup: (origin, raw) => {
          looked.push([origin, raw]);
          if (next instanceof Error) throw next;
          return next;
        },
        answerHit: (_hit, request) => {
          answered.push(request);
          return ANSWER;
        },
      },
      exchange: createExchange({ log: createLogger({ secrets: [], write: (l) => lines.push(l) }), metrics, origins: createOriginPolicy(['https://site.example']) }),
    });
    // What createNodeListener does, with a stand-in for Hono that says what it was handed.
    server.on('request', (req: IncomingMessage, res) => {
      if (lane.serve(req, res)) return;
      handedOn.push(lane.handedOn(req));
      res.writeHead(418, { 'x-answer': 'hono' }).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    next = HIT;
    for (const list of [looked, answered, lines, handedOn]) list.length = 0;
  });

  test('a fresh hit is answered from the lookup with the request\'s id and headers, and logged once', async () => {
    const res = await rawRequest(`${base}/instagram_oembed?url=x&omitscript=1`, { 'accept-encoding': 'br', 'if-none-match': '"e"', origin: 'https://site.example' });
    assert.deepEqual([res.status, res.headers['x-answer'], res.text], [200, 'fast', 'hit']);
    assert.deepEqual(looked, [['https://site.example', 'url=x&omitscript=1']]);
    assert.equal(answered.length, 1);
    assert.deepEqual({ ...answered[0], requestId: '' }, { requestId: '', acceptEncoding: 'br', ifNoneMatch: '"e"' });
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(logged.map(({ msg, id, method, route, status, cache }) => ({ msg, id, method, route, status, cache })),
      [{ msg: 'request', id: answered[0]!.requestId, method: 'GET', route: 'oembed', status: 200, cache: 'HIT' }]);
  });

  test('HEAD gets the same status and headers without the body', async () => {
    const res = await rawRequest(`${base}/instagram_oembed?url=x`, {}, 'HEAD');
    assert.deepEqual([res.status, res.headers['content-length'], res.body.byteLength], [200, '3', 0]);
  });

  test('anything but a hit is left to Hono, which is handed the lookup already made', async () => {
    next = MISS;
    const res = await rawRequest(`${base}/instagram_oembed?url=x`);
    assert.deepEqual([res.status, res.headers['x-answer']], [418, 'hono']);
    assert.equal(looked.length, 1);
    assert.deepEqual(handedOn, [MISS]);
    assert.deepEqual([answered, lines], [[], []]);
  });

  test('other methods and other paths are not looked up, and nothing is handed on for them', async () => {
    for (const [path, method] of [['/instagram_oembed?url=x', 'POST'], ['/instagram_oembed/?url=x', 'GET'], ['/instagram_oembedx', 'GET'], ['/healthz', 'GET']] as const) {
      assert.equal((await rawRequest(base + path, {}, method)).status, 418, `${method} ${path}`);
    }
    assert.deepEqual(looked, []);
    assert.deepEqual(handedOn, [undefined, undefined, undefined, undefined]);
    // The bare path (no query) is the oEmbed route's: looked up (and refused by the parser in real use).
    next = MISS;
    await rawRequest(`${base}/instagram_oembed`);
    assert.deepEqual(looked, [[undefined, '']]);
  });

  test('a throw is answered like onError: the 500 JSON with CORS and the request id, an error line, then the request line', async () => {
    next = new Error('broken lookup');
    const res = await rawRequest(`${base}/instagram_oembed?url=x`, { origin: 'https://site.example' });
    assert.equal(res.status, 500);
    assert.deepEqual(JSON.parse(res.text), { error: { code: 'internal_error', message: 'The proxy failed unexpectedly.' } });
    assert.deepEqual([res.headers['access-control-allow-origin'], res.headers['content-type']], ['https://site.example', 'application/json; charset=utf-8']);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(logged.map(({ level, msg, id, status }) => ({ level, msg, id, status })), [
      { level: 'error', msg: 'unhandled error', id: res.headers['x-request-id'], status: undefined },
      { level: 'info', msg: 'request', id: res.headers['x-request-id'], status: 500 },
    ]);
    assert.deepEqual(logged[0]!.error, { name: 'Error', message: 'broken lookup' });
    assert.deepEqual(handedOn, []);
  });
});
