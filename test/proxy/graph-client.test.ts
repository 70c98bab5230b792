// createGraphClient over real HTTP against the fake Graph API: request shape, every outcome, the
// deadline, the body cap, and token handling with a canary token searched in every log line.
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { createFakeGraph, type FakeBehaviour } from '../support/fake-graph.js';
import {
  createGraphClient, retryAfterFrom, USER_AGENT, type GraphClient, type GraphOutcome, type OembedRequest,
} from '../../proxy/graph-client.js';
import { createLogger } from '../../proxy/log.js';
import { startFakeGraphServer, type FakeGraphServer } from '../support/fake-graph-server.js';

// Two canaries: one the fake accepts, one it rejects with code 190. Neither may appear in any log line.
const CANARY = '123456|CANARYSECRET';
const REJECTED_CANARY = '654321|CANARYREJECTED';
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../proxy/fixtures/graph/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const post = (shortcode: string, extra: Partial<OembedRequest> = {}): OembedRequest =>
  ({ url: `https://www.instagram.com/p/${shortcode}/`, hidecaption: false, ...extra });

let server: FakeGraphServer;
let lines: string[] = [];

/** The client gets a logger that does NOT redact, so the canary check proves the client never logs the token. */
function client(options: { accessToken?: string; timeoutMs?: number; graphApiUrl?: string; fetch?: typeof fetch } = {}): GraphClient {
  const log = createLogger({ secrets: [], write: (line) => lines.push(line) });
  return createGraphClient({ graphApiUrl: server.url, timeoutMs: 1000, log, ...options });
}

async function outcomeFor(behaviour: FakeBehaviour, options?: { accessToken?: string; timeoutMs?: number }): Promise<GraphOutcome> {
  server.fake.script('Scripted', behaviour);
  return client(options).fetchOembed(post('Scripted'));
}

/** outcome, status and cause of the one upstream log line written so far. */
function upstreamLine(): Record<string, unknown> {
  assert.equal(lines.length, 1, lines.join('\n'));
  const { outcome, status, cause } = JSON.parse(lines[0]!) as Record<string, unknown>;
  return { outcome, status, cause };
}

/** A 127.0.0.1 port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const probe = createNetServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

before(async () => {
  server = await startFakeGraphServer({ badToken: REJECTED_CANARY });
});
after(async () => {
  await server.close();
});
afterEach(() => {
  for (const line of lines) {
    assert.equal(/CANARY|123456%7C|654321%7C/i.test(line), false, `token leaked into a log line: ${line}`);
  }
  lines = [];
  server.fake.reset();
});

describe('request shape', () => {
  test('GETs {base}/instagram_oembed with url, omitscript=true and only the optional maxwidth/hidecaption', async () => {
    const c = client();
    await c.fetchOembed(post('fA9uwTtkSN'));
    await c.fetchOembed(post('fA9uwTtkSN', { maxwidth: 400, hidecaption: true }));
    const urls = server.fake.calls.map((call) => new URL(call.url));
    assert.equal(urls.length, 2);
    assert.equal(urls[0]!.pathname, '/v25.0/instagram_oembed');
    assert.deepEqual([...urls[0]!.searchParams], [['url', 'https://www.instagram.com/p/fA9uwTtkSN/'], ['omitscript', 'true']]);
    assert.deepEqual([...urls[1]!.searchParams], [
      ['url', 'https://www.instagram.com/p/fA9uwTtkSN/'], ['omitscript', 'true'], ['maxwidth', '400'], ['hidecaption', 'true'],
    ]);
    assert.equal(server.fake.calls.every((call) => call.method === 'GET'), true);
  });

  test('sends Accept and a normal User-Agent, and no Authorization header without a token', async () => {
    await client().fetchOembed(post('fA9uwTtkSN'));
    const headers = server.fake.calls[0]!.headers;
    assert.equal(headers.accept, 'application/json');
    assert.equal(headers['user-agent'], USER_AGENT);
    assert.equal(headers.authorization, undefined);
  });

  test('puts the token only in the Authorization header: never in the query, never as access_token or fields', async () => {
    const c = client({ accessToken: CANARY });
    assert.equal(c.usingToken, true);
    await c.fetchOembed(post('fA9uwTtkSN', { maxwidth: 500 }));
    const call = server.fake.calls[0]!;
    assert.equal(call.headers.authorization, `Bearer ${CANARY}`);
    assert.equal(call.url.includes('CANARY'), false);
    const params = new URL(call.url).searchParams;
    assert.equal(params.has('access_token'), false);
    assert.equal(params.has('fields'), false);
  });

  test('one log line per upstream call, with outcome, duration and status but no URL', async () => {
    await client().fetchOembed(post('fA9uwTtkSN'));
    assert.equal(lines.length, 1);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(record).sort(), ['level', 'ms', 'msg', 'outcome', 'status', 't', 'token'].sort());
    assert.equal(record.outcome, 'ok');
    assert.equal(record.status, 200);
    assert.equal(typeof record.ms, 'number');
    assert.equal(lines[0]!.includes('127.0.0.1'), false);
  });
});

describe('successful answers', () => {
  test('returns the validated 2026 body as Meta sent it (html not yet sanitised)', async () => {
    const outcome = await client().fetchOembed(post('DTxk5orCKEv'));
    const recorded = fixture('xperience-meta-embeds_2026-09_graph-v25_tokenless_reel_DTxk5orCKEv.json');
    // The client asked with omitscript=true, so the fake (like Meta) left the script tag out.
    const html = (recorded.html as string).replace(/\n<script[^>]*><\/script>$/, '');
    assert.deepEqual(outcome, { kind: 'ok', oembed: { ...recorded, html } });
  });

  test('keeps the legacy author and thumbnail fields when upstream still sends them', async () => {
    const outcome = await client().fetchOembed(post('B9bOM-6Ax_d'));
    assert.equal(outcome.kind, 'ok');
    const oembed = outcome.kind === 'ok' ? outcome.oembed : undefined;
    assert.equal(oembed?.author_name, 'ruby_eloquent');
    assert.equal(oembed?.thumbnail_width, 640);
    assert.equal(oembed?.thumbnail_height, 640);
    assert.equal(oembed?.thumbnail_url?.startsWith('https://scontent.cdninstagram.com/'), true);
  });

  test('drops legacy fields that are not well-typed, and non-https URLs, without failing the answer', async () => {
    const body = JSON.stringify({
      version: '1.0', type: 'rich', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', width: 658,
      html: '<blockquote class="instagram-media"></blockquote>', author_name: 42, author_url: 'javascript:alert(1)',
      thumbnail_url: 'http://insecure.example/t.jpg', thumbnail_width: '640', thumbnail_height: 640,
    });
    const outcome = await outcomeFor({ raw: { status: 200, body, headers: { 'content-type': 'application/json' } } });
    assert.deepEqual(outcome, {
      kind: 'ok',
      oembed: {
        version: '1.0', type: 'rich', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', width: 658,
        html: '<blockquote class="instagram-media"></blockquote>', thumbnail_height: 640,
      },
    });
  });

  describe('an answer that echoes the token is invalid, whatever field holds it, and the log line says so without it', () => {
    const answer = (extra: Record<string, unknown>) => ({
      raw: { status: 200, body: JSON.stringify({ version: '1.0', html: '<blockquote class="instagram-media">x</blockquote>', ...extra }) },
    });
    const cases: Array<[string, FakeBehaviour]> = [
      ['in a field', answer({ author_name: CANARY })],
      ['in the html', answer({ html: `<blockquote class="instagram-media">${CANARY}</blockquote>` })],
      ['JSON-escaped', { raw: { status: 200, body: '{"version":"1.0","html":"<blockquote class=\\"instagram-media\\">\\u0043ANARYSECRET</blockquote>"}' } }],
      ['only the secret half, in a field nobody serves', answer({ title: 'CANARYSECRET' })],
      ['in another letter case', answer({ provider_name: 'canarysecret' })],
      ['in a body that is not JSON', { raw: { status: 200, body: `<html>${CANARY}</html>` } }],
    ];
    for (const [where, behaviour] of cases) {
      test(where, async () => {
        assert.deepEqual(await outcomeFor(behaviour, { accessToken: CANARY }), { kind: 'invalid' });
        const line = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
        assert.deepEqual([line.msg, line.outcome, line.tokenEchoed], ['upstream call', 'invalid', true]);
      });
    }

    test('without a token there is nothing to echo: the same answer is ok', async () => {
      assert.equal((await outcomeFor(answer({ author_name: 'CANARYSECRET' }))).kind, 'ok');
    });
  });

  test('revealsToken finds the token or its secret half in any case, and nothing else', () => {
    const c = client({ accessToken: CANARY });
    assert.deepEqual(['x123456|CANARYSECRETx', 'canarysecret', '123456%7CCANARYSECRET', 'CANARYSECRE', '123456|', ''].map(c.revealsToken),
      [true, true, true, false, false, false]);
    assert.equal(client().revealsToken('123456|CANARYSECRET'), false);
  });

  test('a 200 whose html is missing or not a string is invalid', async () => {
    assert.deepEqual(await outcomeFor({ raw: { status: 200, body: '{"version":"1.0","type":"rich","width":658}' } }), { kind: 'invalid' });
    assert.deepEqual(await outcomeFor({ raw: { status: 200, body: '{"version":"1.0","html":["<p>"]}' } }), { kind: 'invalid' });
    assert.deepEqual(await outcomeFor({ raw: { status: 200, body: '[]' } }), { kind: 'invalid' });
  });
});

describe('Graph errors are mapped by code, not by HTTP status', () => {
  const cases: Array<[string, FakeBehaviour, GraphOutcome]> = [
    ['24/2207045 (recorded) → not_embeddable', 'not_embeddable', { kind: 'not_embeddable' }],
    ['100/2207049 at HTTP 500 → invalid_param', { graphError: { code: 100, subcode: 2207049, status: 500 } }, { kind: 'invalid_param' }],
    ['100/2207047 → invalid_url', { graphError: { code: 100, subcode: 2207047 } }, { kind: 'invalid_url' }],
    ['24 with another subcode → error', { graphError: { code: 24, subcode: 1 } }, { kind: 'error' }],
    ['100 without subcode → error', { graphError: { code: 100 } }, { kind: 'error' }],
    ['code 1 → transient', { graphError: { code: 1 } }, { kind: 'transient' }],
    ['code 2, is_transient (fake "transient") → transient', 'transient', { kind: 'transient' }],
    ['an unknown code flagged is_transient → transient', { graphError: { code: 9007, isTransient: true } }, { kind: 'transient' }],
    ['an unknown permanent code at HTTP 200 → error', { graphError: { code: 12345, status: 200 } }, { kind: 'error' }],
    ['code 368 → rate_limited for an hour', { rateLimit: { code: 368 } }, { kind: 'rate_limited', retryAfterSeconds: 3600 }],
    ['HTTP 500 with an HTML body → transient', 'http_500', { kind: 'transient' }],
    ['HTTP 503 with an empty body → transient', { raw: { status: 503, body: '' } }, { kind: 'transient' }],
    ['HTTP 404 with a non-Graph JSON body → invalid', { raw: { status: 404, body: '{"message":"no"}' } }, { kind: 'invalid' }],
  ];
  for (const [name, behaviour, expected] of cases) {
    test(name, async () => {
      assert.deepEqual(await outcomeFor(behaviour), expected);
      });
  }

  for (const code of [4, 17, 32, 613, 80000, 80001, 80014]) {
    test(`rate-limit code ${code} → rate_limited, 60 s without hints`, async () => {
      assert.deepEqual(await outcomeFor({ rateLimit: { code } }), { kind: 'rate_limited', retryAfterSeconds: 60 });
      });
  }

  test('80015 is outside the rate-limit range → error', async () => {
    assert.deepEqual(await outcomeFor({ graphError: { code: 80015 } }), { kind: 'error' });
  });

  test('Retry-After wins over usage headers', async () => {
    const outcome = await outcomeFor({ rateLimit: { code: 4, retryAfter: '120', appUsage: '{"estimated_time_to_regain_access":9}' } });
    assert.deepEqual(outcome, { kind: 'rate_limited', retryAfterSeconds: 120 });
  });

  test('estimated_time_to_regain_access (minutes) in X-Business-Use-Case-Usage gives the wait', async () => {
    const usage = JSON.stringify({ 17841400000000: [{ type: 'instagram', call_count: 100, total_cputime: 3, total_time: 4, estimated_time_to_regain_access: 7 }] });
    const outcome = await outcomeFor({ rateLimit: { code: 80002, businessUseCaseUsage: usage } });
    assert.deepEqual(outcome, { kind: 'rate_limited', retryAfterSeconds: 420 });
  });

  test('estimated_time_to_regain_access in X-App-Usage gives the wait; malformed usage falls back to 60 s', async () => {
    assert.deepEqual(await outcomeFor({ rateLimit: { code: 4, appUsage: '{"call_count":100,"estimated_time_to_regain_access":2}' } }),
      { kind: 'rate_limited', retryAfterSeconds: 120 });
    assert.deepEqual(await outcomeFor({ rateLimit: { code: 4, appUsage: '{not json' } }), { kind: 'rate_limited', retryAfterSeconds: 60 });
  });

  test('retryAfterFrom reads an HTTP-date Retry-After', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterFrom(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:01:30 GMT' }), now), 90);
    assert.equal(retryAfterFrom(new Headers({ 'retry-after': 'soon' }), now), 60);
    assert.equal(retryAfterFrom(new Headers({ 'retry-after': '0' }), now), 1);
  });
});

describe('transport failures', () => {
  test('a hanging upstream times out at the deadline, not later', async () => {
    const started = performance.now();
    const outcome = await outcomeFor('hang', { timeoutMs: 300 });
    const elapsed = performance.now() - started;
    assert.deepEqual(outcome, { kind: 'timeout' });
    assert.equal(elapsed >= 290 && elapsed < 1000, true, `took ${elapsed} ms`);
  });

  test('the deadline covers the body: headers at once, then a slow drip, is a timeout', async () => {
    const started = performance.now();
    // 10 chunks, 100 ms apart: about 1 s in total, against a 400 ms deadline.
    const outcome = await outcomeFor({ dripMs: 100, chunks: 10 }, { timeoutMs: 400 });
    const elapsed = performance.now() - started;
    assert.deepEqual(outcome, { kind: 'timeout' });
    assert.equal(elapsed < 900, true, `took ${elapsed} ms`);
  });

  test('a drip that finishes inside the deadline succeeds', async () => {
    const outcome = await outcomeFor({ dripMs: 10, chunks: 5 }, { timeoutMs: 2000 });
    assert.equal(outcome.kind, 'ok');
  });

  test('a reset connection is transient, and the log line names undici\'s socket error', async () => {
    assert.deepEqual(await outcomeFor('reset'), { kind: 'transient' });
    assert.deepEqual(upstreamLine(), { outcome: 'transient', status: null, cause: 'UND_ERR_SOCKET' });
  });

  test('a refused connection is transient, and the log line says ECONNREFUSED', async () => {
    // A port that was just free: nothing listens there. (Port 1 would not do: fetch refuses it as a "bad port" before connecting.)
    const c = client({ graphApiUrl: `http://127.0.0.1:${await closedPort()}/v25.0` });
    assert.deepEqual(await c.fetchOembed(post('fA9uwTtkSN')), { kind: 'transient' });
    assert.deepEqual(upstreamLine(), { outcome: 'transient', status: null, cause: 'ECONNREFUSED' });
  });

  test('a TLS failure is transient, and the log line carries the TLS error code', async () => {
    // https:// to the fake's plain-HTTP port: the handshake fails on the first bytes.
    const c = client({ graphApiUrl: server.url.replace('http:', 'https:') });
    assert.deepEqual(await c.fetchOembed(post('fA9uwTtkSN')), { kind: 'transient' });
    const line = upstreamLine();
    assert.deepEqual([line.outcome, line.status], ['transient', null]);
    assert.match(String(line.cause), /^ERR_SSL_[A-Z_]+$/);
  });

  test('a deadline, an answer or a Graph error has no cause field', async () => {
    await outcomeFor('hang', { timeoutMs: 150 });
    await outcomeFor('transient');
    await outcomeFor('ok');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as Record<string, unknown>).cause), [undefined, undefined, undefined]);
  });

  test('a body over 256 KiB, streamed without Content-Length, is invalid', async () => {
    assert.deepEqual(await outcomeFor('huge'), { kind: 'invalid' });
  });

  test('a declared Content-Length over 256 KiB is invalid before reading', async () => {
    const body = JSON.stringify({ html: 'x'.repeat(300 * 1024) });
    assert.deepEqual(await outcomeFor({ raw: { status: 200, body } }), { kind: 'invalid' });
  });

  test('a non-JSON 200 is invalid', async () => {
    assert.deepEqual(await outcomeFor('non_json'), { kind: 'invalid' });
  });

  test('a redirect is not followed and is invalid', async () => {
    assert.deepEqual(await outcomeFor('redirect'), { kind: 'invalid' });
    assert.deepEqual(server.fake.calls.map((call) => new URL(call.url).pathname), ['/v25.0/instagram_oembed']);
  });

  test('an injected fetch that ignores the abort signal still meets the deadline', async () => {
    const never: typeof fetch = () => new Promise<Response>(() => {});
    const c = client({ timeoutMs: 150, fetch: never });
    assert.deepEqual(await c.fetchOembed(post('fA9uwTtkSN')), { kind: 'timeout' });
  });

  test('a fetch that throws synchronously is transient: fetchOembed never throws', async () => {
    const throwing = (() => { throw new Error('boom'); }) as unknown as typeof fetch;
    const c = client({ timeoutMs: 150, fetch: throwing });
    assert.deepEqual(await c.fetchOembed(post('fA9uwTtkSN')), { kind: 'transient' });
  });
});

describe('in-process fake (fixtures mode)', () => {
  test('the fake is a drop-in fetch: ok, errors, reset as a TypeError and hang as a timeout', async () => {
    const fake = createFakeGraph();
    const c = client({ graphApiUrl: 'https://graph.facebook.com/v25.0', timeoutMs: 200, fetch: fake.fetch });
    assert.equal((await c.fetchOembed(post('Anything_1'))).kind, 'ok');
    assert.deepEqual(await c.fetchOembed(post('NotEmbeddable')), { kind: 'not_embeddable' });
    assert.deepEqual(await c.fetchOembed(post('FailingPost')), { kind: 'transient' });
    fake.script('Gone', 'reset');
    assert.deepEqual(await c.fetchOembed(post('Gone')), { kind: 'transient' });
    fake.script('Stuck', 'hang');
    assert.deepEqual(await c.fetchOembed(post('Stuck')), { kind: 'timeout' });
    fake.reset();
  });
});

describe('a rejected token (code 190)', () => {
  test('retries the same request tokenless at once, returns that answer, and stays tokenless', async () => {
    const c = client({ accessToken: REJECTED_CANARY });
    assert.equal(c.usingToken, true);
    assert.equal((await c.fetchOembed(post('fA9uwTtkSN'))).kind, 'ok');
    assert.equal(c.usingToken, false);
    const [first, retry] = server.fake.calls;
    assert.equal(server.fake.calls.length, 2);
    assert.equal(first!.headers.authorization, `Bearer ${REJECTED_CANARY}`);
    assert.equal(retry!.headers.authorization, undefined);
    assert.equal(retry!.url, first!.url);

    assert.equal((await c.fetchOembed(post('DTxk5orCKEv'))).kind, 'ok');
    assert.equal(server.fake.calls.length, 3);
    assert.equal(server.fake.calls[2]!.headers.authorization, undefined);

    const errors = lines.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((l) => l.level === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.msg, /META_ACCESS_TOKEN/);
  });

  test('the tokenless retry answers for itself: a not-embeddable post stays not_embeddable', async () => {
    const c = client({ accessToken: REJECTED_CANARY });
    assert.deepEqual(await c.fetchOembed(post('NotEmbeddable')), { kind: 'not_embeddable' });
    assert.equal(server.fake.calls.length, 2);
  });

  test('a 190 on a tokenless call is a plain error, not a retry loop', async () => {
    assert.deepEqual(await outcomeFor('bad_token'), { kind: 'error' });
    assert.equal(server.fake.calls.length, 1);
  });

  test('concurrent calls that all see 190 log once and all get the tokenless answer', async () => {
    server.fake.script('*', { holdUntilCalls: 3 });
    const c = client({ accessToken: REJECTED_CANARY, timeoutMs: 2000 });
    const outcomes = await Promise.all([c.fetchOembed(post('a1')), c.fetchOembed(post('a2')), c.fetchOembed(post('a3'))]);
    assert.deepEqual(outcomes.map((o) => o.kind), ['ok', 'ok', 'ok']);
    assert.equal(lines.filter((line) => line.includes('"level":"error"')).length, 1);
    assert.equal(server.fake.calls.filter((call) => call.headers.authorization === undefined).length, 3);
  });

});
