// The error code list: each code's status, its fixed message, the JSON body shape and the headers every error carries.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ERROR_HEADERS, ERRORS, errorBody, errorResponse, ProxyError, type ErrorCode } from '../../proxy/errors.js';

const CODES = Object.keys(ERRORS) as ErrorCode[];

describe('ERRORS', () => {
  test('the code list and statuses are the documented contract (docs/errors.md)', () => {
    assert.deepEqual(Object.fromEntries(CODES.map((code) => [code, ERRORS[code].status])), {
      bad_request: 400, invalid_url: 400, invalid_param: 400, unauthorized: 401, origin_not_allowed: 403,
      not_embeddable: 404, not_found: 404, method_not_allowed: 405, request_timeout: 408, request_too_large: 431,
      rate_limited: 429, internal_error: 500, format_not_supported: 501, upstream_error: 502, upstream_invalid: 502,
      upstream_unavailable: 503, upstream_timeout: 504,
    });
  });

  for (const code of CODES) {
    test(`${code}: stable snake_case code, one plain sentence, and a no-store JSON response of exactly {error:{code,message}}`, async () => {
      const { status, message } = ERRORS[code];
      assert.match(code, /^[a-z]+(_[a-z]+)*$/);
      assert.match(message, /^[A-Z][^\n]*\.$/);
      // Our messages never mention upstream URLs or tokens.
      assert.doesNotMatch(message, /https?:|graph\.facebook|token=|access_token/i);
      const res = errorResponse(code, { 'access-control-allow-origin': '*', 'x-request-id': 'r1' });
      assert.equal(res.status, status);
      assert.deepEqual(Object.fromEntries(res.headers), {
        'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
        vary: 'Origin, Accept-Encoding', 'access-control-allow-origin': '*', 'x-request-id': 'r1',
        'content-length': String(errorBody(code).byteLength),
      });
      assert.deepEqual(JSON.parse(await res.text()), { error: { code, message } });
    });
  }
});

describe('errorBody', () => {
  test('the default body is built once per code and reused byte for byte', () => {
    const first = errorBody('not_found');
    assert.equal(errorBody('not_found'), first);
    assert.equal(errorBody('not_found', ERRORS.not_found.message), first);
    assert.equal(new TextDecoder().decode(first), '{"error":{"code":"not_found","message":"There is nothing at this path."}}');
  });

  test('an explanation of our own replaces the message, JSON-escaped, and leaves the default untouched', () => {
    const custom = new TextDecoder().decode(errorBody('invalid_param', 'maxwidth must be an integer 320–658 ("abc" is not).'));
    assert.deepEqual(JSON.parse(custom), { error: { code: 'invalid_param', message: 'maxwidth must be an integer 320–658 ("abc" is not).' } });
    assert.deepEqual(JSON.parse(new TextDecoder().decode(errorBody('invalid_param'))).error.message, ERRORS.invalid_param.message);
  });
});

describe('errorResponse', () => {
  test('Retry-After is whole seconds, rounded up, at least 1', () => {
    assert.deepEqual([0, 0.2, 1, 1.01, 59.5].map((s) => errorResponse('rate_limited', {}, { retryAfterSeconds: s }).headers.get('retry-after')),
      ['1', '1', '1', '2', '60']);
    assert.equal(errorResponse('not_found', {}).headers.get('retry-after'), null);
  });

  test('caller headers are merged over the defaults without changing the shared defaults', () => {
    const res = errorResponse('not_found', { 'cache-control': 'public' });
    // A caller may override (it never should for cache-control); the shared defaults stay as they were.
    assert.equal(res.headers.get('cache-control'), 'public');
    assert.equal(ERROR_HEADERS['cache-control'], 'no-store');
  });
});

test('ProxyError carries its code and options for the route to answer with', () => {
  const error = new ProxyError('upstream_unavailable', { retryAfterSeconds: 30 });
  assert.deepEqual([error.name, error.message, error.code, error.options], ['ProxyError', 'upstream_unavailable', 'upstream_unavailable', { retryAfterSeconds: 30 }]);
  assert.ok(error instanceof Error);
});
