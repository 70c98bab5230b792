// createExchange: request ids, the one request line (through the logger's request method when it has one), and the 500 for an unexpected throw.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createExchange } from '../../proxy/exchange.js';
import { createLogger, type Logger, type RequestLine } from '../../proxy/log.js';
import { ProxyMetrics } from '../../proxy/metrics.js';
import { createOriginPolicy } from '../../proxy/origins.js';

const metrics = () => new ProxyMetrics({ cacheEntries: () => 0, cacheBytes: () => 0, breakerState: () => 'closed', budgetLeft: () => 0 });
const origins = createOriginPolicy(['https://site.example']);

/** A logger that records calls instead of writing lines; `request` only when asked for. */
function recorder(withRequest: boolean) {
  const calls: Array<[string, string, unknown]> = [];
  const log: Logger = {
    info: (msg, fields) => { calls.push(['info', msg, fields]); },
    warn: (msg, fields) => { calls.push(['warn', msg, fields]); },
    error: (msg, fields) => { calls.push(['error', msg, fields]); },
  };
  if (withRequest) log.request = (line: RequestLine) => { calls.push(['request', '', line]); };
  return { log, calls };
}

describe('createExchange', () => {
  test('ids are <boot id>-<base-36 counter>: distinct within a run, and between runs', () => {
    const a = createExchange({ log: recorder(false).log, metrics: metrics(), origins });
    const ids = Array.from({ length: 40 }, () => a.nextId());
    assert.equal(new Set(ids).size, 40);
    assert.match(ids[0]!, /^[0-9a-f]{8}-1$/);
    assert.equal(ids[35]!.split('-')[1], '10');
    const b = createExchange({ log: recorder(false).log, metrics: metrics(), origins });
    assert.notEqual(b.nextId().split('-')[0], ids[0]!.split('-')[0]);
  });

  test('finish counts the request and hands the line to the logger\'s request method when it has one', () => {
    const { log, calls } = recorder(true);
    const m = metrics();
    createExchange({ log, metrics: m, origins }).finish({ id: 'r1', method: 'GET', route: 'oembed', status: 304, started: performance.now(), cache: 'HIT' });
    assert.equal(calls.length, 1);
    const [kind, , line] = calls[0]!;
    assert.equal(kind, 'request');
    assert.deepEqual({ ...(line as RequestLine), ms: 0 }, { id: 'r1', method: 'GET', route: 'oembed', status: 304, ms: 0, cache: 'HIT' });
    assert.equal(typeof (line as RequestLine).ms, 'number');
    assert.equal(m.requests.get('oembed', '304'), 1);
  });

  test('a logger without a request method (a custom deps.log) gets the same line through info("request")', () => {
    const { log, calls } = recorder(false);
    createExchange({ log, metrics: metrics(), origins }).finish({ id: 'r2', method: 'HEAD', route: 'healthz', status: 200, started: performance.now(), cache: undefined });
    assert.deepEqual(calls.map(([kind, msg, line]) => [kind, msg, { ...(line as RequestLine), ms: 0 }]),
      [['info', 'request', { id: 'r2', method: 'HEAD', route: 'healthz', status: 200, ms: 0, cache: undefined }]]);
  });

  test('with createLogger the line is the JSON of info("request"), cache left out when undefined', () => {
    const lines: string[] = [];
    createExchange({ log: createLogger({ secrets: [], write: (l) => lines.push(l) }), metrics: metrics(), origins })
      .finish({ id: 'r3', method: 'GET', route: 'not_found', status: 404, started: performance.now(), cache: undefined });
    const { t: _t, ms, ...rest } = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual([rest, typeof ms], [{ level: 'info', msg: 'request', id: 'r3', method: 'GET', route: 'not_found', status: 404 }, 'number']);
  });

  test('internalError logs the error with the id and answers a bare 500 with the origin\'s CORS headers', () => {
    const { log, calls } = recorder(false);
    const error = new Error('detail that stays in the log');
    const answer = createExchange({ log, metrics: metrics(), origins }).internalError(error, 'r4', 'https://site.example');
    assert.deepEqual(calls, [['error', 'unhandled error', { id: 'r4', error }]]);
    assert.equal(answer.status, 500);
    assert.equal(new TextDecoder().decode(answer.body!), '{"error":{"code":"internal_error","message":"The proxy failed unexpectedly."}}');
    const headers = Object.fromEntries(Array.from({ length: answer.headers.length / 2 }, (_, i) => [answer.headers[2 * i], answer.headers[2 * i + 1]]));
    assert.deepEqual([headers['access-control-allow-origin'], headers['x-request-id'], headers['cache-control']], ['https://site.example', 'r4', 'no-store']);
    // A refused origin gets no CORS headers on a 500 (it is not readable cross-origin).
    const refused = createExchange({ log, metrics: metrics(), origins }).internalError(error, 'r5', 'https://evil.example');
    assert.equal(refused.headers.includes('access-control-allow-origin'), false);
  });
});
