// Why a fetch failed, as one short code safe to log: errno (ECONNREFUSED), undici (UND_ERR_*) or TLS (ERR_SSL_*, CERT_*).

/** Codes are upper-case identifiers; anything else (a message, a URL, a header) is never taken. */
const CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
/** fetch wraps the network error once or twice ("fetch failed" → SocketError → …); more is not worth walking. */
const MAX_DEPTH = 8;

/**
 * The innermost `code` along the error's `cause` chain (and the first of an AggregateError's
 * `errors`, which is how node reports a connection tried on several addresses): the root cause, such
 * as ECONNRESET under undici's UND_ERR_SOCKET. Without any code, the innermost error's name (for
 * example TypeError); undefined for a non-error. Messages are never read: they can hold host names
 * and addresses, and nothing from upstream belongs in a log line beyond its kind.
 */
export function failureCause(err: unknown): string | undefined {
  let code: string | undefined;
  let name: string | undefined;
  let current: unknown = err;
  for (let depth = 0; depth < MAX_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const e = current as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.code === 'string' && CODE.test(e.code)) code = e.code;
    if (typeof e.name === 'string' && NAME.test(e.name)) name = e.name;
    current = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
  }
  return code ?? name;
}
