// The fake Graph API answers like the recordings, byte for byte: in-process for fixtures mode
// (proxy/fake-graph.ts), and over HTTP with the tests' scripts behaving as documented (test/support/fake-graph.ts).
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { after, afterEach, before, describe, test } from 'node:test';
import { createFixturesGraph, DEMO_SHORTCODES, metaJson } from '../../proxy/fake-graph.js';
import { createFakeGraph } from '../support/fake-graph.js';
import { startFakeGraphServer, type FakeGraphServer } from '../support/fake-graph-server.js';

const FIXTURES = new URL('../../proxy/fixtures/graph/', import.meta.url);
const recording = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
const ERA_A_POST = 'xperience-meta-embeds_2026-09_graph-v25_tokenless_p_fA9uwTtkSN.json';

let server: FakeGraphServer;
const ask = (params: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/instagram_oembed?${new URLSearchParams(params).toString()}`, { headers });

before(async () => {
  server = await startFakeGraphServer();
});
after(async () => {
  await server.close();
});
afterEach(() => server.fake.reset());

describe('recorded posts', () => {
  const recorded: Array<[string, string]> = [
    ['https://www.instagram.com/p/fA9uwTtkSN/', ERA_A_POST],
    ['https://www.instagram.com/reel/DTxk5orCKEv/', 'xperience-meta-embeds_2026-09_graph-v25_tokenless_reel_DTxk5orCKEv.json'],
    ['https://www.instagram.com/p/B9bOM-6Ax_d/?igshid=1mn51zsvrhoiq', 'ruby-oembed_2020-12_graph-v9_p_B9bOM-6Ax_d.json'],
    ['https://www.instagram.com/reel/CIyNZQhH4DQ/', 'ruby-oembed_2020-12_graph-v9_reel_CIyNZQhH4DQ.json'],
    ['https://www.instagram.com/tv/CCX-gcHArcJ/', 'ruby-oembed_2020-12_graph-v9_tv_CCX-gcHArcJ.json'],
    ['https://www.instagram.com/p/CARbvuYDm3Q', 'discourse-onebox_2020-11_graph-v9_p_CARbvuYDm3Q_natgeo.json'],
  ];
  for (const [url, file] of recorded) {
    test(`${url} answers 200 with ${file} byte for byte`, async () => {
      const response = await ask({ url });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), recording(file));
    });
  }

  test('the instagr.am spelling of a recorded post gets the same recording, as upstream normalises it', async () => {
    const response = await ask({ url: 'http://instagr.am/p/B9bOM-6Ax_d/' });
    assert.equal(await response.text(), recording('ruby-oembed_2020-12_graph-v9_p_B9bOM-6Ax_d.json'));
  });

  test("metaJson reproduces Meta's serialisation of every compact recording", () => {
    const compact = readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && !f.includes('headers') && !f.startsWith('discourse') && !f.includes('secondary'));
    assert.equal(compact.length, 9);
    for (const file of compact) assert.equal(metaJson(JSON.parse(recording(file))), recording(file), file);
  });

  test('success headers are like Meta\'s, with X-App-Usage only on token calls', async () => {
    const tokenless = await ask({ url: 'https://www.instagram.com/p/fA9uwTtkSN/' });
    assert.equal(tokenless.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.equal(tokenless.headers.get('cache-control'), 'private, no-cache, no-store, must-revalidate');
    assert.equal(tokenless.headers.get('x-app-usage'), null);
    const withToken = await ask({ url: 'https://www.instagram.com/p/fA9uwTtkSN/' }, { authorization: 'Bearer 1234|goodsecret' });
    assert.equal(withToken.headers.get('x-app-usage'), '{"call_count":0,"total_cputime":0,"total_time":0}');
  });
});

describe('parameters', () => {
  test('omitscript, maxwidth and hidecaption transform the recording the way Meta does', async () => {
    const response = await ask({ url: 'https://www.instagram.com/p/fA9uwTtkSN/', omitscript: 'true', maxwidth: '400', hidecaption: 'true' });
    const expected = JSON.parse(recording(ERA_A_POST)) as { html: string; width: number };
    expected.width = 400;
    expected.html = expected.html.replace('max-width:658px', 'max-width:400px').replace(' data-instgrm-captioned', '')
      .replace('\n<script async src="//platform.instagram.com/en_US/embeds.js"></script>', '');
    assert.equal(await response.text(), metaJson(expected));
  });

  test('any other well-formed post gets the 2026 HTML with its own permalink and kind', async () => {
    const body = await (await ask({ url: 'https://instagram.com/someone/reels/Zz_9-x/?igshid=1', omitscript: '1' })).json() as { html: string };
    const permalinks = body.html.match(/https:\/\/www\.instagram\.com\/[a-z]+\/[^/]+\//g);
    assert.deepEqual(new Set(permalinks), new Set(['https://www.instagram.com/reel/Zz_9-x/']));
    assert.equal(body.html.includes('<script'), false);
    assert.equal(body.html.includes('data-instgrm-captioned'), true);
  });

  const errors: Array<[string, Record<string, string>, string]> = [
    ['a profile URL', { url: 'https://www.instagram.com/natgeo/' }, 'error_xperience_2026_code100_2207047_invalid-url.json'],
    ['a non-Instagram URL', { url: 'https://example.com/p/abc/' }, 'error_xperience_2026_code100_2207047_invalid-url.json'],
    ['maxwidth 319', { url: 'https://www.instagram.com/p/abc/', maxwidth: '319' }, 'error_xperience_2026_code100_2207049_invalid-maxwidth.json'],
    ['maxwidth 659', { url: 'https://www.instagram.com/p/abc/', maxwidth: '659' }, 'error_xperience_2026_code100_2207049_invalid-maxwidth.json'],
    ['maxwidth 4e2', { url: 'https://www.instagram.com/p/abc/', maxwidth: '4e2' }, 'error_xperience_2026_code100_2207049_invalid-maxwidth.json'],
    ['the NotEmbeddable demo post', { url: 'https://www.instagram.com/p/NotEmbeddable/' }, 'error_xperience_2026_code24_2207045_media-not-found.json'],
  ];
  for (const [name, params, file] of errors) {
    test(`${name} answers HTTP 400 with ${file} byte for byte`, async () => {
      const response = await ask(params);
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('content-type'), 'application/json; charset=UTF-8');
      assert.equal(await response.text(), recording(file));
    });
  }

  test('a missing url, a fields parameter and a bad token answer with Graph error envelopes', async () => {
    const codes = async (params: Record<string, string>, headers?: Record<string, string>) => {
      const response = await ask(params, headers);
      return [response.status, ((await response.json()) as { error: { code: number } }).error.code];
    };
    assert.deepEqual(await codes({}), [400, 100]);
    assert.deepEqual(await codes({ url: 'https://www.instagram.com/p/abc/', fields: 'thumbnail_url' }), [400, 200]);
    assert.deepEqual(await codes({ url: 'https://www.instagram.com/p/abc/' }, { authorization: 'Bearer 1234|bad' }), [400, 190]);
  });
});

describe('scripts', () => {
  test('demo shortcodes: NotEmbeddable, SlowPost (2.5 s) and FailingPost (code 2, transient)', async () => {
    assert.deepEqual(DEMO_SHORTCODES, { NotEmbeddable: 'not_embeddable', SlowPost: { delayMs: 2500 }, FailingPost: 'transient' });
    const failing = await (await ask({ url: 'https://www.instagram.com/p/FailingPost/' })).json();
    assert.deepEqual((failing as { error: Record<string, unknown> }).error.code, 2);
    assert.deepEqual((failing as { error: Record<string, unknown> }).error.is_transient, true);
  });

  test('a sequence answers call by call and repeats its last entry', async () => {
    server.fake.script('Seq', { sequence: ['ok', 'not_embeddable'] });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await ask({ url: 'https://www.instagram.com/p/Seq/' })).status);
    assert.deepEqual(statuses, [200, 400, 400]);
  });

  test('holdUntilCalls holds every answer until that many requests arrived, then answers all', async () => {
    server.fake.script('Held', { holdUntilCalls: 3 });
    const answered: number[] = [];
    const requests = [0, 1].map((i) => ask({ url: 'https://www.instagram.com/p/Held/' }).then((r) => { answered.push(i); return r.status; }));
    await server.fake.waitForCalls(2);
    // An unheld post answers meanwhile: the held two are still waiting.
    assert.equal((await ask({ url: 'https://www.instagram.com/p/Free/' })).status, 200);
    assert.deepEqual(answered, []);
    const third = await ask({ url: 'https://www.instagram.com/p/Held/' });
    assert.deepEqual([...(await Promise.all(requests)), third.status], [200, 200, 200]);
  });

  test('holdUntil waits for a promise the test settles', async () => {
    let release!: () => void;
    server.fake.script('Gate', { holdUntil: new Promise<void>((resolve) => { release = resolve; }), then: 'transient' });
    const pending = ask({ url: 'https://www.instagram.com/p/Gate/' });
    await server.fake.waitForCalls(1);
    release();
    assert.equal(((await (await pending).json()) as { error: { code: number } }).error.code, 2);
  });

  test('delayMs answers after the delay', async () => {
    server.fake.script('Slow', { delayMs: 60 });
    const started = performance.now();
    assert.equal((await ask({ url: 'https://www.instagram.com/p/Slow/' })).status, 200);
    assert.equal(performance.now() - started >= 55, true);
  });

  test("'*' scripts every post without its own script", async () => {
    server.fake.script('*', 'http_500');
    assert.equal((await ask({ url: 'https://www.instagram.com/p/anything/' })).status, 500);
    assert.equal((await ask({ url: 'https://www.instagram.com/p/NotEmbeddable/' })).status, 400);
  });

  test('reset() fails a hanging answer (the socket closes) and restores the demo scripts', async () => {
    server.fake.script('NotEmbeddable', 'ok');
    server.fake.script('Stuck', 'hang');
    const hanging = ask({ url: 'https://www.instagram.com/p/Stuck/' }).then(() => 'answered', () => 'connection closed');
    await server.fake.waitForCalls(1);
    server.fake.reset();
    assert.equal(await hanging, 'connection closed');
    assert.equal((await ask({ url: 'https://www.instagram.com/p/NotEmbeddable/' })).status, 400);
    assert.equal(server.fake.calls.length, 1);
  });

  test('in-process, reset rejects fetch with a TypeError like a dropped connection', async () => {
    const fake = createFakeGraph();
    fake.script('Gone', 'reset');
    await assert.rejects(fake.fetch('https://graph.facebook.com/v25.0/instagram_oembed?url=https://www.instagram.com/p/Gone/'), TypeError);
    assert.equal(fake.calls.length, 1);
  });

  test('nonCanonical records every url parameter the proxy should never send, answered or not; reset() clears it', async () => {
    const sent = ['https://www.instagram.com/p/abc/', 'https://instagram.com/p/abc', 'https://www.instagram.com/reels/abc/',
      'https://www.instagram.com/p/abc/?igshid=1', 'https://example.com/p/abc/'];
    for (const url of sent) await ask({ url });
    assert.deepEqual(server.fake.nonCanonical, sent.slice(1));
    server.fake.reset();
    assert.deepEqual(server.fake.nonCanonical, []);
  });

  test('calls record the method, full URL and lower-cased headers', async () => {
    await ask({ url: 'https://www.instagram.com/p/abc/' }, { Authorization: 'Bearer 1|x', 'User-Agent': 'test' });
    const [call] = server.fake.calls;
    assert.equal(call?.method, 'GET');
    assert.equal(call?.url, `${server.url}/instagram_oembed?url=https%3A%2F%2Fwww.instagram.com%2Fp%2Fabc%2F`);
    assert.equal(call?.headers.authorization, 'Bearer 1|x');
    assert.equal(call?.headers['user-agent'], 'test');
  });
});

describe('fixtures mode (the shipped, in-process fake)', () => {
  const fixtures = createFixturesGraph();
  const graph = (params: Record<string, string>, init?: RequestInit) =>
    fixtures.fetch(`https://graph.facebook.com/v25.0/instagram_oembed?${new URLSearchParams(params).toString()}`, init);

  test('a recorded post answers with its recording byte for byte, any other post with the 2026 HTML for its permalink', async () => {
    const recorded = await graph({ url: 'https://www.instagram.com/reel/DTxk5orCKEv/' });
    assert.equal(recorded.status, 200);
    assert.equal(await recorded.text(), recording('xperience-meta-embeds_2026-09_graph-v25_tokenless_reel_DTxk5orCKEv.json'));
    const other = (await (await graph({ url: 'https://www.instagram.com/reel/Other_1/', omitscript: 'true' })).json()) as { html: string };
    assert.deepEqual(new Set(other.html.match(/https:\/\/www\.instagram\.com\/[a-z]+\/[^/]+\//g)), new Set(['https://www.instagram.com/reel/Other_1/']));
  });

  test('a 2020 recording answers without its expired Meta CDN thumbnail, every other field as recorded', async () => {
    for (const [url, file] of [
      ['https://www.instagram.com/tv/CCX-gcHArcJ/', 'ruby-oembed_2020-12_graph-v9_tv_CCX-gcHArcJ.json'],
      ['https://www.instagram.com/p/CARbvuYDm3Q/', 'discourse-onebox_2020-11_graph-v9_p_CARbvuYDm3Q_natgeo.json'],
    ] as const) {
      const answer = await graph({ url });
      const text = await answer.text();
      assert.equal(answer.status, 200);
      assert.doesNotMatch(text, /cdninstagram|fbcdn/);
      const recorded = JSON.parse(recording(file)) as Record<string, unknown>;
      assert.match(String(recorded.thumbnail_url), /^https:\/\/scontent\.cdninstagram\.com\//);
      const { thumbnail_url: _url, thumbnail_width: _width, thumbnail_height: _height, ...rest } = recorded;
      assert.equal(text, metaJson(rest));
    }
  });

  test('bad input gets Meta\'s recorded errors', async () => {
    const invalid = await graph({ url: 'https://www.instagram.com/natgeo/' });
    assert.equal(invalid.status, 400);
    assert.equal(await invalid.text(), recording('error_xperience_2026_code100_2207047_invalid-url.json'));
    assert.equal(await (await graph({ url: 'https://www.instagram.com/p/abc/', maxwidth: '700' })).text(),
      recording('error_xperience_2026_code100_2207049_invalid-maxwidth.json'));
  });

  test('the demo shortcodes: NotEmbeddable is code 24, FailingPost code 2 (transient), SlowPost is late', async () => {
    const gone = await graph({ url: 'https://www.instagram.com/p/NotEmbeddable/' });
    assert.equal(gone.status, 400);
    assert.equal(await gone.text(), recording('error_xperience_2026_code24_2207045_media-not-found.json'));
    const failing = (await (await graph({ url: 'https://www.instagram.com/p/FailingPost/' })).json()) as { error: { code: number; is_transient: boolean } };
    assert.deepEqual([failing.error.code, failing.error.is_transient], [2, true]);
    // Not answered within 100 ms (its delay is 2.5 s), and the caller's abort ends the wait.
    await assert.rejects(graph({ url: 'https://www.instagram.com/p/SlowPost/' }, { signal: AbortSignal.timeout(100) }), { name: 'TimeoutError' });
  });

  test('shortcodes named like Object.prototype members are ordinary posts', async () => {
    assert.equal((await graph({ url: 'https://www.instagram.com/p/constructor/' })).status, 200);
  });
});
