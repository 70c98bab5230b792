// Properties of canonicalisePostUrl over generated spellings (fast-check): canonical output only, idempotent,
// the same post as the WHATWG URL parser reads, and every rejection is a rejection of the whole string.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { canonicalisePostUrl } from '../../instagram/post-url.js';
import { CANONICAL_POST_URL, postUrlSpelling } from '../support/post-url-arbitrary.js';

describe('canonicalisePostUrl over generated spellings', () => {
  test('an accepted spelling gives a canonical URL, which canonicalises to itself', () => {
    let accepted = 0;
    fc.assert(fc.property(fc.oneof({ weight: 4, arbitrary: postUrlSpelling }, { weight: 1, arbitrary: fc.string({ maxLength: 60 }) }), (raw) => {
      const post = canonicalisePostUrl(raw);
      if (post === null) return;
      accepted++;
      assert.match(post.url, CANONICAL_POST_URL);
      assert.deepEqual(canonicalisePostUrl(post.url), { url: post.url, kind: post.kind, shortcode: post.shortcode });
    }), { numRuns: 5000, seed: 1 });
    assert.equal(accepted > 800, true, `only ${accepted} of 5000 spellings were accepted`);
  });

  test('an accepted spelling names the same host, kind and shortcode to the WHATWG URL parser', () => {
    fc.assert(fc.property(postUrlSpelling, (raw) => {
      const post = canonicalisePostUrl(raw);
      if (post === null) return;
      const url = new URL(raw);
      assert.equal(['www.instagram.com', 'instagram.com', 'instagr.am'].includes(url.hostname), true, url.hostname);
      assert.equal(['http:', 'https:'].includes(url.protocol), true);
      assert.equal(url.port, '');
      const segments = url.pathname.split('/').filter(Boolean);
      assert.equal(segments.at(-1), post.shortcode);
      assert.equal(segments.at(-2)?.replace(/^reels$/, 'reel'), post.kind);
    }), { numRuns: 5000, seed: 2 });
  });
});
