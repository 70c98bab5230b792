// The ALLOWED_ORIGINS policy: which CORS headers each origin gets, and what a refused one gets.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { createOriginPolicy, EXPOSE_HEADERS } from '../../proxy/origins.js';

describe('createOriginPolicy', () => {
  test('unset (null): every origin, and no origin, get *', () => {
    const policy = createOriginPolicy(null);
    const any = { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSE_HEADERS };
    assert.deepEqual(policy.corsFor('https://anywhere.example'), any);
    assert.deepEqual(policy.corsFor(undefined), any);
  });

  test('a listed origin is echoed with the exposed headers; the same object is reused', () => {
    const policy = createOriginPolicy(['https://site.example', 'http://localhost:5173']);
    const cors = policy.corsFor('http://localhost:5173');
    assert.deepEqual(cors, { 'access-control-allow-origin': 'http://localhost:5173', 'access-control-expose-headers': EXPOSE_HEADERS });
    assert.equal(policy.corsFor('http://localhost:5173'), cors);
  });

  test('an unlisted origin is refused (null) and matching is exact', () => {
    const policy = createOriginPolicy(['https://site.example']);
    for (const origin of ['https://evil.example', 'https://site.example.evil.example', 'http://site.example', 'https://SITE.example', 'null']) {
      assert.equal(policy.corsFor(origin), null, origin);
    }
  });

  test('no Origin (servers, curl) is allowed without CORS headers', () => {
    assert.deepEqual(createOriginPolicy(['https://site.example']).corsFor(undefined), {});
  });

  test('the refusal itself is readable by the refused origin, so the widget can explain it', () => {
    assert.deepEqual(createOriginPolicy(['https://site.example']).refused('https://evil.example'), {
      'access-control-allow-origin': 'https://evil.example', 'access-control-expose-headers': EXPOSE_HEADERS,
    });
  });

  test('corsOrNone: CORS headers for allowed origins, none for refused ones', () => {
    const policy = createOriginPolicy(['https://site.example']);
    assert.equal(policy.corsOrNone('https://site.example')['access-control-allow-origin'], 'https://site.example');
    assert.deepEqual(policy.corsOrNone('https://evil.example'), {});
  });
});
