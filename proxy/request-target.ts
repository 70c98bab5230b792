// Whether a request's Host and target mean one thing to every parser: checked on Node before either lane answers.
import type { IncomingMessage } from 'node:http';

/**
 * `host [":" port]` with a name, an IPv4 address or a bracketed IPv6 address (RFC 9110 7.2), in the
 * characters no parser reads differently: no percent-encoding, userinfo or whitespace.
 */
const HOST = /^([A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?$/;
const MAX_PORT = 65_535;
/** Distinct Host values remembered: real traffic has a handful, so the WHATWG parse runs about once per value. */
const HOST_MEMO_MAX = 256;

const hostMemo = new Map<string, boolean>();

/**
 * A Host value (or the authority of an absolute-form target) that is well formed and that the WHATWG
 * URL parser reads as written, apart from case: `127.1`, `[::0001]` or `0x7f.0.0.1` are rewritten by
 * it (to `127.0.0.1`, `[::1]`) and refused, so the name we were sent is the name any other parser sees.
 */
export function wellFormedHost(host: string): boolean {
  let ok = hostMemo.get(host);
  if (ok === undefined) {
    ok = readsAsWritten(host);
    // Cleared rather than evicted one by one: a flood of distinct values costs one parse each either way.
    if (hostMemo.size >= HOST_MEMO_MAX) hostMemo.clear();
    hostMemo.set(host, ok);
  }
  return ok;
}

function readsAsWritten(host: string): boolean {
  const match = HOST.exec(host);
  if (!match) return false;
  const [, name = '', port] = match;
  if (port !== undefined && Number(port) > MAX_PORT) return false;
  try {
    return new URL(`http://${host}/`).hostname === name.toLowerCase();
  } catch {
    return false;
  }
}

/** A backslash before the query: the WHATWG parser reads `\` as `/` there, other parsers do not. */
function backslashInPath(target: string): boolean {
  const backslash = target.indexOf('\\');
  if (backslash === -1) return false;
  const query = target.indexOf('?');
  return query === -1 || backslash < query;
}

/**
 * A request target in origin form (`/path?query`) or, as RFC 9112 3.2.2 requires servers to accept,
 * absolute form (`http://host/path`) with a well-formed authority; either without a backslash in
 * the path. The asterisk form (`OPTIONS *`) and anything else are refused. (node:http has already
 * refused spaces and control characters.)
 */
export function wellFormedTarget(target: string): boolean {
  if (target.charCodeAt(0) === 47 /* / */) return !backslashInPath(target);
  const scheme = target.startsWith('http://') ? 7 : target.startsWith('https://') ? 8 : 0;
  if (scheme === 0 || backslashInPath(target)) return false;
  const end = target.slice(scheme).search(/[/?#]/);
  return wellFormedHost(end === -1 ? target.slice(scheme) : target.slice(scheme, scheme + end));
}

/**
 * Whether node's request has one well-formed Host (HTTP/1.0 may omit it; HTTP/1.1 must send exactly
 * one, RFC 9112 3.2) and a well-formed target. Anything else is answered `400 bad_request`.
 */
export function wellFormedRequest(req: Pick<IncomingMessage, 'headers' | 'rawHeaders' | 'url' | 'httpVersionMajor' | 'httpVersionMinor'>): boolean {
  const host = req.headers.host;
  if (host === undefined) {
    if (req.httpVersionMajor !== 1 || req.httpVersionMinor !== 0) return false;
  } else if (!wellFormedHost(host) || hostRepeated(req.rawHeaders)) {
    return false;
  }
  return wellFormedTarget(req.url ?? '');
}

/** node keeps the first of several Host lines; which one a proxy in front of us used is anyone's guess. */
function hostRepeated(rawHeaders: string[]): boolean {
  let seen = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 4 && name.toLowerCase() === 'host' && ++seen > 1) return true;
  }
  return false;
}
