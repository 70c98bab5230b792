// createHits: how a request is classified against the cache (refused, bad query, hit, negative hit, miss), and a cached entry's exact answer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildNegativeEntry, buildPositiveEntry, cacheKey, type CacheEntry } from '../../proxy/cache.js';
import { createHits } from '../../proxy/hits.js';
import { createOriginPolicy, EXPOSE_HEADERS } from '../../proxy/origins.js';

const POST = 'https://www.instagram.com/p/AAA/';
const QUERY = `url=${encodeURIComponent(POST)}`;
const KEY = cacheKey({ post: { url: POST }, hidecaption: false });
const T0 = 1_000_000;

function setup(entries: Record<string, CacheEntry> = {}) {
  let t = T0;
  const hits = createHits({
    cache: { get: (key) => entries[key] },
    origins: createOriginPolicy(['https://site.example']),
    now: () => t,
    cacheTtlSeconds: 60,
    cacheStaleSeconds: 600,
  });
  return { hits, advance: (ms: number) => { t += ms; } };
}

const positive = () => buildPositiveEntry(
  { version: '1.0', type: 'rich', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', width: 658, html: '<blockquote class="instagram-media">x</blockquote>' },
  { post: POST, now: T0, freshMs: 60_000, staleMs: 600_000, scriptTag: '<script></script>' },
);

describe('createHits lookup', () => {
  test('a refused origin is refused before the query is looked at', () => {
    assert.deepEqual(setup().hits.lookup('https://evil.example', 'not a query'), { kind: 'refused', origin: 'https://evil.example' });
  });

  test('a bad query carries the parser error and the CORS headers', () => {
    const found = setup().hits.lookup('https://site.example', 'url=https%3A%2F%2Fexample.com%2F');
    assert.equal(found.kind, 'bad_query');
    if (found.kind !== 'bad_query') return;
    assert.equal(found.error.code, 'invalid_url');
    assert.equal(found.cors['access-control-allow-origin'], 'https://site.example');
  });

  test('a fresh entry is a hit; the same entry past its fresh TTL is a miss that keeps it as previous', () => {
    const entry = positive();
    const { hits, advance } = setup({ [KEY]: entry });
    assert.deepEqual(hits.lookup(undefined, `${QUERY}&omitscript=1`), { kind: 'hit', entry, omitscript: true, cors: {}, t: T0 });
    advance(60_000);
    const found = hits.lookup(undefined, QUERY);
    assert.deepEqual([found.kind, found.kind === 'miss' && found.previous === entry, found.kind === 'miss' && found.key], ['miss', true, KEY]);
  });

  test('a negative entry is a negative hit until it expires, then a miss', () => {
    const { hits, advance } = setup({ [KEY]: buildNegativeEntry({ post: POST, now: T0, ttlMs: 1000 }) });
    assert.equal(hits.lookup(undefined, QUERY).kind, 'negative_hit');
    advance(1000);
    assert.equal(hits.lookup(undefined, QUERY).kind, 'miss');
  });

  test('the key is cacheKey of the parsed query: maxwidth and hidecaption are part of it, omitscript and spelling are not', () => {
    const { hits } = setup();
    const keyOf = (raw: string) => { const found = hits.lookup(undefined, raw); return found.kind === 'miss' ? found.key : found.kind; };
    assert.equal(keyOf(`${QUERY}&maxwidth=400&hidecaption=true&omitscript=true`), cacheKey({ post: { url: POST }, maxwidth: 400, hidecaption: true }));
    assert.equal(keyOf(`hidecaption=1&maxwidth=400&url=${encodeURIComponent('https://instagram.com/p/AAA')}`), keyOf(`${QUERY}&maxwidth=400&hidecaption=true`));
    assert.equal(new Set([keyOf(QUERY), keyOf(`${QUERY}&maxwidth=400`), keyOf(`${QUERY}&hidecaption=1`), keyOf(`${QUERY}&maxwidth=400&hidecaption=1`)]).size, 4);
    assert.equal(keyOf(`${QUERY}&omitscript=1`), KEY);
  });
});

describe('createHits respond', () => {
  test('200 with the chosen encoding, caching headers, Age and CORS; 304 without body headers when the ETag matches', () => {
    const entry = positive();
    const { hits } = setup();
    const cors = { 'access-control-allow-origin': 'https://site.example', 'access-control-expose-headers': EXPOSE_HEADERS };
    const ok = hits.respond(entry, false, cors, 'HIT', T0 + 61_500, 'rid-1', 'gzip', undefined);
    assert.equal(ok.status, 200);
    assert.equal(ok.body, entry.script.gzip?.body);
    assert.deepEqual(ok.headers, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': entry.script.gzip?.length,
      'cache-control': 'public, max-age=300, s-maxage=60, stale-while-revalidate=60, stale-if-error=600',
      etag: entry.script.gzip?.etag,
      age: '61',
      vary: 'Origin, Accept-Encoding',
      'x-cache': 'HIT',
      'x-content-type-options': 'nosniff',
      'x-request-id': 'rid-1',
      'content-encoding': 'gzip',
      ...cors,
    });
    const notModified = hits.respond(entry, false, cors, 'HIT', T0, 'rid-2', 'gzip', `W/${ok.headers.etag}`);
    assert.deepEqual([notModified.status, notModified.body, notModified.headers['content-length'], notModified.headers.etag], [304, null, undefined, ok.headers.etag]);
  });

  test('a STALE answer is kept downstream for a minute only', () => {
    const r = setup().hits.respond(positive(), true, {}, 'STALE', T0, 'rid', undefined, undefined);
    assert.deepEqual([r.headers['cache-control'], r.headers['x-cache'], r.headers['content-encoding']], ['public, max-age=60', 'STALE', undefined]);
  });
});
