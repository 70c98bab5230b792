/** The oEmbed cache on its own: coalescing, failure handling, revocation, bounds, representations. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { buildNegativeEntry, buildPositiveEntry, cacheKey, createEmbedCache, type CacheEntry } from '../../proxy/cache.js';
import type { OembedPayload } from '../../proxy/graph-client.js';
import { keyCost } from '../../proxy/entry-cost.js';
import { ProxyError } from '../../proxy/errors.js';

const SCRIPT = '<script async src="//platform.instagram.com/en_US/embeds.js"></script>';
const POST_A = 'https://www.instagram.com/p/AAA/';
const POST_B = 'https://www.instagram.com/p/BBB/';

function payload(text = 'hello'): OembedPayload {
  return {
    version: '1.0', type: 'rich', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', width: 658,
    html: `<blockquote class="instagram-media">${text.repeat(50)}</blockquote>`,
  };
}

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

const positive = (post: string, now: number, text?: string) =>
  buildPositiveEntry(payload(text), { post, now, freshMs: 1000, staleMs: 5000, scriptTag: SCRIPT });

/** A loader the test resolves by hand, counting its calls. */
function deferredLoader() {
  let calls = 0;
  let settle!: { resolve: (e: CacheEntry) => void; reject: (e: unknown) => void };
  const loader = () => {
    calls++;
    return new Promise<CacheEntry>((resolve, reject) => { settle = { resolve, reject }; });
  };
  return { loader, get calls() { return calls; }, get settle() { return settle; } };
}

describe('entries', () => {
  test('both omitscript variants are serialised once and differ only by the script tag', () => {
    const e = positive(POST_A, 0);
    const noscript = JSON.parse(new TextDecoder().decode(e.noscript.identity.body)) as OembedPayload;
    const script = JSON.parse(new TextDecoder().decode(e.script.identity.body)) as OembedPayload;
    assert.deepEqual(noscript, payload());
    assert.deepEqual(script, { ...payload(), html: `${payload().html}\n${SCRIPT}` });
  });

  test('compressed copies decode to the identity bytes and every representation has its own ETag', () => {
    const e = positive(POST_A, 0);
    const identity = Buffer.from(e.script.identity.body);
    assert.deepEqual(gunzipSync(e.script.gzip!.body), identity);
    assert.deepEqual(brotliDecompressSync(e.script.br!.body), identity);
    const tags = [e.script.identity, e.script.gzip!, e.script.br!, e.noscript.identity, e.noscript.gzip!, e.noscript.br!].map((r) => r.etag);
    assert.equal(new Set(tags).size, 6);
    assert.equal(e.script.identity.length, String(identity.byteLength));
  });

  test('equal bytes give equal ETags across revalidations', () => {
    assert.equal(positive(POST_A, 0).script.br!.etag, positive(POST_A, 99_999).script.br!.etag);
    assert.notEqual(positive(POST_A, 0, 'x').script.br!.etag, positive(POST_A, 0, 'y').script.br!.etag);
  });
});

test('cacheKey: one key per canonical post, maxwidth and hidecaption, and distinct for each', () => {
  const keys = [
    cacheKey({ post: { url: POST_A }, hidecaption: false }),
    cacheKey({ post: { url: POST_A }, hidecaption: true }),
    cacheKey({ post: { url: POST_A }, maxwidth: 400, hidecaption: false }),
    cacheKey({ post: { url: POST_A }, maxwidth: 400, hidecaption: true }),
    cacheKey({ post: { url: POST_B }, hidecaption: false }),
  ];
  assert.equal(new Set(keys).size, 5);
  assert.equal(cacheKey({ post: { url: POST_A }, maxwidth: 400, hidecaption: true }), keys[3]);
});

describe('createEmbedCache', () => {
  test('concurrent loads of one key call the loader once and all get its entry', async () => {
    const c = clock();
    const cache = createEmbedCache({ maxBytes: 1 << 20, now: c.now });
    const d = deferredLoader();
    const waits = Array.from({ length: 50 }, () => cache.load('k', d.loader));
    d.settle.resolve(positive(POST_A, c.now()));
    const results = await Promise.all(waits);
    assert.equal(d.calls, 1);
    assert.equal(new Set(results.map((r) => r.entry)).size, 1);
    assert.equal(results.filter((r) => r.coalesced).length, 49);
    assert.equal(cache.get('k'), results[0]!.entry);
  });

  test('a failed refresh reaches every waiter, is not cached, and keeps the old entry for stale serving', async () => {
    const c = clock();
    const cache = createEmbedCache({ maxBytes: 1 << 20, now: c.now });
    const old = positive(POST_A, c.now());
    await cache.load('k', async () => old);
    c.advance(1500);
    const d = deferredLoader();
    const waits = [cache.load('k', d.loader), cache.load('k', d.loader)];
    assert.equal(cache.get('k'), old, 'the old entry stays visible during the refresh');
    const failure = new ProxyError('upstream_unavailable');
    d.settle.reject(failure);
    for (const w of waits) await assert.rejects(w, (err) => err === failure);
    assert.equal(cache.get('k'), old);
    // The next load tries again: failures are not cached.
    const next = positive(POST_A, c.now(), 'new');
    assert.equal((await cache.load('k', async () => next)).entry, next);
    assert.equal(cache.get('k'), next);
  });

  test('a failed cold load leaves nothing behind', async () => {
    const cache = createEmbedCache({ maxBytes: 1 << 20 });
    await assert.rejects(cache.load('k', async () => { throw new ProxyError('upstream_timeout'); }));
    assert.equal(cache.get('k'), undefined);
    assert.equal(cache.entries, 0);
  });

  test('a negative entry revokes and evicts every positive entry of the same post, and only that post', async () => {
    const c = clock();
    const cache = createEmbedCache({ maxBytes: 1 << 20, now: c.now });
    const a1 = positive(POST_A, c.now());
    const a2 = positive(POST_A, c.now(), 'w400');
    const b = positive(POST_B, c.now());
    await cache.load('a|', async () => a1);
    await cache.load('a|400', async () => a2);
    await cache.load('b|', async () => b);
    const { entry } = await cache.load('a|', async () => buildNegativeEntry({ post: POST_A, now: c.now(), ttlMs: 600_000 }));
    assert.equal(entry.kind, 'not_embeddable');
    assert.equal(cache.get('a|'), entry);
    assert.equal(cache.get('a|400'), undefined);
    assert.deepEqual([a1.revoked, a2.revoked, b.revoked], [true, true, false]);
    assert.equal(cache.get('b|'), b);
  });

  test('a revocation also reaches an entry whose own refresh is in flight', async () => {
    const c = clock();
    const cache = createEmbedCache({ maxBytes: 1 << 20, now: c.now });
    const a2 = positive(POST_A, c.now());
    await cache.load('a|400', async () => a2);
    const d = deferredLoader();
    const refreshing = cache.load('a|400', d.loader);
    await cache.load('a|', async () => buildNegativeEntry({ post: POST_A, now: c.now(), ttlMs: 600_000 }));
    assert.equal(a2.revoked, true);
    d.settle.reject(new ProxyError('upstream_unavailable'));
    await assert.rejects(refreshing);
    assert.equal(cache.get('a|400'), undefined);
  });

  test('entries expire after fresh + stale on the injected clock', async () => {
    const c = clock();
    const cache = createEmbedCache({ maxBytes: 1 << 20, now: c.now });
    const e = positive(POST_A, c.now());
    await cache.load('k', async () => e);
    c.advance(5999);
    assert.equal(cache.get('k'), e);
    c.advance(2);
    assert.equal(cache.get('k'), undefined);
  });

  test('the byte bound evicts the least recently used entries', async () => {
    // Each post URL below is as long as P0's; the key's own cost counts too.
    const one = positive('https://www.instagram.com/p/P0/', 0).size + keyCost('k0');
    const cache = createEmbedCache({ maxBytes: one * 3 + 10 });
    for (let i = 0; i < 5; i++) await cache.load(`k${i}`, async () => positive(`https://www.instagram.com/p/P${i}/`, Date.now()));
    assert.equal(cache.entries, 3);
    assert.ok(cache.bytes <= one * 3 + 10);
    assert.equal(cache.get('k0'), undefined);
    assert.notEqual(cache.get('k4'), undefined);
  });
});
