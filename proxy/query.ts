/** Parses the query string of `GET /instagram_oembed` strictly, on every request, hits included. */
import { isEmbedWidth, MAX_EMBED_WIDTH, MIN_EMBED_WIDTH } from '../instagram/embed-width.js';
import { canonicalisePostUrl, type CanonicalPost } from '../instagram/post-url.js';

export interface OembedQuery {
  post: CanonicalPost;
  maxwidth?: number;
  hidecaption: boolean;
  omitscript: boolean;
}

export interface QueryError {
  code: 'invalid_url' | 'invalid_param' | 'format_not_supported';
  message: string;
}

/** Room for a 2,048-character url percent-encoded plus every other parameter. */
export const MAX_QUERY_LENGTH = 8192;

// One frozen object per outcome: no allocation on the error path, and no message can echo input.
const error = (code: QueryError['code'], message: string): QueryError => Object.freeze({ code, message });
export const QUERY_ERRORS = {
  tooLong: error('invalid_param', 'The query string is too long.'),
  emptyParam: error('invalid_param', 'The query string contains an empty parameter.'),
  unknownParam: error('invalid_param', 'Only the parameters url, maxwidth, hidecaption, omitscript and format are accepted.'),
  repeatedParam: error('invalid_param', 'Each parameter may appear only once.'),
  missingValue: error('invalid_param', 'Every parameter needs a value after "=".'),
  badEncoding: error('invalid_param', 'A parameter value is not valid percent-encoding.'),
  format: error('format_not_supported', 'Only format=json is supported.'),
  missingUrl: error('invalid_url', 'The url parameter is required.'),
  badUrlEncoding: error('invalid_url', 'The url parameter is not valid percent-encoding.'),
  url: error('invalid_url', 'The url must be an Instagram post, reel or IGTV link such as https://www.instagram.com/p/SHORTCODE/.'),
  maxwidth: error('invalid_param', `maxwidth must be a whole number from ${MIN_EMBED_WIDTH} to ${MAX_EMBED_WIDTH}.`),
  hidecaption: error('invalid_param', 'hidecaption must be true, false, 1 or 0.'),
  omitscript: error('invalid_param', 'omitscript must be true, false, 1 or 0.'),
} as const satisfies Record<string, QueryError>;

type Name = 'url' | 'maxwidth' | 'hidecaption' | 'omitscript' | 'format';
const NAMES: readonly Name[] = ['url', 'maxwidth', 'hidecaption', 'omitscript', 'format'];
const EQUALS = 0x3d;
const AMPERSAND = 0x26;

/**
 * The known name starting at `start`, matched in place so the hot path allocates no name strings.
 * `undefined` for an unknown name; the caller checks that `=` follows.
 */
function nameAt(search: string, start: number): Name | undefined {
  for (const name of NAMES) {
    if (!search.startsWith(name, start)) continue;
    const next = search.charCodeAt(start + name.length);
    if (next === EQUALS || next === AMPERSAND || Number.isNaN(next)) return name;
  }
  return undefined;
}

/** Meta's range. Digits only, no leading zero: one spelling per value. */
const MAXWIDTH = /^[1-9][0-9]{2}$/;

/** application/x-www-form-urlencoded value decoding; undefined when the escapes are malformed. */
function decodeValue(raw: string): string | undefined {
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) return raw;
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

function parseFlag(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return false;
  switch (decodeValue(raw)) {
    case 'true': case '1': return true;
    case 'false': case '0': return false;
    default: return undefined;
  }
}

/**
 * Parses `rawSearch` (the raw query string after `?`, '' when there is none). Precedence, so the
 * error code never depends on parameter order: the query's shape (length, empty parameters, unknown or
 * repeated names, missing values) → `format` → `url` → `maxwidth`, `hidecaption`, `omitscript`.
 * Names are matched literally and case-sensitively: `%75rl` and `URL` are unknown parameters.
 */
export function parseOembedQuery(rawSearch: string): OembedQuery | QueryError {
  if (rawSearch.length > MAX_QUERY_LENGTH) return QUERY_ERRORS.tooLong;
  // A fixed shape keeps property access monomorphic.
  const values: Record<Name, string | undefined> = {
    url: undefined, maxwidth: undefined, hidecaption: undefined, omitscript: undefined, format: undefined,
  };
  let start = 0;
  while (rawSearch !== '' && start <= rawSearch.length) {
    let end = rawSearch.indexOf('&', start);
    if (end === -1) end = rawSearch.length;
    if (end === start) return QUERY_ERRORS.emptyParam;
    const name = nameAt(rawSearch, start);
    if (name === undefined) return QUERY_ERRORS.unknownParam;
    if (values[name] !== undefined) return QUERY_ERRORS.repeatedParam;
    const valueStart = start + name.length + 1;
    if (valueStart > end) return QUERY_ERRORS.missingValue;
    values[name] = rawSearch.slice(valueStart, end);
    start = end + 1;
  }

  if (values.format !== undefined) {
    const format = decodeValue(values.format);
    if (format === undefined) return QUERY_ERRORS.badEncoding;
    if (format !== 'json') return QUERY_ERRORS.format;
  }

  if (values.url === undefined) return QUERY_ERRORS.missingUrl;
  const url = decodeValue(values.url);
  if (url === undefined) return QUERY_ERRORS.badUrlEncoding;
  const post = canonicalisePostUrl(url);
  if (post === null) return QUERY_ERRORS.url;

  let maxwidth: number | undefined;
  if (values.maxwidth !== undefined) {
    const raw = decodeValue(values.maxwidth);
    if (raw === undefined) return QUERY_ERRORS.badEncoding;
    if (!MAXWIDTH.test(raw)) return QUERY_ERRORS.maxwidth;
    maxwidth = Number(raw);
    if (!isEmbedWidth(maxwidth)) return QUERY_ERRORS.maxwidth;
  }
  const hidecaption = parseFlag(values.hidecaption);
  if (hidecaption === undefined) return QUERY_ERRORS.hidecaption;
  const omitscript = parseFlag(values.omitscript);
  if (omitscript === undefined) return QUERY_ERRORS.omitscript;

  const query: OembedQuery = { post, hidecaption, omitscript };
  if (maxwidth !== undefined) query.maxwidth = maxwidth;
  return query;
}
