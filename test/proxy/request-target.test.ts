// wellFormedHost / wellFormedTarget / wellFormedRequest: a table of verdicts, and every accepted Host served over HTTP by Hono itself.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { wellFormedHost, wellFormedRequest, wellFormedTarget } from '../../proxy/request-target.js';
import { rawExchange, startHarness, type Harness } from './harness.js';

const ACCEPTED_HOSTS = [
  'site.example', 'SITE.Example', 'site.example:8787', 'site.example:80', 'localhost', 'localhost:3000', '127.0.0.1',
  '127.0.0.1:65535', '[::1]', '[::1]:8080', '[2001:db8::1]', 'my_host.internal', 'a~b.example', 'site.example.',
  'xn--bcher-kva.example',
];
const REFUSED_HOSTS: Array<[string, string]> = [
  ['', 'empty'], [' ', 'a space'], ['a b', 'a space inside'], ['[', 'an unclosed bracket'], ['[::1', 'an unclosed IPv6 literal'],
  ['::1', 'IPv6 without brackets'], ['evil:99999', 'a port over 65535'], ['evil:', 'a colon without a port'], [':80', 'no name'],
  ['evil:8o', 'a port that is not digits'], ['evil:80:80', 'two ports'], ['user@site.example', 'userinfo'],
  ['site.example/x', 'a path'], ['site%2eexample', 'percent-encoding'], ['bücher.example', 'non-ASCII'],
  ['127.1', 'a short IPv4 form WHATWG rewrites to 127.0.0.1'], ['0x7f.0.0.1', 'a hex IPv4 form'], ['2130706433', 'a decimal IPv4 form'],
  ['foo.123', 'a numeric last label WHATWG refuses'], ['[::0001]', 'an IPv6 literal WHATWG compresses'],
  ['[::FFFF:1.2.3.4]', 'an IPv4-mapped IPv6 literal WHATWG rewrites'],
  // Not listed: invalid punycode (`xn--a.example`). Node 20's URL parser refuses it and Node 24's accepts it, so
  // its verdict is the runtime's; either answer is harmless (the proxy never uses the Host to reach anything).
];

test('Host values: well-formed names, IPv4 and IPv6 with a port are accepted; anything a parser would read differently is refused', () => {
  assert.deepEqual(ACCEPTED_HOSTS.filter((h) => !wellFormedHost(h)), []);
  assert.deepEqual(REFUSED_HOSTS.filter(([h]) => wellFormedHost(h)), []);
  // The memo answers the same the second time.
  assert.deepEqual([wellFormedHost('127.1'), wellFormedHost('127.1'), wellFormedHost('site.example'), wellFormedHost('site.example')], [false, false, true, true]);
});

test('request targets: origin form and absolute form, without a backslash in the path', () => {
  const verdicts = [
    '/', '/healthz', '/instagram_oembed?url=a\\b', '//site.example/x', 'http://site.example/healthz', 'https://site.example',
    'http://[::1]:8080/x?y\\z', '*', '', 'healthz', '/a\\b', '\\', '/a\\b?c', 'http://site.example/a\\b', 'http://evil:99999/',
    'http://user@site.example/', 'ftp://site.example/', 'HTTP://site.example/', 'http:///x', 'http://127.1/',
  ].map((target) => [target, wellFormedTarget(target)]);
  assert.deepEqual(verdicts, [
    ['/', true], ['/healthz', true], ['/instagram_oembed?url=a\\b', true], ['//site.example/x', true], ['http://site.example/healthz', true],
    ['https://site.example', true], ['http://[::1]:8080/x?y\\z', true], ['*', false], ['', false], ['healthz', false], ['/a\\b', false],
    ['\\', false], ['/a\\b?c', false], ['http://site.example/a\\b', false], ['http://evil:99999/', false],
    ['http://user@site.example/', false], ['ftp://site.example/', false], ['HTTP://site.example/', false], ['http:///x', false],
    ['http://127.1/', false],
  ]);
});

test('requests: exactly one Host in HTTP/1.1; HTTP/1.0 may omit it', () => {
  const req = (version: [number, number], raw: string[]) => ({
    httpVersionMajor: version[0], httpVersionMinor: version[1], url: '/healthz', rawHeaders: raw,
    // node keeps the first Host line in `headers`.
    headers: { host: raw.find((_, i) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === 'host') },
  });
  assert.deepEqual([
    wellFormedRequest(req([1, 1], ['Host', 'site.example'])),
    wellFormedRequest(req([1, 1], [])),
    wellFormedRequest(req([1, 0], [])),
    wellFormedRequest(req([1, 0], ['Host', 'a b'])),
    wellFormedRequest(req([1, 1], ['Host', 'a.example', 'Accept', '*/*', 'HOST', 'b.example'])),
  ], [true, false, true, false, false]);
});

describe('over HTTP', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(() => h.close());

  test(`all ${ACCEPTED_HOSTS.length} accepted Hosts are served by the app itself (Hono's Node adapter refuses none of them)`, async () => {
    for (const host of ACCEPTED_HOSTS) {
      const res = await rawExchange(h.base, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assert.deepEqual([res.statusLine, JSON.parse(res.body).status], ['HTTP/1.1 200 OK', 'ok'], host);
    }
  });

  test(`all ${REFUSED_HOSTS.length} refused Hosts get our 400 bad_request`, async () => {
    for (const [host, why] of REFUSED_HOSTS) {
      const res = await rawExchange(h.base, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assert.deepEqual([res.statusLine, JSON.parse(res.body).error?.code], ['HTTP/1.1 400 Bad Request', 'bad_request'], why);
    }
  });
});
