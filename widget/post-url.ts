/** Reads an Instagram post URL the way the proxy canonicalises it, for the request key and the fallback link. */

export interface PostRef {
  /** `https://www.instagram.com/{p|reel|tv}/{shortcode}/` */
  url: string;
  /** The `{username}` of a `/{username}/p/…` URL, when the author wrote one. */
  username: string | undefined;
}

const PATH = /^\/(?:([A-Za-z0-9._]{1,30})\/)?(p|reels?|tv)\/([A-Za-z0-9_-]{1,64})\/?$/;

/** null when `raw` is not an Instagram post, reel or IGTV permalink (the proxy stays the authority). */
export function parsePostUrl(raw: string | null | undefined): PostRef | null {
  let url: URL;
  try {
    url = new URL(raw ?? '');
  } catch {
    return null;
  }
  const match = PATH.exec(url.pathname);
  if (!match || !/^https?:$/.test(url.protocol) || url.port || url.username || url.password ||
    !/^(www\.)?instagram\.com$|^instagr\.am$/.test(url.hostname)) return null;
  const kind = match[2] === 'reels' ? 'reel' : match[2];
  return { url: `https://www.instagram.com/${kind}/${match[3]}/`, username: match[1] };
}
