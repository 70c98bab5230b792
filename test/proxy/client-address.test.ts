// Client address for the miss limiter: which X-Forwarded-For hop TRUST_PROXY picks, and the fallbacks without one.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import { createClientAddress, forwardedClient } from '../../proxy/client-address.js';
import type { AppEnv } from '../../proxy/request.js';

describe('forwardedClient', () => {
  const cases: Array<[string | undefined, number, string | undefined, string]> = [
    ['203.0.113.9, 198.51.100.7', 1, '198.51.100.7', 'one trusted proxy: the rightmost entry (what it saw)'],
    ['203.0.113.9, 198.51.100.7', 2, '203.0.113.9', 'two trusted proxies: the second from the right'],
    ['forged, 203.0.113.9, 198.51.100.7', 2, '203.0.113.9', 'entries left of the chosen hop are ignored (client-written)'],
    ['198.51.100.7', 3, '198.51.100.7', 'fewer entries than hops: the leftmost'],
    [' 203.0.113.9 ,, 198.51.100.7 ,', 1, '198.51.100.7', 'spaces and empty entries are skipped'],
    ['2001:db8::1', 1, '2001:db8::1', 'IPv6 as sent'],
    ['198.51.100.7', 0, undefined, 'TRUST_PROXY=0: the header is not trusted at all'],
    [undefined, 1, undefined, 'no header'],
    [' , ', 1, undefined, 'only empty entries'],
  ];
  for (const [header, hops, expected, why] of cases) {
    test(`${why}`, () => assert.equal(forwardedClient(header, hops), expected));
  }

  test('a hop longer than 64 characters is cut to 64, so junk cannot bloat the limiter', () => {
    assert.equal(forwardedClient('x'.repeat(500), 1), 'x'.repeat(64));
  });
});

describe('createClientAddress', () => {
  async function clientVia(options: Parameters<typeof createClientAddress>[0], headers: Record<string, string> = {}): Promise<string> {
    const clientOf = createClientAddress(options);
    const app = new Hono<AppEnv>();
    app.get('/', (c) => c.text(clientOf(c)));
    return (await app.request('/', { headers })).text();
  }

  test('with TRUST_PROXY the chosen hop wins over the fallback', async () => {
    assert.equal(await clientVia({ trustProxyHops: 1, fallback: () => 'socket' }, { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' }), '198.51.100.7');
  });

  test('without TRUST_PROXY a forwarded header is ignored and the fallback (other runtimes) answers', async () => {
    assert.equal(await clientVia({ trustProxyHops: 0, fallback: () => 'cf-ip' }, { 'x-forwarded-for': '203.0.113.9' }), 'cf-ip');
  });

  test('with TRUST_PROXY but no header, the fallback answers; without either, all share "unknown"', async () => {
    assert.equal(await clientVia({ trustProxyHops: 1, fallback: () => 'cf-ip' }), 'cf-ip');
    assert.equal(await clientVia({ trustProxyHops: 0 }), 'unknown');
    assert.equal(await clientVia({ trustProxyHops: 0, fallback: () => undefined }), 'unknown');
  });
});
