// createHits: how a request is classified against the cache (refused, bad query, hit, negative hit, miss), a cached entry's exact answer, and stale-if-error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildNegativeEntry, buildPositiveEntry, cacheKey, type CacheEntry } from '../../proxy/cache.js';
import { ERRORS, ProxyError, type ErrorCode } from '../../proxy/errors.js';
import { createHits, type Lookup, type Miss } from '../../proxy/hits.js';
import type { CacheEvent } from '../../proxy/metrics.js';
import { createOriginPolicy, EXPOSE_HEADERS } from '../../proxy/origins.js';

const POST = 'https://www.instagram.com/p/AAA/';
const QUERY = `url=${encodeURIComponent(POST)}`;
const KEY = cacheKey({ post: { url: POST }, hidecaption: false });
const T0 = 1_000_000;

function setup(entries: Record<string, CacheEntry> = {}) {
  let t = T0;
  const events: CacheEvent[] = [];
  const hits = createHits({
    cache: { get: (key) => entries[key] },
    origins: createOriginPolicy(['https://site.example']),
    metrics: { cacheEvent: (event) => { events.push(event); } },
    now: () => t,
    cacheTtlSeconds: 60,
    cacheStaleSeconds: 600,
  });
  return { hits, events, advance: (ms: number) => { t += ms; } };
}

const positive = () => buildPositiveEntry(
  { version: '1.0', type: 'rich', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', width: 658, html: '<blockquote class="instagram-media">x</blockquote>' },
  { post: POST, now: T0, freshMs: 60_000, staleMs: 600_000, scriptTag: '<script></script>' },
);

/** The headers of an answer as an object (the list holds each name once). */
const headersOf = (list: string[]) => Object.fromEntries(Array.from({ length: list.length / 2 }, (_, i) => [list[2 * i], list[2 * i + 1]]));

function miss(found: Lookup): Miss {
  assert.equal(found.kind, 'miss');
  return found as Miss;
}

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
    const { hits, advance, events } = setup({ [KEY]: entry });
    assert.deepEqual(hits.lookup(undefined, `${QUERY}&omitscript=1`), { kind: 'hit', entry, omitscript: true, cors: {}, xcache: 'HIT', t: T0 });
    advance(60_000);
    const found = miss(hits.lookup(undefined, QUERY));
    assert.deepEqual([found.previous === entry, found.key], [true, KEY]);
    assert.deepEqual(events, [], 'a lookup counts nothing');
  });

  test('a negative entry is a negative hit until it expires, then a miss', () => {
    const { hits, advance } = setup({ [KEY]: buildNegativeEntry({ post: POST, now: T0, ttlMs: 1000 }) });
    assert.equal(hits.lookup(undefined, QUERY).kind, 'negative_hit');
    advance(1000);
    assert.equal(hits.lookup(undefined, QUERY).kind, 'miss');
  });

  test('the key is cacheKey of the parsed query: maxwidth and hidecaption are part of it, omitscript and spelling are not', () => {
    const { hits } = setup();
    const keyOf = (raw: string) => miss(hits.lookup(undefined, raw)).key;
    assert.equal(keyOf(`${QUERY}&maxwidth=400&hidecaption=true&omitscript=true`), cacheKey({ post: { url: POST }, maxwidth: 400, hidecaption: true }));
    assert.equal(keyOf(`hidecaption=1&maxwidth=400&url=${encodeURIComponent('https://instagram.com/p/AAA')}`), keyOf(`${QUERY}&maxwidth=400&hidecaption=true`));
    assert.equal(new Set([keyOf(QUERY), keyOf(`${QUERY}&maxwidth=400`), keyOf(`${QUERY}&hidecaption=1`), keyOf(`${QUERY}&maxwidth=400&hidecaption=1`)]).size, 4);
    assert.equal(keyOf(`${QUERY}&omitscript=1`), KEY);
  });
});

describe('createHits respond and answerHit', () => {
  const cors = { 'access-control-allow-origin': 'https://site.example', 'access-control-expose-headers': EXPOSE_HEADERS };

  test('200 with the chosen encoding, caching headers, Age and CORS; 304 without body headers when the ETag matches', () => {
    const entry = positive();
    const { hits } = setup();
    const served = { entry, omitscript: false, cors, xcache: 'HIT', t: T0 + 61_500 } as const;
    const ok = hits.respond(served, { requestId: 'rid-1', acceptEncoding: 'gzip', ifNoneMatch: undefined });
    assert.equal(ok.status, 200);
    assert.equal(ok.body, entry.script.gzip?.body);
    const caching = {
      'cache-control': 'public, max-age=300, s-maxage=60, stale-while-revalidate=60, stale-if-error=600',
      etag: entry.script.gzip?.etag,
      age: '61',
      vary: 'Origin, Accept-Encoding',
      'x-cache': 'HIT',
      'x-content-type-options': 'nosniff',
      ...cors,
    };
    assert.deepEqual(headersOf(ok.headers), {
      'content-type': 'application/json; charset=utf-8',
      'content-length': entry.script.gzip?.length,
      'content-encoding': 'gzip',
      ...caching,
      'x-request-id': 'rid-1',
    });
    const notModified = hits.respond(served, { requestId: 'rid-2', acceptEncoding: 'gzip', ifNoneMatch: `W/${entry.script.gzip?.etag}` });
    assert.deepEqual([notModified.status, notModified.body, headersOf(notModified.headers)], [304, null, { ...caching, 'x-request-id': 'rid-2' }]);
  });

  test('a STALE answer is kept downstream for a minute only', () => {
    const r = setup().hits.respond({ entry: positive(), omitscript: true, cors: {}, xcache: 'STALE', t: T0 }, { requestId: 'rid', acceptEncoding: undefined, ifNoneMatch: undefined });
    const h = headersOf(r.headers);
    assert.deepEqual([h['cache-control'], h['x-cache'], h['content-encoding']], ['public, max-age=60', 'STALE', undefined]);
  });

  test('answerHit counts one cache hit and answers exactly what respond answers', () => {
    const entry = positive();
    const { hits, events } = setup({ [KEY]: entry });
    const found = hits.lookup('https://site.example', QUERY);
    assert.equal(found.kind, 'hit');
    if (found.kind !== 'hit') return;
    const request = { requestId: 'rid', acceptEncoding: 'br', ifNoneMatch: undefined };
    assert.deepEqual(hits.answerHit(found, request), hits.respond(found, request));
    assert.deepEqual(events, ['hit']);
  });
});

describe('createHits staleIfError', () => {
  const codes = Object.keys(ERRORS) as ErrorCode[];
  // In ERRORS order (the status order). rate_limited from a refresh is the client's share of the budget.
  const allowed = ['rate_limited', 'upstream_invalid', 'upstream_unavailable', 'upstream_timeout'];

  test('only failures that say Meta is unavailable, too slow or unusable, or the quota refused the call, serve the old entry, marked STALE', () => {
    const entry = positive();
    const { hits, advance } = setup({ [KEY]: entry });
    advance(60_000);
    const found = miss(hits.lookup(undefined, `${QUERY}&omitscript=true`));
    const served = codes.filter((code) => hits.staleIfError(found, new ProxyError(code)) !== undefined);
    assert.deepEqual(served, allowed);
    assert.deepEqual(hits.staleIfError(found, new ProxyError('upstream_timeout')), { entry, omitscript: true, cors: {}, xcache: 'STALE', t: T0 + 60_000 });
  });

  test('never past the stale window, never a revoked entry, never without an old positive entry', () => {
    const entry = positive();
    const { hits, advance } = setup({ [KEY]: entry });
    advance(60_000);
    const found = miss(hits.lookup(undefined, QUERY));
    const timeout = new ProxyError('upstream_timeout');
    advance(600_000 - 1);
    assert.equal(hits.staleIfError(found, timeout)?.entry, entry);
    advance(1);
    assert.equal(hits.staleIfError(found, timeout), undefined);

    const revoked = positive();
    const second = setup({ [KEY]: revoked });
    second.advance(60_000);
    const before = miss(second.hits.lookup(undefined, QUERY));
    revoked.revoked = true;
    assert.equal(second.hits.staleIfError(before, timeout), undefined);

    assert.equal(setup().hits.staleIfError(miss(setup().hits.lookup(undefined, QUERY)), timeout), undefined);
    const negative = setup({ [KEY]: buildNegativeEntry({ post: POST, now: T0, ttlMs: 1000 }) });
    negative.advance(1000);
    assert.equal(negative.hits.staleIfError(miss(negative.hits.lookup(undefined, QUERY)), timeout), undefined);
  });
});
