// canonicalisePostUrl over the URL table (test/support/url-table.ts): every accepted spelling and every rejected class (R1–R6).
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { canonicalisePostUrl, type CanonicalPost } from '../../instagram/post-url.js';
import { NATGEO, URL_TABLE as TABLE } from '../support/url-table.js';

describe('canonicalisePostUrl table', () => {
  for (const row of TABLE) {
    const shown = row.input.length > 80 ? `${row.input.slice(0, 60)}… (${row.input.length} chars)` : JSON.stringify(row.input);
    test(`${row.cls} ${row.why}: ${shown} → ${row.verdict ?? 'invalid_url'}`, () => {
      assert.equal(canonicalisePostUrl(row.input)?.url ?? null, row.verdict);
    });
  }

  test('the table covers every class with at least 80 rows', () => {
    const classes = new Set(TABLE.map((row) => row.cls));
    assert.deepEqual([...classes].sort(), ['OK', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6']);
    assert.equal(TABLE.length >= 80, true, `only ${TABLE.length} rows`);
  });
});

describe('canonicalisePostUrl result', () => {
  test('ten spellings of one post give one canonical URL', () => {
    const spellings = TABLE.filter((row) => row.verdict === NATGEO).map((row) => row.input);
    assert.equal(spellings.length >= 10, true);
    assert.deepEqual(new Set(spellings.map((s) => canonicalisePostUrl(s)?.url)), new Set([NATGEO]));
  });

  test('a username segment is kept in the result but not in the URL', () => {
    assert.deepEqual(canonicalisePostUrl('https://www.instagram.com/nat.geo_1/reels/Ab_-9/?x=1'), {
      url: 'https://www.instagram.com/reel/Ab_-9/', kind: 'reel', shortcode: 'Ab_-9', username: 'nat.geo_1',
    } satisfies CanonicalPost);
  });

  test('a plain post has no username key', () => {
    assert.deepEqual(canonicalisePostUrl('http://instagr.am/tv/CCX-gcHArcJ'), {
      url: 'https://www.instagram.com/tv/CCX-gcHArcJ/', kind: 'tv', shortcode: 'CCX-gcHArcJ',
    });
  });

  test('the shortcode keeps its case', () => {
    assert.equal(canonicalisePostUrl('https://www.instagram.com/p/AbC/')?.shortcode, 'AbC');
    assert.notEqual(canonicalisePostUrl('https://www.instagram.com/p/abc/')?.url, canonicalisePostUrl('https://www.instagram.com/p/ABC/')?.url);
  });
});

/** What the WHATWG parser makes of `raw`, as the same shape we would send upstream. */
function whatwgReading(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const hostOk = ['www.instagram.com', 'instagram.com', 'instagr.am'].includes(url.hostname);
  const schemeOk = url.protocol === 'https:' || url.protocol === 'http:';
  if (!hostOk || !schemeOk || url.port !== '' || url.username !== '' || url.password !== '') return null;
  return url.pathname;
}

describe('canonicalisePostUrl agrees with the WHATWG parser', () => {
  test('every accepted row parses to the same host and the very same path, unrepaired', () => {
    for (const row of TABLE.filter((r) => r.verdict !== null)) {
      const url = new URL(row.input);
      const rebuilt = `${url.protocol}//${url.host}${url.pathname}${url.search}${url.hash}`;
      const rawOriginEnd = row.input.indexOf('/', row.input.indexOf('//') + 2);
      const expected = row.input.slice(0, rawOriginEnd).toLowerCase() + row.input.slice(rawOriginEnd);
      assert.equal(rebuilt, expected, row.input);
    }
  });

  test('no single inserted or replaced character makes us accept what WHATWG reads as another post', () => {
    const base = 'https://www.instagram.com/natgeo/p/CARbvuYDm3Q/?a=1#f';
    const noise = ['\\', '@', ':', '.', '/', '%', '%2e', '\t', '\n', ' ', '\u3002', '\uff0e', '\u00ad', '\u200b', '#', '?', '[', ']', '0', 'A', '-', '_', '..'];
    let accepted = 0;
    for (let i = 0; i <= base.length; i++) {
      for (const n of noise) {
        for (const candidate of [base.slice(0, i) + n + base.slice(i), base.slice(0, i) + n + base.slice(i + 1)]) {
          const ours = canonicalisePostUrl(candidate);
          if (ours === null) continue;
          accepted++;
          const path = whatwgReading(candidate);
          assert.notEqual(path, null, JSON.stringify(candidate));
          const segments = (path ?? '').split('/').filter(Boolean);
          assert.equal(segments.at(-1), ours.shortcode, JSON.stringify(candidate));
        }
      }
    }
    assert.equal(accepted > 50, true, `only ${accepted} accepted mutations: the test would prove little`);
  });
});
