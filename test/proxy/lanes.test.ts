// The two lanes of one proxy over real HTTP: the Node fast lane (createNodeListener) and the Hono route send identical bytes for hits, 304s and errors, and log alike.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { oembedPath, POST, rawExchange, startHarness, type Harness, type RawExchange } from './harness.js';

const SITE = 'https://site.example';

/** One request over a fresh connection, closed by the server once it answered. */
function exchange(base: string, method: string, path: string, headers: Record<string, string> = {}): Promise<RawExchange> {
  const lines = Object.entries({ host: 'proxy.test', ...headers, connection: 'close' }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return rawExchange(base, `${method} ${path} HTTP/1.1\r\n${lines}\r\n`);
}

/** The response as sent, but for the two values that differ by design: the date and the request id. */
function masked(res: RawExchange): string {
  return res.raw.replace(/^Date: .*$/im, 'Date: <date>').replace(/^x-request-id: .*$/im, 'x-request-id: <id>');
}

/** The fields of a log line that do not vary between two requests. */
function stable(line: string): Record<string, unknown> {
  const { t: _t, id: _id, ms: _ms, ...rest } = JSON.parse(line) as Record<string, unknown>;
  return rest;
}

describe('the fast lane and the Hono route answer alike', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ ALLOWED_ORIGINS: SITE }, { honoLane: true });
    h.upstream.fake.script('GoneGone01', 'not_embeddable');
    // Fill the cache (the miss goes through Hono either way), so what follows are hits.
    assert.equal((await h.get(oembedPath(POST))).status, 200);
    assert.equal((await h.get(oembedPath('https://www.instagram.com/p/GoneGone01/'))).status, 404);
  });
  after(() => h.close());

  /** Sends the same request to both lanes; returns both responses after checking their bytes are identical. */
  async function both(method: string, path: string, headers: Record<string, string> = {}): Promise<[RawExchange, RawExchange]> {
    const fast = await exchange(h.base, method, path, headers);
    const hono = await exchange(h.honoBase!, method, path, headers);
    assert.equal(masked(fast), masked(hono), `${method} ${path} ${JSON.stringify(headers)}`);
    return [fast, hono];
  }

  test('hits: identity, gzip and br, with and without CORS, with and without the script tag', async () => {
    const hitsBefore = h.logs.filter((l) => l.includes('"cache":"HIT"')).length;
    for (const headers of [{}, { 'accept-encoding': 'gzip' }, { 'accept-encoding': 'gzip, br', origin: SITE }] as Array<Record<string, string>>) {
      for (const path of [oembedPath(POST), oembedPath(POST, '&omitscript=true')]) {
        const [fast] = await both('GET', path, headers);
        assert.deepEqual([fast.statusLine, fast.headers['x-cache']], ['HTTP/1.1 200 OK', 'HIT']);
      }
    }
    assert.equal(h.logs.filter((l) => l.includes('"cache":"HIT"')).length - hitsBefore, 12);
    assert.equal(h.calls, 2, 'no upstream call after the two that filled the cache');
  });

  test('304s: the ETag of the representation the request would get', async () => {
    const first = await exchange(h.base, 'GET', oembedPath(POST), { 'accept-encoding': 'br' });
    const [fast] = await both('GET', oembedPath(POST), { 'accept-encoding': 'br', 'if-none-match': `"other", W/${first.headers.etag!}` });
    assert.deepEqual([fast.statusLine, fast.headers.etag, fast.body], ['HTTP/1.1 304 Not Modified', first.headers.etag, '']);
  });

  test('errors the fast lane hands to the route: bad query, refused origin, negative hit', async () => {
    const [badQuery] = await both('GET', oembedPath('https://example.com/p/x/'), { origin: SITE });
    const [refused] = await both('GET', oembedPath(POST), { origin: 'https://evil.example' });
    const [gone] = await both('GET', oembedPath('https://www.instagram.com/p/GoneGone01/'));
    assert.deepEqual([badQuery.statusLine, refused.statusLine, gone.statusLine],
      ['HTTP/1.1 400 Bad Request', 'HTTP/1.1 403 Forbidden', 'HTTP/1.1 404 Not Found']);
  });

  test('a throw: the same 500 JSON, the same error line and the same request line, from either error boundary', async () => {
    const path = oembedPath(POST);
    const lines: string[][] = [];
    for (const base of [h.base, h.honoBase!]) {
      const from = h.logs.length;
      h.clock.failure = new Error('clock broke');
      const res = await exchange(base, 'GET', path, { origin: SITE }).finally(() => { h.clock.failure = undefined; });
      assert.deepEqual([res.statusLine, JSON.parse(res.body)], ['HTTP/1.1 500 Internal Server Error', { error: { code: 'internal_error', message: 'The proxy failed unexpectedly.' } }]);
      lines.push(h.logs.slice(from));
      lines.push([masked(res)]);
    }
    const [fastLines, fastBytes, honoLines, honoBytes] = lines;
    assert.deepEqual(fastBytes, honoBytes);
    assert.deepEqual(fastLines!.map(stable), honoLines!.map(stable));
    assert.deepEqual(fastLines!.map(stable), [
      { level: 'error', msg: 'unhandled error', error: { name: 'Error', message: 'clock broke' } },
      { level: 'info', msg: 'request', method: 'GET', route: 'oembed', status: 500 },
    ]);
  });

  test('HEAD: the same status and header lines without a body (Hono sends them in name order)', async () => {
    // Hono answers HEAD by wrapping the GET answer in a new Response, whose Headers iterate sorted.
    const fast = await exchange(h.base, 'HEAD', oembedPath(POST), { 'accept-encoding': 'gzip' });
    const hono = await exchange(h.honoBase!, 'HEAD', oembedPath(POST), { 'accept-encoding': 'gzip' });
    const lines = (res: RawExchange) => masked(res).split('\r\n').sort();
    assert.deepEqual(lines(fast), lines(hono));
    assert.deepEqual([fast.statusLine, fast.body, fast.headers['content-encoding']], ['HTTP/1.1 200 OK', '', 'gzip']);
  });
});
