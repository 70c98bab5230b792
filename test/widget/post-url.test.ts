// The widget reads post URLs with the proxy's grammar: over the proxy's URL table it accepts exactly the
// rows the proxy accepts, with the same canonical URL, and an element with a refused spelling falls back
// with invalid_url without asking the proxy.
import '../../widget/index.js';
import { parsePostUrl } from '../../widget/post-url.js';
import { URL_TABLE } from '../support/url-table.js';
import { cleanup, embed, equal, nextEvent, proxyCalls, unique } from './support/helpers.js';

afterEach(cleanup);

describe('the widget\'s post URL check', () => {
  it('gives the proxy\'s verdict on every row of the URL table', () => {
    const disagreements = URL_TABLE.filter((row) => (parsePostUrl(row.input)?.url ?? null) !== row.verdict)
      .map((row) => `${row.cls} ${row.why}: ${row.input.slice(0, 80)}`);
    equal(disagreements.join('\n'), '');
    equal(URL_TABLE.length >= 80, true, 'table size');
  });

  it('keeps the username of a /{username}/p/… link for the card', () => {
    equal(JSON.stringify(parsePostUrl('https://www.instagram.com/nat.geo/reels/Ab_-9/?x=1')),
      JSON.stringify({ url: 'https://www.instagram.com/reel/Ab_-9/', username: 'nat.geo' }));
  });

  it('refuses surrounding whitespace, as the proxy does (new URL() used to trim it)', () => {
    equal(parsePostUrl(' https://www.instagram.com/p/abc/'), null);
    equal(parsePostUrl('https://www.instagram.com/p/abc/\n'), null);
  });

  // Spellings the widget used to render although the proxy refuses them.
  for (const [what, spelling] of [
    ['an explicit :443 port', (code: string) => `https://www.instagram.com:443/p/${code}/`],
    ['a backslash', (code: string) => `https:\\\\www.instagram.com/p/${code}/`],
    ['a non-ASCII query', (code: string) => `https://www.instagram.com/p/${code}/?q=é`],
    ['a space in the query', (code: string) => `https://www.instagram.com/p/${code}/?q=a b`],
    ['www.instagr.am', (code: string) => `https://www.instagr.am/p/${code}/`],
  ] as const) {
    it(`falls back with invalid_url and no request for ${what}`, async () => {
      const code = unique('Refused');
      const element = embed({ url: spelling(code), loading: 'eager' });
      const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
      equal(event.detail.reason, 'invalid_url');
      equal((await proxyCalls()).filter((c) => c === code).length, 0, 'proxy requests');
    });
  }
});
