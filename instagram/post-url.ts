/**
 * Instagram's post-URL grammar: turns any accepted spelling of a post, reel or IGTV link into the one
 * canonical URL. Shared by the proxy (query parser, sanitiser) and the widget (its local URL check), so
 * the widget refuses exactly what the proxy refuses. No DOM, no Node APIs: safe in either runtime.
 */

export type PostKind = 'p' | 'reel' | 'tv';

export interface CanonicalPost {
  /** `https://www.instagram.com/{kind}/{shortcode}/`: the only URL sent upstream and the cache key. */
  url: string;
  kind: PostKind;
  shortcode: string;
  /** The `/{username}/` segment of a `/{username}/p/{code}/` link, as typed; it never reaches the URL. */
  username?: string;
}

export const MAX_URL_LENGTH = 2048;

/** First path segments that are Instagram routes, never usernames: `/p/p/x/` must not be a post. */
const RESERVED_FIRST_SEGMENTS = /^(?:p|reels?|tv|stories|explore|accounts|share|direct)$/i;

/**
 * True when `segment`, already known to be 1–30 of `[A-Za-z0-9._]` (as the post path and profile URLs
 * match it), can be a username: not only dots (that would be a dot-segment, `/../p/x/`, to every URL
 * parser), and not one of Instagram's routes like `p`.
 */
export function isUsername(segment: string): boolean {
  return /[^.]/.test(segment) && !RESERVED_FIRST_SEGMENTS.test(segment);
}

/**
 * The canonical post for `raw`, or null when `raw` is not exactly an Instagram post, reel or IGTV
 * permalink (the caller answers 400 `invalid_url`). Query and fragment are dropped.
 *
 * Why a strict grammar on the raw string instead of `new URL()`: the WHATWG parser repairs input
 * (`\` → `/`, tabs and newlines deleted, full-width dots mapped, an empty `@` dropped, `%2e%2e`
 * resolved, decimal/octal/hex IPv4 rewritten), so "it parsed to www.instagram.com" says little about
 * what another parser (a proxy, a log reader, Meta) would see. The grammar below only admits strings
 * that every parser reads the same way; the test suite cross-checks each accepted spelling against
 * `new URL()`, so the hot path needs no URL object at all. Its expressions stand where they are used,
 * in the order they read the string (the engine compiles each literal once; a module-level name for
 * each would cost the classic script bytes).
 */
export function canonicalisePostUrl(raw: string): CanonicalPost | null {
  if (raw.length > MAX_URL_LENGTH) return null;
  // Scheme and host are case-insensitive. The `i` flag without `u` never folds a non-ASCII character
  // onto an ASCII one (so `ſ`, `ı`, `K` stay themselves), and any character outside the exact host
  // spellings, including `@`, `:` (a port, even `:443`), `%`, `[`, a trailing dot or a backslash,
  // fails the match because the authority must end at the first `/`. `instagr.am` is Meta's own short
  // domain and is accepted upstream for the same posts. The empty string fails here too.
  const origin = /^https?:\/\/(?:(?:www\.)?instagram\.com|instagr\.am)(?=\/)/i.exec(raw);
  if (origin === null) return null;
  const rest = raw.slice(origin[0].length);
  // The path is case-sensitive (shortcodes are; without the `i` or `u` flag `\w` is exactly
  // `[A-Za-z0-9_]`). Optional `/{username}/`, then `p`, `reel`, `reels` or `tv`, the shortcode and an
  // optional slash. Percent-encoding and dot-segments cannot appear in the path: neither `%` nor a lone
  // `.` segment matches.
  const path = /^\/(?:([\w.]{1,30})\/)?(p|reels?|tv)\/([\w-]{1,64})\/?(?=[?#]|$)/.exec(rest);
  if (path === null) return null;
  // An optional query and fragment (both dropped) made only of RFC 3986 characters: no `@`, no second
  // `#`, and every `%` followed by two hex digits (an empty tail passes). Two plain character-class
  // scans are linear and faster than one alternation per character.
  const tail = rest.slice(path[0].length);
  if (!/^(?:\?[\w\-.~!$&'()*+,;=:/?%]*)?(?:#[\w\-.~!$&'()*+,;=:/?%]*)?$/.test(tail) || /%(?![\dA-Fa-f]{2})/.test(tail)) return null;
  const [, username, rawKind, shortcode] = path as unknown as [string, string | undefined, string, string];
  if (username !== undefined && !isUsername(username)) return null;
  const kind: PostKind = rawKind === 'reels' ? 'reel' : (rawKind as PostKind);
  const post: CanonicalPost = { url: `https://www.instagram.com/${kind}/${shortcode}/`, kind, shortcode };
  if (username !== undefined) post.username = username;
  return post;
}
