// parseOembedQuery: the accepted parameters, each rejection, and the documented precedence.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { MAX_QUERY_LENGTH, parseOembedQuery, QUERY_ERRORS, type OembedQuery, type QueryError } from '../../proxy/query.js';

const POST = 'https://www.instagram.com/p/CARbvuYDm3Q/';
const U = `url=${encodeURIComponent(POST)}`;
const natgeo = { url: POST, kind: 'p', shortcode: 'CARbvuYDm3Q' } as const;

describe('parseOembedQuery accepts', () => {
  const accepted: Array<[string, OembedQuery]> = [
    [U, { post: natgeo, hidecaption: false, omitscript: false }],
    [`url=${POST}`, { post: natgeo, hidecaption: false, omitscript: false }],
    [`${U}&maxwidth=320&hidecaption=true&omitscript=1&format=json`, { post: natgeo, maxwidth: 320, hidecaption: true, omitscript: true }],
    [`format=json&omitscript=0&hidecaption=false&maxwidth=658&${U}`, { post: natgeo, maxwidth: 658, hidecaption: false, omitscript: false }],
    [`${U}&hidecaption=1&omitscript=true`, { post: natgeo, hidecaption: true, omitscript: true }],
    [`url=${encodeURIComponent('http://instagram.com/natgeo/reels/DTxk5orCKEv?igshid=abc')}`,
      { post: { url: 'https://www.instagram.com/reel/DTxk5orCKEv/', kind: 'reel', shortcode: 'DTxk5orCKEv', username: 'natgeo' }, hidecaption: false, omitscript: false }],
    [`url=${encodeURIComponent(`${POST}?utm_source=ig_embed&utm_campaign=loading`)}`, { post: natgeo, hidecaption: false, omitscript: false }],
    [`${U}&maxwidth=%34%30%30`, { post: natgeo, maxwidth: 400, hidecaption: false, omitscript: false }],
  ];
  for (const [search, expected] of accepted) {
    test(`?${search}`, () => assert.deepEqual(parseOembedQuery(search), expected));
  }
});

describe('parseOembedQuery rejects', () => {
  const E = QUERY_ERRORS;
  const rejected: Array<[string, QueryError, string]> = [
    ['', E.missingUrl, 'no query at all'],
    ['maxwidth=400', E.missingUrl, 'url missing'],
    ['url', E.missingValue, 'url without ='],
    [`${U}&hidecaption`, E.missingValue, 'flag without a value'],
    ['url=', E.url, 'empty url'],
    [`${U}&`, E.emptyParam, 'trailing &'],
    [`&${U}`, E.emptyParam, 'leading &'],
    [`${U}&&maxwidth=400`, E.emptyParam, 'empty name between &&'],
    [`${U}&=x`, E.unknownParam, 'empty name before ='],
    [`${U}&${U}`, E.repeatedParam, 'url twice'],
    [`${U}&url=${encodeURIComponent('https://www.instagram.com/p/other/')}`, E.repeatedParam, 'two different urls'],
    [`${U}&maxwidth=400&maxwidth=400`, E.repeatedParam, 'maxwidth twice, same value'],
    [`${U}&fields=author_name`, E.unknownParam, 'fields is never forwarded'],
    [`${U}&access_token=1|2`, E.unknownParam, 'access_token is never forwarded'],
    [`${U}&callback=f`, E.unknownParam, 'no JSONP'],
    [`${U}&maxheight=400`, E.unknownParam, 'maxheight is not a Meta parameter'],
    [`URL=${encodeURIComponent(POST)}`, E.unknownParam, 'names are case-sensitive'],
    [`%75rl=${encodeURIComponent(POST)}`, E.unknownParam, 'names are not percent-decoded'],
    [`${U}&__proto__=1`, E.unknownParam, 'prototype keys are just unknown names'],
    [`url=${POST}?igshid=1&utm_source=x`, E.unknownParam, 'an unencoded & inside url splits it'],
    [`url=https%3A%2F%2Fwww.instagram.com%2Fp%2Fx%ZZ`, E.badUrlEncoding, 'malformed escape in url'],
    [`url=https%3A%2F%2Fwww.instagram.com%2Fp%2Fx%2`, E.badUrlEncoding, 'truncated escape in url'],
    [`url=https%3A%2F%2Fwww.instagram.com%2Fp%2Fx%ED%A0%80`, E.badUrlEncoding, 'lone surrogate in url'],
    [`url=https://www.instagram.com/p/a+b/`, E.url, '+ is a space, so not a shortcode'],
    [`url=${encodeURIComponent(' ' + POST)}`, E.url, 'encoded leading space'],
    [`url=https%3A%2F%2Fwww.instagram.com%2Fp%2Fx%252e%252e%2F`, E.url, 'double-encoded dot-dot is never decoded twice'],
    [`url=${encodeURIComponent('https://www.instagram.com/natgeo/')}`, E.url, 'profile'],
    [`url=${encodeURIComponent('https://www.instagram.com.evil.example/p/x/')}`, E.url, 'look-alike host'],
    [`${U}&maxwidth=319`, E.maxwidth, 'below Meta range'],
    [`${U}&maxwidth=659`, E.maxwidth, 'above Meta range'],
    [`${U}&maxwidth=0400`, E.maxwidth, 'leading zero'],
    [`${U}&maxwidth=+400`, E.maxwidth, 'leading + (a space)'],
    [`${U}&maxwidth=%2B400`, E.maxwidth, 'leading encoded +'],
    [`${U}&maxwidth=-400`, E.maxwidth, 'sign'],
    [`${U}&maxwidth=400.0`, E.maxwidth, 'decimals'],
    [`${U}&maxwidth=4e2`, E.maxwidth, 'exponent'],
    [`${U}&maxwidth=400%20`, E.maxwidth, 'trailing space'],
    [`${U}&maxwidth=0x190`, E.maxwidth, 'hex'],
    [`${U}&maxwidth=`, E.maxwidth, 'empty maxwidth'],
    [`${U}&maxwidth=%G0`, E.badEncoding, 'malformed escape in maxwidth'],
    [`${U}&hidecaption=yes`, E.hidecaption, 'yes is not a flag value'],
    [`${U}&hidecaption=TRUE`, E.hidecaption, 'flags are lower case'],
    [`${U}&hidecaption=`, E.hidecaption, 'empty flag'],
    [`${U}&omitscript=2`, E.omitscript, 'omitscript 2'],
    [`${U}&format=xml`, E.format, 'xml'],
    [`${U}&format=JSON`, E.format, 'format is case-sensitive'],
    [`${U}&format=`, E.format, 'empty format'],
    [`${U}&format=%ZZ`, E.badEncoding, 'malformed escape in format'],
    ['x'.repeat(MAX_QUERY_LENGTH + 1), E.tooLong, 'over 8 KiB'],
  ];
  for (const [search, expected, why] of rejected) {
    const shown = search.length > 100 ? `${search.slice(0, 40)}… (${search.length} chars)` : search;
    test(`${why}: ?${shown} → ${expected.code}`, () => assert.deepEqual(parseOembedQuery(search), expected));
  }
});

describe('parseOembedQuery precedence', () => {
  test('unknown and repeated parameters win over everything else', () => {
    assert.equal(parseOembedQuery('format=xml&url=bad&maxwidth=1&x=1'), QUERY_ERRORS.unknownParam);
    assert.equal(parseOembedQuery('format=xml&url=bad&url=bad'), QUERY_ERRORS.repeatedParam);
  });
  test('format wins over url and the other values', () => {
    assert.equal(parseOembedQuery('maxwidth=1&url=bad&format=xml'), QUERY_ERRORS.format);
    assert.equal(parseOembedQuery('maxwidth=1&format=xml'), QUERY_ERRORS.format);
  });
  test('url wins over maxwidth and the flags', () => {
    assert.equal(parseOembedQuery('hidecaption=2&maxwidth=1&url=bad'), QUERY_ERRORS.url);
  });
  test('maxwidth, then hidecaption, then omitscript', () => {
    assert.equal(parseOembedQuery(`omitscript=2&hidecaption=2&maxwidth=1&${U}`), QUERY_ERRORS.maxwidth);
    assert.equal(parseOembedQuery(`omitscript=2&hidecaption=2&${U}`), QUERY_ERRORS.hidecaption);
  });
});

describe('parseOembedQuery error messages', () => {
  test('every message is one sentence ending in a full stop and carries no input', () => {
    const hostile = `url=${encodeURIComponent('<script>alert(1)</script>')}&maxwidth=<b>`;
    for (const err of Object.values(QUERY_ERRORS)) {
      assert.match(err.message, /^[A-Za-z][^<>\n]*\.$/);
      assert.equal(Object.isFrozen(err), true);
    }
    const result = parseOembedQuery(hostile);
    assert.equal('code' in result && !result.message.includes('script'), true);
  });
});
