/**
 * The quota shared fairly, over real HTTP with two client addresses (127.0.0.1 and 127.0.0.2): one client
 * spending as fast as its limits allow leaves the budget to others, and one failing post neither drains
 * the quota nor holds the breaker open.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { errorOf, oembedPath, startHarness, type Harness } from './harness.js';

const post = (code: string) => `https://www.instagram.com/p/${code}/`;
const A = '127.0.0.1';
const B = '127.0.0.2';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const health = async () => JSON.parse((await h!.get('/healthz')).text) as { breaker: string };
const rejected = async (reason: string) =>
  Number(new RegExp(`^igembed_rejected_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec((await h!.get('/metrics')).text)?.[1] ?? 0);

/** Client `from` asks for new posts until the proxy refuses one; the statuses it got, in order. */
async function spendAsFastAsAllowed(from: string, prefix: string, max = 200): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < max; i++) {
    const res = await h!.get(oembedPath(post(`${prefix}${i}`)), {}, 'GET', from);
    statuses.push(res.status);
    if (res.status !== 200) break;
  }
  return statuses;
}

describe('each client gets a share of the upstream budget', () => {
  test('a client spending as fast as its limits allow cannot stop a second client\'s new post (budget 75)', async () => {
    // The finding: with no share, one address spent all 75 and the next address got 503, Retry-After 3553.
    h = await startHarness({ UPSTREAM_BUDGET_PER_HOUR: '75' });
    const statuses = await spendAsFastAsAllowed(A, 'Drain');
    // Default share 0.05 of 75 → 3 calls, then 429 with the wait for the next one (3 an hour: one every 20 minutes).
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const refused = await h.get(oembedPath(post('Drain9')), {}, 'GET', A);
    assert.deepEqual([refused.status, errorOf(refused).code, refused.headers['retry-after']], [429, 'rate_limited', '1200']);
    const other = await h.get(oembedPath(post('NewForB')), {}, 'GET', B);
    assert.deepEqual([other.status, other.headers['x-cache']], [200, 'MISS']);
    assert.equal(h.calls, 4);
    assert.equal(await rejected('client_share'), 2);
  });

  test('with the default tokenless budget one address gets 45 new posts an hour, and its cached ones keep coming', async () => {
    h = await startHarness({ META_ACCESS_TOKEN: '', RATE_LIMIT_MISSES_PER_MIN: '1000' });
    const statuses = await spendAsFastAsAllowed(A, 'Reader');
    assert.deepEqual([statuses.filter((s) => s === 200).length, statuses.at(-1)], [45, 429]);
    const hit = await h.get(oembedPath(post('Reader0')), {}, 'GET', A);
    assert.deepEqual([hit.status, hit.headers['x-cache']], [200, 'HIT']);
    assert.equal((await h.get(oembedPath(post('Fresh')), {}, 'GET', B)).status, 200);
    // An hour later the share has refilled.
    h.clock.advance(3_600_000);
    assert.equal((await spendAsFastAsAllowed(A, 'Later')).filter((s) => s === 200).length, 45);
  });

  test('an exempt address (UPSTREAM_SHARE_EXEMPT) is held only by the global budget', async () => {
    h = await startHarness({ UPSTREAM_BUDGET_PER_HOUR: '20', UPSTREAM_SHARE_EXEMPT: `${B}, 10.0.0.0/8` });
    assert.deepEqual((await spendAsFastAsAllowed(B, 'Renderer', 30)).filter((s) => s === 200).length, 20);
    const spent = await h.get(oembedPath(post('After')), {}, 'GET', A);
    assert.deepEqual([spent.status, errorOf(spent).code], [503, 'upstream_unavailable']);
  });

  test('UPSTREAM_SHARE_PER_CLIENT=1 turns the share off', async () => {
    h = await startHarness({ UPSTREAM_BUDGET_PER_HOUR: '10', UPSTREAM_SHARE_PER_CLIENT: '1' });
    assert.deepEqual((await spendAsFastAsAllowed(A, 'All', 20)).filter((s) => s === 200).length, 10);
  });

  test('IPv6 clients count by /64, for the share and the miss limit alike (TRUST_PROXY=1)', async () => {
    h = await startHarness({ TRUST_PROXY: '1', UPSTREAM_BUDGET_PER_HOUR: '40', RATE_LIMIT_MISSES_PER_MIN: '3' });
    const from = (address: string, code: string) => h!.get(oembedPath(post(code)), { 'x-forwarded-for': address });
    // Share 0.05 × 40 = 2 calls; three addresses of one /64 are one client.
    const sameNet = [await from('2001:db8:1:2::1', 'V1'), await from('2001:db8:1:2::ffff', 'V2'), await from('2001:db8:1:2:abcd::9', 'V3')];
    assert.deepEqual(sameNet.map((r) => r.status), [200, 200, 429]);
    assert.equal((await from('2001:db8:1:3::1', 'V4')).status, 200, 'the next /64 is another client');
    // The miss limit (3 a minute) counts the /64 too: two more misses from it, any address, make the third and fourth.
    const limited = [await from('2001:db8:1:2::2', 'V1'), await from('2001:db8:1:2::3', 'V5'), await from('2001:db8:1:2::4', 'V6')];
    assert.deepEqual(limited.map((r) => [r.status, errorOf(r)?.code ?? r.headers['x-cache']]), [[200, 'HIT'], [429, 'rate_limited'], [429, 'rate_limited']]);
  });

  test('misses arriving with X-Forwarded-For while TRUST_PROXY=0 are reported once', async () => {
    h = await startHarness({ RATE_LIMIT_MISSES_PER_MIN: '1000', UPSTREAM_SHARE_PER_CLIENT: '1' });
    for (let i = 0; i < 30; i++) await h.get(oembedPath(post(`Fwd${i}`)), { 'x-forwarded-for': `198.51.100.${i}` });
    const warnings = h.logs.filter((line) => line.includes('TRUST_PROXY=0'));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /"level":"warn"/);
  });
});

describe('the breaker measures Meta, not one post', () => {
  test('12 requests for one failing post cost ≤ 6 upstream calls and leave the breaker closed for other posts', async () => {
    // The finding: five failures of one post opened the breaker for every post.
    h = await startHarness();
    h.upstream.fake.script('Broken', 'transient');
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await h.get(oembedPath(post('Broken')), {}, 'GET', i % 2 ? A : B));
    assert.deepEqual(new Set(answers.map((r) => `${r.status} ${errorOf(r).code}`)), new Set(['503 upstream_unavailable']));
    assert.equal(h.calls, 2);
    assert.equal(answers.at(-1)!.headers['retry-after'], '30');
    assert.equal((await health()).breaker, 'closed');
    assert.equal((await h.get(oembedPath(post('Healthy')))).status, 200);
    assert.equal(await rejected('key_backoff'), 10);
  });

  test('answers our sanitiser rejects (a permalink naming another post) count for the post, never the breaker', async () => {
    h = await startHarness();
    const html = '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/Someone/">x</blockquote>';
    for (const code of ['Mismatch1', 'Mismatch2', 'Mismatch3', 'Mismatch4']) {
      h.upstream.fake.script(code, { raw: { status: 200, body: JSON.stringify({ version: '1.0', type: 'rich', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', width: 658, html }) } });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await h.get(oembedPath(post(code)))).status);
      // Two unusable answers in a row, then the post's back-off answers without a call.
      assert.deepEqual(statuses, [502, 502, 503]);
    }
    assert.equal(h.calls, 8);
    assert.equal((await health()).breaker, 'closed');
    assert.equal((await h.get(oembedPath(post('Healthy')))).status, 200);
  });

  test('failures of 3 distinct posts still open it; the next new post gets 503 without an upstream call', async () => {
    h = await startHarness();
    h.upstream.fake.script('*', 'transient');
    for (const code of ['Down1', 'Down2', 'Down3']) assert.equal((await h.get(oembedPath(post(code)))).status, 503);
    assert.equal((await health()).breaker, 'open');
    const refused = await h.get(oembedPath(post('New')));
    assert.deepEqual([refused.status, errorOf(refused).code, h.calls], [503, 'upstream_unavailable', 3]);
    assert.equal(await rejected('breaker_open'), 1);
  });

  test('a client polling its failing post cannot take the half-open probe: another post does, and closes the breaker', async () => {
    // The finding: polling one failing post once a second won every probe, so the breaker stayed open for minutes.
    h = await startHarness();
    h.upstream.fake.script('*', 'transient');
    for (const code of ['Down1', 'Down2', 'Poll', 'Poll']) await h.get(oembedPath(post(code)), {}, 'GET', A);
    assert.equal((await health()).breaker, 'open');
    h.upstream.fake.script('*', 'ok');
    h.upstream.fake.script('Poll', 'transient');
    const calls = h.calls;
    for (let second = 0; second < 12; second++) {
      h.clock.advance(1000);
      assert.equal((await h.get(oembedPath(post('Poll')), {}, 'GET', A)).status, 503);
    }
    assert.equal(h.calls, calls, 'the polled post in back-off made no call, probe or not');
    assert.equal((await h.get(oembedPath(post('Visitor')), {}, 'GET', B)).status, 200);
    assert.equal((await health()).breaker, 'closed');
  });
});
