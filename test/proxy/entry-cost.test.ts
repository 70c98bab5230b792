// The cost the cache counts for an entry: its bytes plus the objects, strings and bookkeeping around them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildNegativeEntry, buildPositiveEntry, createEmbedCache } from '../../proxy/cache.js';
import { keyCost, negativeEntryCost, positiveEntryCost } from '../../proxy/entry-cost.js';

const POST = 'https://www.instagram.com/p/C0000000001/';
const body = (n: number) => ({ body: new Uint8Array(n) });

describe('entry cost', () => {
  test('each stored body costs its bytes plus a fixed overhead, so six small bodies cost far more than their bytes', () => {
    const one = positiveEntryCost(POST, [{ identity: body(300), gzip: undefined, br: undefined }]);
    const two = positiveEntryCost(POST, [{ identity: body(300), gzip: body(200), br: undefined }]);
    const bigger = positiveEntryCost(POST, [{ identity: body(1300), gzip: body(200), br: undefined }]);
    assert.equal(bigger - two, 1000);
    assert.equal(two - one > 200, true, 'a body costs more than its bytes');
    const small = { identity: body(300), gzip: body(200), br: body(150) };
    assert.equal(positiveEntryCost(POST, [small, small]) > 2 * (2 * 650), true);
  });

  test('longer post URLs and keys cost more, byte for byte', () => {
    const variant = { identity: body(300), gzip: undefined, br: undefined };
    assert.equal(positiveEntryCost(`${POST}xx`, [variant]) - positiveEntryCost(POST, [variant]), 2);
    assert.equal(negativeEntryCost(`${POST}x`) - negativeEntryCost(POST), 1);
    assert.equal(keyCost(`${POST}||0`) - keyCost(POST), 3);
  });

  test('built entries carry their cost, and the cache counts it with the key', async () => {
    const payload = { version: '1.0', type: 'rich', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', width: 658, html: '<blockquote class="instagram-media">x</blockquote>' };
    const positive = buildPositiveEntry(payload, { post: POST, now: 0, freshMs: 1000, staleMs: 1000, scriptTag: '<script></script>' });
    assert.equal(positive.size, positiveEntryCost(POST, [positive.noscript, positive.script]));
    const negative = buildNegativeEntry({ post: POST, now: 0, ttlMs: 1000 });
    assert.equal(negative.size, negativeEntryCost(POST));
    const cache = createEmbedCache({ maxBytes: 1024 * 1024 });
    await cache.load(`${POST}||0`, async () => positive);
    await cache.load(`${POST}|400|0`, async () => buildPositiveEntry(payload, { post: POST, now: 0, freshMs: 1000, staleMs: 1000, scriptTag: '' }));
    const second = cache.get(`${POST}|400|0`);
    assert.equal(cache.bytes, positive.size + keyCost(`${POST}||0`) + (second?.size ?? 0) + keyCost(`${POST}|400|0`));
  });
});
