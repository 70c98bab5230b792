// failureCause: the root code of the error shapes fetch (undici) and node produce, never a message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureCause } from '../../proxy/failure-cause.js';

const withCode = (code: string, message = `${code} 10.0.0.1:443 graph.facebook.com`, cause?: unknown) =>
  Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code });
const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });

test('the innermost code along the cause chain, as undici and node nest them', () => {
  const cases: Array<[string, unknown, string]> = [
    ['refused', fetchFailed(withCode('ECONNREFUSED')), 'ECONNREFUSED'],
    ['DNS', fetchFailed(Object.assign(withCode('ENOTFOUND'), { syscall: 'getaddrinfo', hostname: 'graph.facebook.com' })), 'ENOTFOUND'],
    ['connect timeout', fetchFailed(withCode('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error')), 'UND_ERR_CONNECT_TIMEOUT'],
    ['closed socket', fetchFailed(withCode('UND_ERR_SOCKET', 'other side closed')), 'UND_ERR_SOCKET'],
    ['reset under a socket error', new TypeError('terminated', { cause: withCode('UND_ERR_SOCKET', 'x', withCode('ECONNRESET')) }), 'ECONNRESET'],
    ['TLS', fetchFailed(withCode('CERT_HAS_EXPIRED', 'certificate has expired')), 'CERT_HAS_EXPIRED'],
    ['several addresses', fetchFailed(new AggregateError([withCode('ETIMEDOUT'), withCode('ENETUNREACH')], '')), 'ETIMEDOUT'],
  ];
  assert.deepEqual(cases.map(([name, err]) => [name, failureCause(err)]), cases.map(([name, , code]) => [name, code]));
});

test('without a code, the innermost error name; nothing for values that are not errors', () => {
  assert.equal(failureCause(fetchFailed(new Error('bad port'))), 'Error');
  assert.equal(failureCause(new DOMException('aborted', 'AbortError')), 'AbortError');
  assert.deepEqual([failureCause('a string'), failureCause(undefined), failureCause(null), failureCause(42)], [undefined, undefined, undefined, undefined]);
});

test('never takes a code or name that could carry data: messages, URLs and odd codes are left out', () => {
  const token = '123456|CANARYSECRET';
  const hostile = fetchFailed(Object.assign(new Error(token), { code: `E ${token}`, name: `https://graph.facebook.com/?access_token=${token}` }));
  assert.equal(failureCause(hostile), 'TypeError');
  // A cause cycle ends at the depth bound instead of looping.
  const a: { code: string; cause?: unknown } = { code: 'EPIPE' };
  a.cause = a;
  assert.equal(failureCause(a), 'EPIPE');
});
