// The proxy's stable error codes: HTTP status, one-sentence message and the pre-serialised JSON body.
import type { PositiveEntry } from './cache.js';
import { toResponse, type Answer } from './answer.js';

/** Every error code the proxy can answer with; a public contract (docs/errors.md). */
export type ErrorCode =
  | 'bad_request'
  | 'invalid_url'
  | 'invalid_param'
  | 'unauthorized'
  | 'origin_not_allowed'
  | 'not_embeddable'
  | 'not_found'
  | 'method_not_allowed'
  | 'request_timeout'
  | 'request_too_large'
  | 'rate_limited'
  | 'internal_error'
  | 'format_not_supported'
  | 'upstream_error'
  | 'upstream_invalid'
  | 'upstream_unavailable'
  | 'upstream_timeout';

interface ErrorSpec { readonly status: number; readonly message: string }

export const ERRORS: Readonly<Record<ErrorCode, ErrorSpec>> = {
  bad_request: { status: 400, message: 'The request is not valid HTTP.' },
  invalid_url: { status: 400, message: 'The url parameter must be an Instagram post, reel or IGTV permalink.' },
  invalid_param: { status: 400, message: 'A query parameter is unknown, repeated or has an invalid value.' },
  unauthorized: { status: 401, message: 'This endpoint requires a valid bearer token.' },
  origin_not_allowed: { status: 403, message: 'Requests from this origin are not allowed.' },
  not_embeddable: { status: 404, message: 'This post cannot be embedded: it was deleted, is private or has embedding turned off.' },
  not_found: { status: 404, message: 'There is nothing at this path.' },
  method_not_allowed: { status: 405, message: 'This method is not allowed on this path.' },
  request_timeout: { status: 408, message: 'The request was not received in time.' },
  request_too_large: { status: 431, message: 'The request line or headers are too large.' },
  rate_limited: { status: 429, message: 'Too many uncached requests from this client; retry after the time in Retry-After.' },
  internal_error: { status: 500, message: 'The proxy failed unexpectedly.' },
  format_not_supported: { status: 501, message: 'Only format=json is supported.' },
  upstream_error: { status: 502, message: 'Instagram refused the request.' },
  upstream_invalid: { status: 502, message: 'Instagram sent a response the proxy cannot use.' },
  upstream_unavailable: { status: 503, message: 'Instagram is unavailable or the proxy has used its upstream quota; retry after the time in Retry-After.' },
  upstream_timeout: { status: 504, message: 'Instagram did not answer in time.' },
};

const encoder = new TextEncoder();
const defaultBodies = new Map<ErrorCode, Uint8Array<ArrayBuffer>>();

/** `{"error":{"code","message"}}` as bytes; the default message's body is built once per code. */
export function errorBody(code: ErrorCode, message?: string): Uint8Array<ArrayBuffer> {
  if (message === undefined || message === ERRORS[code].message) {
    let body = defaultBodies.get(code);
    if (!body) {
      body = encoder.encode(JSON.stringify({ error: { code, message: ERRORS[code].message } }));
      defaultBodies.set(code, body);
    }
    return body;
  }
  return encoder.encode(JSON.stringify({ error: { code, message } }));
}

/** Headers every error carries; callers add CORS, Retry-After and the request id. */
export const ERROR_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  vary: 'Origin, Accept-Encoding',
};

/**
 * A complete error answer. `message` may only be our own text (for example the query parser's
 * explanation); never pass anything that came from upstream. `headers` are merged over ERROR_HEADERS.
 */
export function errorAnswer(
  code: ErrorCode,
  headers: Readonly<Record<string, string>>,
  options: { message?: string; retryAfterSeconds?: number } = {},
): Answer {
  const body = errorBody(code, options.message);
  // Content-Length is ours, not left to the server: then both lanes frame the body the same way.
  const all: Record<string, string> = { ...ERROR_HEADERS, ...headers, 'content-length': String(body.byteLength) };
  if (options.retryAfterSeconds !== undefined) all['retry-after'] = String(Math.max(1, Math.ceil(options.retryAfterSeconds)));
  const list: string[] = [];
  for (const name in all) list.push(name, all[name] as string);
  return { status: ERRORS[code].status, headers: list, body };
}

/** errorAnswer as a Response, for Hono. */
export function errorResponse(
  code: ErrorCode,
  headers: Readonly<Record<string, string>>,
  options: { message?: string; retryAfterSeconds?: number } = {},
): Response {
  return toResponse(errorAnswer(code, headers, options));
}

/** A request that must end in one of our error responses; thrown by the upstream round, caught by the route. */
export class ProxyError extends Error {
  override readonly name = 'ProxyError';
  constructor(
    readonly code: ErrorCode,
    readonly options: {
      retryAfterSeconds?: number;
      /** A shared (Redis) entry within its stale window that may be served instead, when memory holds none. */
      stale?: PositiveEntry;
    } = {},
  ) {
    super(code);
  }
}
