// HTTP representations: encodings built once, Accept-Encoding choice, weak If-None-Match, and the 304 that keeps only non-body headers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { acceptedEncodings, buildVariant, ifNoneMatchHits, negotiate, pickRepresentation } from '../../proxy/representation.js';

const TEXT = new TextEncoder().encode('{"html":"<blockquote>' + 'an embedded post '.repeat(40) + '</blockquote>"}');
const JSON_TYPE = 'application/json; charset=utf-8';

describe('buildVariant', () => {
  test('compressed copies decode to the identity bytes, each with its own strong ETag and length', () => {
    const v = buildVariant(TEXT, 's');
    assert.deepEqual(gunzipSync(v.gzip!.body), Buffer.from(TEXT));
    assert.deepEqual(brotliDecompressSync(v.br!.body), Buffer.from(TEXT));
    assert.equal(new Set([v.identity.etag, v.gzip!.etag, v.br!.etag]).size, 3);
    assert.match(v.br!.etag, /^"[A-Za-z0-9_-]{22}-sbr"$/);
    assert.deepEqual([v.identity.length, v.gzip!.length], [String(TEXT.byteLength), String(v.gzip!.body.byteLength)]);
  });

  test('no compressed copy when asked for none, or when it would not be smaller', () => {
    assert.deepEqual([buildVariant(TEXT, '', false).gzip, buildVariant(TEXT, '', false).br], [undefined, undefined]);
    const tiny = buildVariant(new TextEncoder().encode('{}'), '');
    assert.deepEqual([tiny.gzip, tiny.br], [undefined, undefined]);
  });
});

describe('negotiation helpers', () => {
  test('Accept-Encoding: br preferred, q=0 refuses, * covers the rest', () => {
    assert.deepEqual(acceptedEncodings(undefined), { gzip: false, br: false });
    assert.deepEqual(acceptedEncodings('gzip, deflate, br'), { gzip: true, br: true });
    assert.deepEqual(acceptedEncodings('br;q=0, gzip'), { gzip: true, br: false });
    assert.deepEqual(acceptedEncodings('*'), { gzip: true, br: true });
    assert.deepEqual(acceptedEncodings('*;q=0, identity'), { gzip: false, br: false });
    assert.deepEqual(acceptedEncodings('GZIP;Q=0.5'), { gzip: true, br: false });
    const v = buildVariant(TEXT, 's');
    assert.equal(pickRepresentation(v, acceptedEncodings('gzip, br')).encoding, 'br');
    assert.equal(pickRepresentation(v, acceptedEncodings('gzip')).encoding, 'gzip');
    assert.equal(pickRepresentation(v, acceptedEncodings('zstd')).encoding, 'identity');
  });

  test('If-None-Match uses weak comparison over a list', () => {
    assert.equal(ifNoneMatchHits('"a"', '"a"'), true);
    assert.equal(ifNoneMatchHits('W/"a"', '"a"'), true);
    assert.equal(ifNoneMatchHits('"b", "a"', '"a"'), true);
    assert.equal(ifNoneMatchHits('*', '"a"'), true);
    assert.equal(ifNoneMatchHits('"b"', '"a"'), false);
    assert.equal(ifNoneMatchHits(undefined, '"a"'), false);
    assert.equal(ifNoneMatchHits('"a', '"a"'), false);
  });
});

describe('negotiate', () => {
  const v = buildVariant(TEXT, 's');

  test('a 200 carries the chosen representation and the headers that describe it', () => {
    assert.deepEqual(negotiate(v, JSON_TYPE, { acceptEncoding: 'gzip', ifNoneMatch: undefined }), {
      status: 200,
      headers: ['content-type', JSON_TYPE, 'content-length', v.gzip!.length, 'etag', v.gzip!.etag, 'content-encoding', 'gzip'],
      body: v.gzip!.body,
    });
    assert.deepEqual(negotiate(v, JSON_TYPE, { acceptEncoding: undefined, ifNoneMatch: undefined }).headers,
      ['content-type', JSON_TYPE, 'content-length', v.identity.length, 'etag', v.identity.etag]);
  });

  test('a matching If-None-Match gives a 304 with the ETag and no body headers; another encoding\'s ETag does not match', () => {
    assert.deepEqual(negotiate(v, JSON_TYPE, { acceptEncoding: 'br', ifNoneMatch: `"x", W/${v.br!.etag}` }), {
      status: 304, headers: ['etag', v.br!.etag], body: null,
    });
    assert.equal(negotiate(v, JSON_TYPE, { acceptEncoding: 'gzip', ifNoneMatch: v.br!.etag }).status, 200);
  });
});
