// Canonicalisation over real HTTP (fast-check, a modest number of runs against the real harness): whatever
// spelling and parameters a client sends, the answer is never a 5xx, a refused URL costs no upstream call,
// and the only URL Meta ever sees is the canonical one.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { canonicalisePostUrl } from '../../instagram/post-url.js';
import { CANONICAL_POST_URL, postUrlSpelling } from '../support/post-url-arbitrary.js';
import { oembedPath, startHarness, type Harness } from './harness.js';

const EXTRAS: ReadonlyArray<[query: string, valid: boolean]> = [
  ['', true], ['&maxwidth=400', true], ['&hidecaption=true', true], ['&omitscript=1', true], ['&format=json', true],
  ['&maxwidth=100', false], ['&maxwidth=4e2', false], ['&hidecaption=2', false], ['&foo=1', false], ['&url=https%3A%2F%2Fwww.instagram.com%2Fp%2Fx%2F', false],
];

describe('GET /instagram_oembed over generated post-URL spellings', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ RATE_LIMIT_MISSES_PER_MIN: '100000', UPSTREAM_BUDGET_PER_HOUR: '100000' }); });
  after(() => h.close()); // also fails on any non-canonical URL the fake received

  test('never a 5xx; refused spellings cost no upstream call; upstream only ever sees the canonical URL', async () => {
    let served = 0;
    await fc.assert(fc.asyncProperty(postUrlSpelling, fc.constantFrom(...EXTRAS), async (raw, [extra, validExtra]) => {
      const before = h.upstream.fake.calls.length;
      const res = await h.get(oembedPath(raw, extra));
      const canonical = canonicalisePostUrl(raw)?.url ?? null;
      assert.equal(res.status < 500, true, `${res.status} for ${JSON.stringify(raw)}${extra}: ${res.text}`);
      if (canonical === null || !validExtra) {
        assert.equal(res.status, 400, res.text);
        assert.equal(h.upstream.fake.calls.length, before, 'a refused request made an upstream call');
        return;
      }
      assert.equal(res.status, 200, res.text);
      served++;
      for (const call of h.upstream.fake.calls.slice(before)) {
        const sent = new URL(call.url).searchParams.get('url') ?? '';
        assert.match(sent, CANONICAL_POST_URL);
        assert.equal(sent, canonical);
      }
    }), { numRuns: 120, seed: 5 });
    assert.equal(served > 30, true, `only ${served} of 120 requests were served`);
  });
});
