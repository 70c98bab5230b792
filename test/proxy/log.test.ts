// createLogger: one JSON object per line, and every spelling of every secret redacted anywhere in it.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { createLogger, REDACTED, type RequestLine } from '../../proxy/log.js';

function capture(secrets: string[]) {
  const lines: string[] = [];
  return { lines, log: createLogger({ secrets, write: (line) => lines.push(line) }) };
}

describe('createLogger', () => {
  test('writes one line of JSON: t, level, msg, then the fields', () => {
    const { lines, log } = capture([]);
    log.warn('upstream call', { outcome: 'timeout', ms: 3001 });
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.includes('\n'), false);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(record), ['t', 'level', 'msg', 'outcome', 'ms']);
    assert.deepEqual({ ...record, t: undefined }, { t: undefined, level: 'warn', msg: 'upstream call', outcome: 'timeout', ms: 3001 });
    assert.equal(new Date(record.t as string).toISOString(), record.t);
  });

  test('fields cannot overwrite t, level or msg', () => {
    const { lines, log } = capture([]);
    log.error('real', { level: 'info', msg: 'fake', t: 'then' });
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual([record.level, record.msg, record.t === 'then'], ['error', 'real', false]);
  });

  test('redacts the token raw, URL-encoded (either hex case) and JSON-escaped, in the message and in nested fields', () => {
    const token = '123456|CANARYSECRET';
    const { lines, log } = capture([token]);
    log.info(`boot with ${token}`, {
      url: 'https://graph.facebook.com/v25.0/instagram_oembed?access_token=123456%7CCANARYSECRET',
      lower: '123456%7cCANARYSECRET',
      nested: { deep: [`Bearer ${token}`] },
      error: new Error(`failed: ${token}`),
    });
    const line = lines[0]!;
    assert.equal(/CANARYSECRET/i.test(line), false, line);
    const record = JSON.parse(line) as Record<string, unknown>;
    assert.equal(record.msg, `boot with ${REDACTED}`);
    assert.equal(record.url, `https://graph.facebook.com/v25.0/instagram_oembed?access_token=${REDACTED}`);
    assert.deepEqual(record.nested, { deep: [`Bearer ${REDACTED}`] });
    assert.deepEqual(record.error, { name: 'Error', message: `failed: ${REDACTED}` });
  });

  test('redacts the secret half of an APPID|SECRET token on its own, but not the public app id', () => {
    const { lines, log } = capture(['987654|halfSECRET']);
    log.info('split', { app: '987654', secret: 'halfSECRET', encoded: encodeURIComponent('halfSECRET') });
    assert.deepEqual(JSON.parse(lines[0]!), { ...JSON.parse(lines[0]!), app: '987654', secret: REDACTED, encoded: REDACTED });
  });

  test('redacts secrets that JSON escapes (quotes, backslashes) and keeps the line valid JSON', () => {
    const secret = 'we"ird\\tok en';
    const { lines, log } = capture([secret]);
    log.info('x', { a: secret, b: encodeURIComponent(secret), c: 'we%22ird%5Ctok+en' });
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual([record.a, record.b, record.c], [REDACTED, REDACTED, REDACTED]);
  });

  test('every secret is redacted, and a line without secrets is untouched', () => {
    const { lines, log } = capture(['1|tokenA', 'metricsB', '']);
    log.info('tokenA metricsB plain');
    log.info('nothing secret here');
    assert.equal(JSON.parse(lines[0]!).msg, `${REDACTED} ${REDACTED} plain`);
    assert.equal(JSON.parse(lines[1]!).msg, 'nothing secret here');
  });

  test('plain-value fields (the request line) keep null and booleans, drop undefined, and are redacted', () => {
    const { lines, log } = capture(['1|flatSECRET']);
    log.info('request', { id: 'a-1', status: 200, ok: true, none: null, cache: undefined, who: 'flatSECRET' });
    assert.deepEqual({ ...JSON.parse(lines[0]!), t: 0 }, { t: 0, level: 'info', msg: 'request', id: 'a-1', status: 200, ok: true, none: null, who: REDACTED });
  });

  test('never throws on bigint or circular fields', () => {
    const { lines, log } = capture([]);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    log.info('odd', { big: 10n, cyclic });
    assert.deepEqual(JSON.parse(lines[0]!).big, '10');
    assert.deepEqual(JSON.parse(lines[0]!).cyclic, { name: 'loop', self: '[circular]' });
  });

  test('request(line) writes exactly what info("request", line) writes, redaction included', () => {
    const { lines, log } = capture(['1|lineSECRET']);
    const cases: RequestLine[] = [
      { id: 'ab12cd34-1', method: 'GET', route: 'oembed', status: 200, ms: 0.12, cache: 'HIT' },
      { id: 'ab12cd34-z', method: 'HEAD', route: 'healthz', status: 304, ms: 0, cache: undefined },
      { id: 'x"y\\z\n\u0001\ud800', method: 'GET', route: 'lineSECRET', status: 500, ms: 1234.5, cache: 'MIS"S' },
      { id: '', method: 'OPTIONS', route: 'not_found', status: 404, ms: Number.NaN, cache: '' },
    ];
    const stripTime = (line: string) => line.replace(/^\{"t":"[^"]*"/, '{"t":0');
    for (const line of cases) {
      log.request(line);
      log.info('request', { ...line });
      const [fast, generic] = lines.splice(0, 2).map(stripTime);
      assert.equal(fast, generic);
    }
    assert.equal(lines.length, 0);
  });
});
