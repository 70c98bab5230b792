// Answers requests node:http cannot parse (over-long head, garbage, too slow) with our JSON error instead of a bare close.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_HEADERS, ERRORS, errorBody, type ErrorCode } from './errors.js';
import type { Logger } from './log.js';

/** node:http's parse-error codes (llhttp `HPE_*` and its own timeouts) → our stable code. */
function codeFor(nodeCode: string | undefined): ErrorCode {
  if (nodeCode === 'HPE_HEADER_OVERFLOW') return 'request_too_large';
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout';
  return 'bad_request';
}

/**
 * A complete HTTP/1.1 response, written straight to the socket: there is no request object, so no
 * parsed Origin. `Access-Control-Allow-Origin: *` lets a widget on any page read the error; the body
 * is one of our fixed sentences, so nothing is disclosed to that page.
 */
function rawResponse(code: ErrorCode): Buffer {
  const { status } = ERRORS[code];
  const body = errorBody(code);
  const headers: Record<string, string> = {
    ...ERROR_HEADERS,
    'access-control-allow-origin': '*',
    'content-length': String(body.byteLength),
    date: new Date().toUTCString(),
    connection: 'close',
  };
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * A `clientError` listener for the node:http server that serves the proxy (see createNodeListener):
 * without one, node answers a head over 16 KiB with a bodiless 431 and other parse errors with a
 * bodiless 400. Errors never log the raw bytes: they may hold a client's Authorization header.
 */
export function createClientErrorHandler(log?: Logger): (err: Error & { code?: string }, socket: Duplex) => void {
  const answered = new WeakSet<Duplex>();
  return (err, socket) => {
    // llhttp stays in its error state, so every later chunk on this socket reports the same error again.
    if (answered.has(socket)) return;
    // A response already on the wire (pipelining) must not get our bytes spliced into it.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    const code = codeFor(err.code);
    log?.info('client error', { status: ERRORS[code].status, code, reason: err.code ?? 'unknown' });
    // Destroy once the response is flushed, so the close cannot overtake it.
    socket.end(rawResponse(code), () => socket.destroy());
  };
}
