/**
 * fast-check generators of post-URL spellings for the canonicalisation property tests: the parts an
 * Instagram link is made of (scheme, host, username, kind, shortcode, slash, query, fragment), each drawn
 * from accepted spellings and the tricks issue 2's table names, so generated inputs are often accepted
 * and often one character away from it. Written here, not taken from instagram/post-url.ts.
 */
import fc from 'fast-check';

const SCHEMES = ['https://', 'http://', 'HTTPS://', 'hTtP://', '//', 'https:/', 'https:\\\\', 'javascript:', 'ftp://', ' https://', 'https://user@'];
const HOSTS = ['www.instagram.com', 'instagram.com', 'instagr.am', 'WWW.Instagram.COM', 'www.instagr.am', 'www.instagram.com.',
  'www.instagram.com:443', 'www.instagram.com.evil.example', 'evil.example', 'www.іnstagram.com', 'www.instagram。com', '%77ww.instagram.com',
  'm.instagram.com', '157.240.1.174', 'www.instagram.com@evil.example'];
const KINDS = ['p', 'reel', 'reels', 'tv', 'P', 'stories', 'explore', 'p/p'];
const USERNAMES = ['natgeo', 'nat.geo_1', 'p', 'reel', '..', '.', 'a'.repeat(31), 'x%2e', 'user name'];
const SHORTCODE_CHARS = [...'ABCabcXYZxyz0189_-', '.', '%', '/', '\\', 'é', ' ', '\t'];
const QUERY_CHARS = [...'abc=&?/:_~.', '%2F', '%41'];
const BAD_QUERY_CHARS = [...QUERY_CHARS, '#', '@', ' ', '"', '<', '\u00e9', '\n', '%4', '%zz', '\\'];

const from = (chars: readonly string[], maxLength: number) => fc.array(fc.constantFrom(...chars), { maxLength }).map((parts) => parts.join(''));

/** Mostly `good`, sometimes one of the tricks in `bad`: so a whole URL is often accepted and often just not. */
const mostly = (good: fc.Arbitrary<string>, bad: fc.Arbitrary<string>) => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: bad });
const optional = (part: fc.Arbitrary<string>) => fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 1, arbitrary: part });

/** A spelling of a post URL, or something close to one. */
export const postUrlSpelling: fc.Arbitrary<string> = fc.tuple(
  mostly(fc.constantFrom('https://', 'http://'), fc.constantFrom(...SCHEMES)),
  mostly(fc.constantFrom('www.instagram.com', 'instagram.com', 'instagr.am'), fc.constantFrom(...HOSTS)),
  optional(mostly(fc.constantFrom('natgeo/', 'nat.geo_1/'), fc.constantFrom(...USERNAMES).map((u) => `${u}/`))),
  mostly(fc.constantFrom('p', 'reel', 'reels', 'tv'), fc.constantFrom(...KINDS)),
  mostly(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), from(SHORTCODE_CHARS, 12)),
  mostly(fc.constantFrom('/', ''), fc.constant('//')),
  optional(mostly(from(QUERY_CHARS, 16), from(BAD_QUERY_CHARS, 16)).map((q) => `?${q}`)),
  optional(mostly(from(QUERY_CHARS, 8), from(BAD_QUERY_CHARS, 8)).map((f) => `#${f}`)),
).map(([scheme, host, username, kind, shortcode, slash, query, fragment]) => `${scheme}${host}/${username}${kind}/${shortcode}${slash}${query}${fragment}`);

/** What the proxy promises to send upstream and key its cache by, written independently of the grammar. */
export const CANONICAL_POST_URL = /^https:\/\/www\.instagram\.com\/(?:p|reel|tv)\/[A-Za-z0-9_-]{1,64}\/$/;
