// Properties of isInstagramHttpsUrl over generated spellings (fast-check): whatever it accepts, the WHATWG
// URL parser reads as https on Instagram's host with no port and no user info, so the check needs no URL object.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isInstagramHttpsUrl } from '../../instagram/embed-markup.js';

const SCHEMES = ['https://', 'HTTPS://', 'hTtPs://', 'http://', 'https:/', 'https:\\\\', 'https:///', '//', ' https://', 'https://user@', 'https://:@'];
const HOSTS = ['www.instagram.com', 'instagram.com', 'WWW.Instagram.COM', 'INSTAGRAM.COM', 'www.instagram.com.', 'instagram.com:443',
  'instagram.com:', 'www.instagram.com@evil.example', 'instagram.com.evil.example', 'm.instagram.com', 'www.іnstagram.com', 'instagram。com',
  '%69nstagram.com', 'instagr.am', 'evil.example'];
const AFTER_HOST = ['/', '/', '/', '', '\\', '?', '#', ':443/', '@evil.example/', '%2F', '\t/', '/\n'];
const TAIL_CHARS = [...'abcXYZ019_-./?#=&:@%~+!$\'()*,;[]', '\\', ' ', '\t', '\n', '\u0000', '\u007f', 'é', 'ſ', '\u212a', '\u{1F600}', '%2e%2e', '..'];

const tail = fc.array(fc.constantFrom(...TAIL_CHARS), { maxLength: 24 }).map((parts) => parts.join(''));
const spelling = fc.tuple(
  fc.oneof({ weight: 4, arbitrary: fc.constant('https://') }, { weight: 3, arbitrary: fc.constantFrom(...SCHEMES) }),
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom('www.instagram.com', 'instagram.com') }, { weight: 3, arbitrary: fc.constantFrom(...HOSTS) }),
  fc.oneof({ weight: 4, arbitrary: fc.constant('/') }, { weight: 3, arbitrary: fc.constantFrom(...AFTER_HOST) }),
  tail,
).map((parts) => parts.join(''));

describe('isInstagramHttpsUrl over generated spellings', () => {
  test('what it accepts, the URL parser reads as https on instagram.com or www.instagram.com, no port, no user info', () => {
    let accepted = 0;
    fc.assert(fc.property(fc.oneof({ weight: 5, arbitrary: spelling }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }), (raw) => {
      if (!isInstagramHttpsUrl(raw)) return;
      accepted++;
      const url = new URL(raw);
      assert.equal(url.protocol, 'https:', raw);
      assert.equal(['www.instagram.com', 'instagram.com'].includes(url.hostname), true, raw);
      assert.equal(`${url.port}|${url.username}|${url.password}`, '||', raw);
    }), { numRuns: 10000, seed: 3 });
    assert.equal(accepted > 800, true, `only ${accepted} of 10000 spellings were accepted`);
  });

  test('it refuses an Instagram URL spelled with what a parser would repair or reinterpret', () => {
    const refused = ['https://instagram.com:443/p/x/', 'https://user@instagram.com/p/x/', 'https://www.instagram.com\\p/x/',
      'https://www.instagram.com/p/x /', 'https://www.instagram.com/p/é/', 'https://www.instagram.com./p/x/', 'https:/instagram.com/p/x/',
      'http://www.instagram.com/p/x/', `https://www.instagram.com/${'a'.repeat(2030)}`];
    assert.deepEqual(refused.filter(isInstagramHttpsUrl), []);
    assert.deepEqual(['https://www.instagram.com/p/x/', 'HTTPS://INSTAGRAM.COM/natgeo/'].map(isInstagramHttpsUrl), [true, true]);
  });
});
