// Request helpers: the raw query string exactly as sent, and headers read the same on Node and elsewhere.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import { header, rawQueryOf, type AppEnv } from '../../proxy/request.js';

describe('rawQueryOf', () => {
  const cases: Array<[string, string]> = [
    ['/instagram_oembed', ''],
    ['/instagram_oembed?', ''],
    ['/instagram_oembed?url=a%2Fb&x=1', 'url=a%2Fb&x=1'],
    ['/instagram_oembed?url=a#frag?x', 'url=a'],
    ['http://host/instagram_oembed?url=%E0%A4%A', 'url=%E0%A4%A'],
  ];
  for (const [target, expected] of cases) {
    test(`${JSON.stringify(target)} → ${JSON.stringify(expected)} (undecoded)`, () => assert.equal(rawQueryOf(target), expected));
  }
});

describe('header', () => {
  test('reads a standard Request header when not on Node (lower-case name), undefined when absent', async () => {
    const app = new Hono<AppEnv>();
    app.get('/', (c) => c.json([header(c, 'origin'), header(c, 'if-none-match')]));
    const res = await app.request('/', { headers: { Origin: 'https://site.example' } });
    assert.deepEqual(await res.json(), ['https://site.example', null]);
  });
});
