// The proxy on a node:http server: its deadlines enforced to the second, our answers to what node cannot parse, and a drain that resets nothing.
import { createServer, ServerResponse, type OutgoingHttpHeader, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { createNodeListener, type ProxyApp } from './app.js';
import { createClientErrorHandler } from './client-error.js';
import type { Logger } from './log.js';

/** The API is GET-only with small requests: 10 s for the head and 15 s for the whole request (node's defaults are 60 s and 300 s). */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 15_000;
/** How often node looks for connections past a deadline; its default of 30 s let a 10 s deadline fire at 40 s. */
const MAX_CHECK_INTERVAL_MS = 1000;

export interface NodeServerOptions {
  log?: Logger;
  /** A connection must deliver a complete request head this long after it opens or its previous request ends. */
  headersTimeoutMs?: number;
  /** ... and the whole request (head and body) this long after it starts. */
  requestTimeoutMs?: number;
}

export interface NodeServer {
  readonly server: Server;
  /**
   * Stops accepting connections and closes the idle ones (kept alive between requests, or open
   * without having sent anything); every answer from then on, to requests in flight or still
   * arriving on open connections, says `Connection: close` and closes its connection once sent.
   * Resolves when the last connection has closed: 'drained', or 'forced' when some were still open
   * after `graceMs` and were cut.
   */
  drain(graceMs: number): Promise<'drained' | 'forced'>;
}

/**
 * The server `npm run serve` runs: createNodeListener's lanes with the clientError handler, the
 * deadlines above and drain(). (About 70 lines on purpose: the draining flag, the socket set and the
 * server are one piece of state that the response class, the connection tracking and drain() share.)
 */
export function createNodeServer(proxy: ProxyApp, options: NodeServerOptions = {}): NodeServer {
  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  let draining = false;

  // writeHead is where node decides between keep-alive and close, for either lane and whenever the
  // request arrived: past the start of a drain, a connection is not offered for another request.
  class DrainingResponse extends ServerResponse {
    override writeHead(
      statusCode: number,
      statusMessageOrHeaders?: string | OutgoingHttpHeaders | OutgoingHttpHeader[],
      headers?: OutgoingHttpHeaders | OutgoingHttpHeader[],
    ): this {
      if (draining) this.shouldKeepAlive = false;
      // Both of node's forms: (status, headers) and (status, message, headers).
      return typeof statusMessageOrHeaders === 'string' ? super.writeHead(statusCode, statusMessageOrHeaders, headers)
        : super.writeHead(statusCode, statusMessageOrHeaders ?? headers);
    }
  }

  const server = createServer({
    headersTimeout,
    requestTimeout,
    // A connection that sends nothing counts as a head that never arrives: it gets 408 and is closed.
    connectionsCheckingInterval: Math.min(MAX_CHECK_INTERVAL_MS, Math.max(10, Math.floor(headersTimeout / 4))),
    // The listener answers a missing Host itself, with our JSON 400 instead of node's empty one.
    requireHostHeader: false,
    ServerResponse: DrainingResponse,
  }, createNodeListener(proxy));
  // Unparseable requests (head over 16 KiB, garbage, too slow) get our JSON error, not node's bodiless one.
  server.on('clientError', createClientErrorHandler(options.log));

  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  let drained: Promise<'drained' | 'forced'> | undefined;
  return {
    server,
    drain(graceMs) {
      drained ??= new Promise((resolve) => {
        draining = true;
        let forced = false;
        const cut = setTimeout(() => {
          forced = true;
          server.closeAllConnections();
        }, graceMs);
        // One turn of the event loop before closing: requests already waiting in the kernel on idle
        // connections, and connections waiting to be accepted, are read and answered (with
        // Connection: close) instead of being reset by the close.
        setImmediate(() => {
          server.close(() => {
            clearTimeout(cut);
            resolve(forced ? 'forced' : 'drained');
          });
          // close() closed the connections idle between requests. Those that have not sent a byte
          // (a browser's preconnect, say) would hold the drain until the grace period: they go too,
          // one more turn later, once connections accepted in this one have had their bytes read.
          setImmediate(() => {
            for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
          });
        });
      });
      return drained;
    },
  };
}
