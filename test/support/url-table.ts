/**
 * VALIDATION's URL table: inputs with their verdict (the canonical URL, or null for 400 invalid_url),
 * covering every class of issue 2 (R1–R6) and the accepted spellings. Shared by the unit test of
 * canonicalisePostUrl and the HTTP tests, so both prove the same table.
 */
import { MAX_URL_LENGTH } from '../../instagram/post-url.js';

export type Verdict = string | null; // the canonical URL, or null for 400 invalid_url
export interface UrlRow { input: string; verdict: Verdict; cls: 'OK' | 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6'; why: string }

export const NATGEO = 'https://www.instagram.com/p/CARbvuYDm3Q/';
const REEL = 'https://www.instagram.com/reel/DTxk5orCKEv/';
const X = 'https://www.instagram.com/p/x/';
const CODE_64 = 'A'.repeat(32) + 'b_-9'.repeat(8);
const LONG_QUERY = (total: number): string => {
  const head = `${NATGEO}?q=`;
  return head + 'a'.repeat(total - head.length);
};

export const URL_TABLE: readonly UrlRow[] = [
  // Accepted spellings of real posts.
  { input: NATGEO, verdict: NATGEO, cls: 'OK', why: 'already canonical' },
  { input: 'https://www.instagram.com/p/CARbvuYDm3Q', verdict: NATGEO, cls: 'OK', why: 'no trailing slash' },
  { input: 'http://www.instagram.com/p/CARbvuYDm3Q/', verdict: NATGEO, cls: 'OK', why: 'http is upgraded' },
  { input: 'https://instagram.com/p/CARbvuYDm3Q/', verdict: NATGEO, cls: 'OK', why: 'bare host gets www' },
  { input: 'https://WWW.INSTAGRAM.COM/p/CARbvuYDm3Q/', verdict: NATGEO, cls: 'OK', why: 'host is case-insensitive' },
  { input: 'HTTPS://Instagram.Com/p/CARbvuYDm3Q/', verdict: NATGEO, cls: 'OK', why: 'scheme is case-insensitive' },
  { input: 'https://www.instagram.com/p/CARbvuYDm3Q/?igshid=1mn51zsvrhoiq', verdict: NATGEO, cls: 'OK', why: 'share query dropped' },
  { input: 'https://www.instagram.com/p/CARbvuYDm3Q/#comments', verdict: NATGEO, cls: 'OK', why: 'fragment dropped' },
  { input: 'https://www.instagram.com/natgeo/p/CARbvuYDm3Q/', verdict: NATGEO, cls: 'OK', why: 'username segment dropped' },
  { input: 'https://www.instagram.com/p/CARbvuYDm3Q/?utm_source=ig_embed&utm_campaign=loading', verdict: NATGEO, cls: 'OK', why: "Meta's own permalink query" },
  { input: 'http://instagr.am/p/CARbvuYDm3Q/', verdict: NATGEO, cls: 'OK', why: "Meta's short domain, accepted upstream" },
  { input: 'https://www.instagram.com/p/CARbvuYDm3Q?utm_source=ig_web_copy_link&igsh=MzRlODBiNWFlZA==', verdict: NATGEO, cls: 'OK', why: 'app share link' },
  { input: 'https://www.instagram.com/nat.geo_1/p/CARbvuYDm3Q/?img_index=1#x', verdict: NATGEO, cls: 'OK', why: 'dotted username, query and fragment' },
  { input: 'https://www.instagram.com/p/CARbvuYDm3Q/?next=https://evil.example/', verdict: NATGEO, cls: 'OK', why: 'a URL inside the query is dropped with it' },
  { input: 'https://www.instagram.com/p/CARbvuYDm3Q/?q=%41%2f', verdict: NATGEO, cls: 'OK', why: 'well-formed escapes in the query' },
  { input: 'https://www.instagram.com/reel/DTxk5orCKEv/', verdict: REEL, cls: 'OK', why: 'reel' },
  { input: 'https://www.instagram.com/reels/DTxk5orCKEv/', verdict: REEL, cls: 'OK', why: '/reels/ becomes /reel/' },
  { input: 'https://www.instagram.com/someone/reel/DTxk5orCKEv', verdict: REEL, cls: 'OK', why: 'username before a reel' },
  { input: 'https://www.instagram.com/tv/CCX-gcHArcJ/', verdict: 'https://www.instagram.com/tv/CCX-gcHArcJ/', cls: 'OK', why: 'IGTV' },
  { input: 'https://www.instagram.com/p/B9bOM-6Ax_d/', verdict: 'https://www.instagram.com/p/B9bOM-6Ax_d/', cls: 'OK', why: 'shortcode with - and _' },
  { input: X, verdict: X, cls: 'OK', why: 'one-character shortcode' },
  { input: `https://www.instagram.com/p/${CODE_64}/`, verdict: `https://www.instagram.com/p/${CODE_64}/`, cls: 'OK', why: '64-character shortcode' },
  { input: `https://www.instagram.com/${'u'.repeat(30)}/p/x/`, verdict: X, cls: 'OK', why: '30-character username' },
  { input: LONG_QUERY(MAX_URL_LENGTH), verdict: NATGEO, cls: 'OK', why: 'exactly 2,048 characters' },

  // R1: empty or too long.
  { input: '', verdict: null, cls: 'R1', why: 'empty' },
  { input: LONG_QUERY(MAX_URL_LENGTH + 1), verdict: null, cls: 'R1', why: '2,049 characters' },
  { input: LONG_QUERY(100_000), verdict: null, cls: 'R1', why: '100,000 characters' },

  // R2: userinfo, backslashes, control, whitespace, non-ASCII.
  { input: 'https://user@www.instagram.com/p/x/', verdict: null, cls: 'R2', why: 'userinfo' },
  { input: 'https://user:pw@www.instagram.com/p/x/', verdict: null, cls: 'R2', why: 'userinfo with password' },
  { input: 'https://@www.instagram.com/p/x/', verdict: null, cls: 'R2', why: 'empty userinfo, which WHATWG silently drops' },
  { input: 'https://www.instagram.com@evil.example/p/x/', verdict: null, cls: 'R2', why: 'real host after @' },
  { input: 'https://www.instagram.com/p/x/?a=@b', verdict: null, cls: 'R2', why: '@ is refused anywhere' },
  { input: 'https:\\\\www.instagram.com\\p\\x', verdict: null, cls: 'R2', why: 'backslashes WHATWG turns into slashes' },
  { input: 'https://www.instagram.com\\p\\x\\', verdict: null, cls: 'R2', why: 'backslash path' },
  { input: 'https://www.instagram.com/p/x\\', verdict: null, cls: 'R2', why: 'trailing backslash' },
  { input: 'https://www.insta\ngram.com/p/x/', verdict: null, cls: 'R2', why: 'newline WHATWG deletes' },
  { input: 'https://www.instagram.com/p/CAR\tbvuYDm3Q/', verdict: null, cls: 'R2', why: 'tab WHATWG deletes' },
  { input: 'https://www.instagram.com/p/x/\r\n', verdict: null, cls: 'R2', why: 'trailing CRLF' },
  { input: ' https://www.instagram.com/p/x/', verdict: null, cls: 'R2', why: 'leading space WHATWG trims' },
  { input: 'https://www.instagram.com/p/x/ ', verdict: null, cls: 'R2', why: 'trailing space' },
  { input: 'https://www.instagram.com/p/x/\u0000', verdict: null, cls: 'R2', why: 'NUL' },
  { input: 'https://www.instagram.com/p/x/\u007f', verdict: null, cls: 'R2', why: 'DEL' },
  { input: 'https://www.\u0456nstagram.com/p/x/', verdict: null, cls: 'R2', why: 'Cyrillic і homograph' },
  { input: 'https://www.instagram.c\u043em/p/x/', verdict: null, cls: 'R2', why: 'Cyrillic о homograph' },
  { input: 'https://www\uff0einstagram\uff0ecom/p/x/', verdict: null, cls: 'R2', why: 'full-width dots WHATWG maps to .' },
  { input: 'https://www\u3002instagram\u3002com/p/x/', verdict: null, cls: 'R2', why: 'ideographic full stops' },
  { input: 'https://\uff57\uff57\uff57.instagram.com/p/x/', verdict: null, cls: 'R2', why: 'full-width letters WHATWG maps to ASCII' },
  { input: 'https://www.insta\u200bgram.com/p/x/', verdict: null, cls: 'R2', why: 'zero-width space' },
  { input: 'https://www.instagram.com/p/x\u200d/', verdict: null, cls: 'R2', why: 'zero-width joiner' },
  { input: '\ufeffhttps://www.instagram.com/p/x/', verdict: null, cls: 'R2', why: 'byte-order mark' },
  { input: 'https://www.insta\u00adgram.com/p/x/', verdict: null, cls: 'R2', why: 'soft hyphen IDNA deletes' },
  { input: 'https://www.in\u017ftagram.com/p/x/', verdict: null, cls: 'R2', why: 'long s that Unicode case folding makes s' },
  { input: 'https://www.\u0131nstagram.com/p/x/', verdict: null, cls: 'R2', why: 'dotless i that upper-cases to I' },
  { input: 'https://www.instagram.com/p/caf\u00e9/', verdict: null, cls: 'R2', why: 'non-ASCII shortcode' },

  // R3: malformed shape or scheme, encoded hosts, IP literals.
  { input: 'javascript:alert(1)//www.instagram.com/p/x/', verdict: null, cls: 'R3', why: 'javascript: scheme' },
  { input: 'javascript://www.instagram.com/p/x/%0aalert(1)', verdict: null, cls: 'R3', why: 'javascript: with an authority' },
  { input: 'data:text/html,<script>alert(1)</script>', verdict: null, cls: 'R3', why: 'data: scheme' },
  { input: 'file:///www.instagram.com/p/x/', verdict: null, cls: 'R3', why: 'file: scheme' },
  { input: 'ftp://www.instagram.com/p/x/', verdict: null, cls: 'R3', why: 'ftp: scheme' },
  { input: 'wss://www.instagram.com/p/x/', verdict: null, cls: 'R3', why: 'wss: scheme' },
  { input: 'httpss://www.instagram.com/p/x/', verdict: null, cls: 'R3', why: 'misspelt scheme' },
  { input: 'blob:https://www.instagram.com/p/x/', verdict: null, cls: 'R3', why: 'blob: wrapper' },
  { input: '//www.instagram.com/p/x/', verdict: null, cls: 'R3', why: 'scheme-relative' },
  { input: 'www.instagram.com/p/x/', verdict: null, cls: 'R3', why: 'no scheme' },
  { input: '/p/x/', verdict: null, cls: 'R3', why: 'path only' },
  { input: 'https:/www.instagram.com/p/x/', verdict: null, cls: 'R3', why: 'one slash WHATWG repairs' },
  { input: 'https:www.instagram.com/p/x/', verdict: null, cls: 'R3', why: 'no slashes WHATWG repairs' },
  { input: 'https:///www.instagram.com/p/x/', verdict: null, cls: 'R3', why: 'three slashes WHATWG repairs' },
  { input: 'https://www.instagram.com?p=/p/x/', verdict: null, cls: 'R3', why: 'query straight after the host' },
  { input: 'https://%77ww.instagram.com/p/x/', verdict: null, cls: 'R3', why: 'percent-encoded host WHATWG decodes' },
  { input: 'https://www.instagram%2Ecom/p/x/', verdict: null, cls: 'R3', why: 'percent-encoded dot' },
  { input: 'https://157.240.1.174/p/x/', verdict: null, cls: 'R3', why: 'dotted IPv4' },
  { input: 'https://2649752494/p/x/', verdict: null, cls: 'R3', why: 'decimal IPv4' },
  { input: 'https://0x9d.0xf0.0x01.0xae/p/x/', verdict: null, cls: 'R3', why: 'hex IPv4' },
  { input: 'https://0235.0360.01.0256/p/x/', verdict: null, cls: 'R3', why: 'octal IPv4' },
  { input: 'https://[::ffff:9df0:1ae]/p/x/', verdict: null, cls: 'R3', why: 'IPv4-mapped IPv6' },
  { input: 'https://[::ffff:157.240.1.174]/p/x/', verdict: null, cls: 'R3', why: 'IPv4-mapped IPv6, dotted tail' },
  { input: 'https://[2a03:2880:f20c:e3:face:b00c:0:4420]/p/x/', verdict: null, cls: 'R3', why: 'IPv6 literal' },
  { input: 'https://www.instagram.com:/p/x/', verdict: null, cls: 'R3', why: 'empty port WHATWG drops' },
  { input: 'https://www.instagram.com/p/x/?a=%zz', verdict: null, cls: 'R3', why: 'malformed escape in the query' },
  { input: 'https://www.instagram.com/p/x/#a#b', verdict: null, cls: 'R3', why: 'second #' },
  { input: 'https://www.instagram.com/p/x/?<script>', verdict: null, cls: 'R3', why: 'markup characters in the query' },

  // R4: percent-encoding or dot-segments in the path.
  { input: 'https://www.instagram.com/p/../p/x/', verdict: null, cls: 'R4', why: 'dot-dot segment' },
  { input: 'https://www.instagram.com/p/%2e%2e/', verdict: null, cls: 'R4', why: 'encoded dot-dot' },
  { input: 'https://www.instagram.com/p/abc%2F/', verdict: null, cls: 'R4', why: 'encoded slash' },
  { input: 'https://www.instagram.com/./p/x/', verdict: null, cls: 'R4', why: 'dot segment as username' },
  { input: 'https://www.instagram.com/../p/x/', verdict: null, cls: 'R4', why: 'dot-dot segment as username' },
  { input: 'https://www.instagram.com/p/./x/', verdict: null, cls: 'R4', why: 'dot segment inside' },
  { input: 'https://www.instagram.com/%70/x/', verdict: null, cls: 'R4', why: 'encoded kind' },
  { input: 'https://www.instagram.com/p/x%41/', verdict: null, cls: 'R4', why: 'encoded shortcode character' },
  { input: 'https://www.instagram.com/p/x%3F/', verdict: null, cls: 'R4', why: 'encoded ?' },
  { input: 'https://www.instagram.com/p/x/.', verdict: null, cls: 'R4', why: 'trailing dot segment' },
  { input: 'https://www.instagram.com//p/x/', verdict: null, cls: 'R4', why: 'empty segment' },
  { input: 'https://www.instagram.com/p//x/', verdict: null, cls: 'R4', why: 'empty segment after kind' },

  // R5: hosts that are not exactly instagram.com or www.instagram.com (or instagr.am).
  { input: 'https://instagram.com.evil.example/p/x/', verdict: null, cls: 'R5', why: 'suffix look-alike' },
  { input: 'https://www.instagram.com.evil.example/p/x/', verdict: null, cls: 'R5', why: 'suffix look-alike with www' },
  { input: 'https://evilinstagram.com/p/x/', verdict: null, cls: 'R5', why: 'prefix look-alike' },
  { input: 'https://www-instagram.com/p/x/', verdict: null, cls: 'R5', why: 'hyphen look-alike' },
  { input: 'https://wwww.instagram.com/p/x/', verdict: null, cls: 'R5', why: 'four w' },
  { input: 'https://instagram.co/p/x/', verdict: null, cls: 'R5', why: 'other TLD' },
  { input: 'https://instagram.com./p/x/', verdict: null, cls: 'R5', why: 'trailing dot' },
  { input: 'https://www.instagram.com./p/x/', verdict: null, cls: 'R5', why: 'trailing dot with www' },
  { input: 'https://m.instagram.com/p/x/', verdict: null, cls: 'R5', why: 'subdomain m.' },
  { input: 'https://api.instagram.com/p/x/', verdict: null, cls: 'R5', why: 'subdomain api.' },
  { input: 'https://www.instagram.com:443/p/x/', verdict: null, cls: 'R5', why: 'default port spelt out: ports are refused' },
  { input: 'http://www.instagram.com:80/p/x/', verdict: null, cls: 'R5', why: 'default http port spelt out' },
  { input: 'https://www.instagram.com:8443/p/x/', verdict: null, cls: 'R5', why: 'other port' },
  { input: 'https://www.instagr.am/p/x/', verdict: null, cls: 'R5', why: 'only bare instagr.am is accepted' },
  { input: 'https://instagr.am.evil.example/p/x/', verdict: null, cls: 'R5', why: 'short-domain look-alike' },
  { input: 'https://www.facebook.com/p/x/', verdict: null, cls: 'R5', why: 'other Meta host' },

  // R6: paths that are not posts.
  { input: 'https://www.instagram.com/', verdict: null, cls: 'R6', why: 'home page' },
  { input: 'https://www.instagram.com/natgeo/', verdict: null, cls: 'R6', why: 'profile' },
  { input: 'https://www.instagram.com/natgeo', verdict: null, cls: 'R6', why: 'profile without slash' },
  { input: 'https://www.instagram.com/stories/natgeo/3012345678901234567/', verdict: null, cls: 'R6', why: 'story' },
  { input: 'https://www.instagram.com/explore/tags/cats/', verdict: null, cls: 'R6', why: 'explore' },
  { input: 'https://www.instagram.com/share/BAZ123abc/', verdict: null, cls: 'R6', why: 'share redirect link' },
  { input: 'https://www.instagram.com/share/p/BAZ123abc/', verdict: null, cls: 'R6', why: 'share is a route, not a username' },
  { input: 'https://www.instagram.com/p/p/x/', verdict: null, cls: 'R6', why: 'kind word as username' },
  { input: 'https://www.instagram.com/accounts/login/?next=/p/x/', verdict: null, cls: 'R6', why: 'login page' },
  { input: 'https://www.instagram.com/p/', verdict: null, cls: 'R6', why: 'missing shortcode' },
  { input: 'https://www.instagram.com/tv', verdict: null, cls: 'R6', why: 'kind only' },
  { input: `https://www.instagram.com/p/${CODE_64}a/`, verdict: null, cls: 'R6', why: '65-character shortcode' },
  { input: 'https://www.instagram.com/p/x/embed/', verdict: null, cls: 'R6', why: 'embed page' },
  { input: 'https://www.instagram.com/p/x/embed/captioned/', verdict: null, cls: 'R6', why: 'captioned embed page' },
  { input: 'https://www.instagram.com/p/x/liked_by/', verdict: null, cls: 'R6', why: 'extra segment' },
  { input: 'https://www.instagram.com/P/x/', verdict: null, cls: 'R6', why: 'upper-case kind' },
  { input: 'https://www.instagram.com/reelz/x/', verdict: null, cls: 'R6', why: 'unknown kind' },
  { input: 'https://www.instagram.com/p/x!y/', verdict: null, cls: 'R6', why: 'shortcode character outside the grammar' },
  { input: `https://www.instagram.com/${'u'.repeat(31)}/p/x/`, verdict: null, cls: 'R6', why: '31-character username' },
  { input: 'https://www.instagram.com/user-name/p/x/', verdict: null, cls: 'R6', why: 'hyphen in username' },
];
