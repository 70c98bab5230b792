/** Reads an Instagram post URL with the proxy's own grammar, for the request key and the fallback link. */
import { canonicalisePostUrl } from '../instagram/post-url.js';

export interface PostRef {
  /** `https://www.instagram.com/{p|reel|tv}/{shortcode}/` */
  url: string;
  /** The `{username}` of a `/{username}/p/…` URL, when the author wrote one. */
  username: string | undefined;
}

/**
 * null when `raw` is not an Instagram post, reel or IGTV permalink: exactly the URLs the proxy refuses
 * (surrounding whitespace included, which `new URL()` would have trimmed).
 */
export function parsePostUrl(raw: string | null | undefined): PostRef | null {
  const post = canonicalisePostUrl(raw ?? '');
  return post && { url: post.url, username: post.username };
}
