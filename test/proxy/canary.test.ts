// The suite-wide token canary: every harness runs with CANARY_TOKEN, and close() fails if it leaked anywhere.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoSecrets, CANARY_TOKEN, oembedPath, startHarness } from './harness.js';

const post = (code: string) => `https://www.instagram.com/p/${code}/`;

describe('the harness token canary', () => {
  test('a harness runs with the canary token by default, sent upstream as Authorization: Bearer', async () => {
    const h = await startHarness();
    try {
      assert.equal(h.config.accessToken, CANARY_TOKEN);
      assert.equal(JSON.parse((await h.get('/healthz')).text).token, true);
      assert.equal((await h.get(oembedPath(post('CanaryDefault')))).status, 200);
      assert.deepEqual(h.upstream.fake.calls.map((c) => c.headers.authorization), [`Bearer ${CANARY_TOKEN}`]);
    } finally {
      await h.close();
    }
  });

  test('META_ACCESS_TOKEN="" opts a harness out: tokenless, no Authorization header upstream', async () => {
    const h = await startHarness({ META_ACCESS_TOKEN: '' });
    try {
      assert.equal(h.config.accessToken, undefined);
      assert.equal((await h.get(oembedPath(post('CanaryNone')))).status, 200);
      assert.deepEqual(h.upstream.fake.calls.map((c) => c.headers.authorization), [undefined]);
    } finally {
      await h.close();
    }
  });

  test('the search finds the token raw, URL-encoded, base64 and its secret half, in any case', () => {
    const [appId, secret] = CANARY_TOKEN.split('|') as [string, string];
    for (const leak of [CANARY_TOKEN, encodeURIComponent(CANARY_TOKEN), Buffer.from(CANARY_TOKEN).toString('base64'), secret, secret.toLowerCase()]) {
      assert.throws(() => assertNoSecrets([CANARY_TOKEN], [['a line', `x ${leak} y`]]), /leaked into a line/, leak);
    }
    assert.doesNotThrow(() => assertNoSecrets([CANARY_TOKEN, undefined], [['a line', `app ${appId} [redacted]`]]));
    // A short secret half (a test's `1234|bad`) is searched for whole only, so "bad_request" is no leak.
    assert.doesNotThrow(() => assertNoSecrets(['1234|bad'], [['a body', '{"error":{"code":"bad_request"}}']]));
    assert.throws(() => assertNoSecrets(['1234|bad'], [['a body', 'Bearer 1234|bad']]));
  });

  // The proxy refuses an answer that echoes the Meta token (app-errors.test.ts), so the leak staged here is of the
  // other secret the harness searches for: METRICS_TOKEN, which upstream could not know and the proxy does not look for.
  test('close() fails when a response carries a secret (here: upstream echoing METRICS_TOKEN inside the embed HTML)', async () => {
    const metricsToken = 'metrics-canary-Qz81x';
    const h = await startHarness({ METRICS_TOKEN: metricsToken });
    const html = `<blockquote class="instagram-media" data-instgrm-permalink="${post('CanaryEcho')}"><p>${metricsToken}</p></blockquote>`;
    h.upstream.fake.script('CanaryEcho', { raw: { status: 200, body: JSON.stringify({ version: '1.0', type: 'rich', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', width: 658, html }) } });
    const res = await h.get(oembedPath(post('CanaryEcho')));
    assert.equal(res.status, 200);
    await assert.rejects(h.close(), /a secret \(.+\) leaked into the bytes sent on a connection/);
  });

  test("Meta's error message quoting the token reaches neither a response nor a log line", async () => {
    const h = await startHarness();
    h.upstream.fake.script('CanaryQuote', { graphError: { code: 100, message: `Invalid token ${CANARY_TOKEN}` } });
    assert.equal((await h.get(oembedPath(post('CanaryQuote')))).status, 502);
    await h.close();
  });
});
