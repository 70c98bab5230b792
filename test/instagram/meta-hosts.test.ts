// isMetaHost: Meta's hosts and their subdomains, and look-alikes that are not Meta's.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { isMetaHost } from '../../instagram/meta-hosts.js';

/** The hostname a browser would contact for `href`, as the widget reads it. */
const host = (href: string) => new URL(href).hostname;

describe('isMetaHost', () => {
  test('the hosts the issue names, with and without subdomains, are Meta\'s', () => {
    const hosts = [
      'instagram.com', 'www.instagram.com', 'scontent.cdninstagram.com', 'scontent-lhr8-1.cdninstagram.com',
      'fbcdn.net', 'scontent.xx.fbcdn.net', 'facebook.com', 'www.facebook.com', 'connect.facebook.net',
      'lookaside.fbsbx.com', 'instagr.am', 'fb.com', 'www.threads.net',
    ];
    assert.deepEqual(hosts.filter((h) => !isMetaHost(h)), []);
  });

  test('URL spellings a browser resolves to a Meta host are Meta\'s (case, trailing dot, percent-encoding, protocol-relative)', () => {
    const hrefs = [
      'https://SCONTENT.CDNINSTAGRAM.COM/v/t51/1.jpg', 'https://instagram.com./p/x/', 'https://scontent%2Ecdninstagram.com/x.jpg',
      'https://user:pw@www.facebook.com:8443/x', 'http://fbcdn.net/x',
    ];
    assert.deepEqual(hrefs.filter((href) => !isMetaHost(host(href))), []);
    assert.equal(isMetaHost(new URL('//scontent.cdninstagram.com/x.jpg', 'https://example.com/').hostname), true);
  });

  test('look-alikes and other hosts are not Meta\'s', () => {
    const hosts = [
      'example.com', 'notinstagram.com', 'instagram.com.example.com', 'myfacebook.net', 'fbcdn.network',
      'cdn.example.com', 'instagram.co', '127.0.0.1', '', 'localhost',
    ];
    assert.deepEqual(hosts.filter((h) => isMetaHost(h)), []);
  });
});
