/**
 * What the text fields of Instagram's oEmbed answer can truthfully hold (Meta's documentation and every
 * recording in proxy/fixtures/graph). A value outside its rule cannot be true, whoever sent it, so the
 * proxy drops the field instead of passing it to clients. No DOM, no Node APIs: safe in either runtime.
 */
import { isUsername } from './post-url.js';

/** oEmbed 1.0's four types; Instagram's embeds are all `rich`. */
const OEMBED_TYPES: ReadonlySet<string> = new Set(['rich', 'video', 'photo', 'link']);

/** The provider URL, as Graph (`…com/`) and the legacy endpoint (`…com`) write it: the same URL. */
const PROVIDER_URLS: ReadonlySet<string> = new Set(['https://www.instagram.com/', 'https://www.instagram.com']);

/** `https://www.instagram.com/{username}` with or without the final slash (the legacy endpoint left it out). */
const PROFILE_URL = /^https:\/\/(?:www\.)?instagram\.com\/([A-Za-z0-9._]{1,30})\/?$/;

/** Meta's image CDNs: thumbnails are served from subdomains of these, and only of these. */
const CDN_SUFFIXES = ['.cdninstagram.com', '.fbcdn.net'];

/** Markup, control characters (C0, DEL, C1) and the bidi overrides that let a name pose as another. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const NOT_PLAIN = /[<>\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export const MAX_NAME_LENGTH = 100;

/** A name (author, provider): plain text of 1–100 characters with something visible in it. */
export function isPlainName(value: string): boolean {
  return /\S/.test(value) && !NOT_PLAIN.test(value) && [...value].length <= MAX_NAME_LENGTH;
}

export function isProviderUrl(value: string): boolean {
  return PROVIDER_URLS.has(value);
}

/** An Instagram profile: https, Instagram's host, one username segment, nothing else. */
export function isProfileUrl(value: string): boolean {
  const username = PROFILE_URL.exec(value)?.[1];
  return username !== undefined && isUsername(username);
}

/** An https URL on a subdomain of Meta's image CDNs, in visible ASCII, exactly as a URL parser reads it. */
export function isThumbnailUrl(value: string): boolean {
  if (value.length > 2048 || !/^https:\/\/[!-[\]-~]+$/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  // The raw string must spell the host the parser found, so no repair (`\`, `@`, `:443`) hides another.
  return value.startsWith(`https://${url.hostname}/`) && CDN_SUFFIXES.some((suffix) => url.hostname.endsWith(suffix));
}

/** The rule for each text field of an answer; `html` has its own (instagram/embed-markup.ts). */
export const FIELD_RULES = {
  version: (value: string) => value === '1.0',
  type: (value: string) => OEMBED_TYPES.has(value),
  provider_name: isPlainName,
  provider_url: isProviderUrl,
  author_name: isPlainName,
  author_url: isProfileUrl,
  thumbnail_url: isThumbnailUrl,
} as const satisfies Record<string, (value: string) => boolean>;
