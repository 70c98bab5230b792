// The rules for oEmbed answer fields: every value Meta's recordings hold passes; values that cannot be true fail.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { FIELD_RULES, isPlainName, isProfileUrl, isProviderUrl, isThumbnailUrl, MAX_NAME_LENGTH } from '../../instagram/oembed-fields.js';

const FIXTURES = new URL('../../proxy/fixtures/graph/', import.meta.url);
const recordings = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json') && !file.endsWith('.headers.json'))
  .map((file) => JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Record<string, unknown>)
  .filter((body) => typeof body.html === 'string');

describe('oEmbed field rules', () => {
  test("every text field of every recording passes its rule (2020 Graph, legacy endpoint, 2026)", () => {
    let checked = 0;
    for (const body of recordings) {
      for (const [name, rule] of Object.entries(FIELD_RULES)) {
        const value = body[name];
        if (typeof value !== 'string') continue;
        assert.equal(rule(value), true, `${name}: ${value}`);
        checked++;
      }
    }
    assert.equal(checked >= 40, true, `only ${checked} values`);
  });

  test('provider_url is Instagram\'s home page, with or without the slash', () => {
    assert.deepEqual(
      ['https://www.instagram.com/', 'https://www.instagram.com', 'javascript:alert(1)', 'https://evil.example/', 'http://www.instagram.com/', 'https://www.instagram.com/p/x/', 'https://www.instagram.com.evil.example/'].map(isProviderUrl),
      [true, true, false, false, false, false, false],
    );
  });

  test('author_url is an https Instagram profile: one username, no query, no route', () => {
    const yes = ['https://www.instagram.com/natgeo', 'https://www.instagram.com/nat.geo_1/', 'https://instagram.com/natgeo/'];
    const no = ['javascript:alert(1)', 'http://www.instagram.com/natgeo', 'https://evil.example/natgeo', 'https://www.instagram.com/',
      'https://www.instagram.com/p/', 'https://www.instagram.com/explore', 'https://www.instagram.com/natgeo/?x=1', 'https://www.instagram.com/../',
      'https://www.instagram.com/nat%67eo', 'https://www.instagram.com/natgeo/p/x/', `https://www.instagram.com/${'a'.repeat(31)}`,
      'https://www.instagram.com@evil.example/natgeo', 'https://www.instagram.com:443/natgeo'];
    assert.deepEqual(yes.map(isProfileUrl), yes.map(() => true));
    assert.deepEqual(no.map(isProfileUrl), no.map(() => false));
  });

  test('thumbnail_url is https on a subdomain of cdninstagram.com or fbcdn.net, exactly as parsed', () => {
    const yes = ['https://scontent.cdninstagram.com/v/t51.2885-15/e35/1_n.jpg?_nc_ht=scontent.cdninstagram.com&oh=ab',
      'https://scontent-yyz1-1.cdninstagram.com/x.jpg', 'https://scontent.xx.fbcdn.net/v/x.jpg'];
    const no = ['http://scontent.cdninstagram.com/x.jpg', 'https://evil.example/x.jpg', 'https://cdninstagram.com/x.jpg',
      'https://scontent.cdninstagram.com.evil.example/x.jpg', 'https://evilcdninstagram.com/x.jpg', 'https://x@scontent.cdninstagram.com/x.jpg',
      'https://scontent.cdninstagram.com:443/x.jpg', 'https://scontent.cdninstagram.com:8443/x.jpg', 'https://scontent.cdninstagram.com./x.jpg',
      'https:\\\\scontent.cdninstagram.com/x.jpg', 'https://SCONTENT.cdninstagram.com/x.jpg', 'https://scontent.cdninstagram.com/x .jpg',
      'javascript:alert(1)//scontent.cdninstagram.com/', 'https://scontent.fbcdn.net.evil.example/', 'https://evil.example/#.cdninstagram.com'];
    assert.deepEqual(yes.map(isThumbnailUrl), yes.map(() => true));
    assert.deepEqual(no.map(isThumbnailUrl), no.map(() => false));
  });

  test(`names are plain text of 1–${MAX_NAME_LENGTH} characters`, () => {
    const yes = ['natgeo', 'Travel | Nature & Animals', 'Zoë 🌍', 'x'.repeat(MAX_NAME_LENGTH), '😀'.repeat(MAX_NAME_LENGTH)];
    const no = ['', '   ', '<b>natgeo</b>', '<img src=x onerror=alert(1)>', 'a>b', 'x'.repeat(MAX_NAME_LENGTH + 1), 'line\nbreak', 'nul\u0000', 'c1\u0085',
      'evil\u202Eoegtan', 'isolate\u2066x'];
    assert.deepEqual(yes.map(isPlainName), yes.map(() => true));
    assert.deepEqual(no.map(isPlainName), no.map(() => false));
  });

  test('version is 1.0 and type one of oEmbed\'s four', () => {
    assert.deepEqual(['1.0', '2.0', '<b>'].map(FIELD_RULES.version), [true, false, false]);
    assert.deepEqual(['rich', 'video', 'photo', 'link', 'Rich', 'script'].map(FIELD_RULES.type), [true, true, true, true, false, false]);
  });
});
