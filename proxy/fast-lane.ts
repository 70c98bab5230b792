// The Node fast lane: malformed requests refused first, then a fresh cache hit answered from memory by the route's own hit function, behind the same error boundary and log line; the rest goes to Hono with its lookup.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Answer } from './answer.js';
import type { Exchange } from './exchange.js';
import { OEMBED_PATH, type Hits, type Lookup } from './hits.js';
import { rawQueryOf } from './request.js';
import { wellFormedRequest } from './request-target.js';

const QUESTION_MARK = 63;

export interface FastLane {
  /**
   * Answers a fresh hit of GET or HEAD /instagram_oembed and returns true; returns false, `res`
   * untouched, for anything else, which Hono then answers. Skipping Request, Response and the
   * framework is what makes a hit cheap; what is answered is the same as the route's. First of all,
   * a malformed Host or target is answered 400 (true): Hono's Node adapter would give it an empty 400
   * of its own, and a hit must not be served to it.
   */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
  /** The lookup `serve` made for a request it passed on (the route uses it instead of looking up again). */
  handedOn(req: IncomingMessage): Lookup | undefined;
}

/** The request target is the oEmbed path, with or without a query (`/instagram_oembed/…` is not). */
function isOembedTarget(target: string): boolean {
  return target.startsWith(OEMBED_PATH) && (target.length === OEMBED_PATH.length || target.charCodeAt(OEMBED_PATH.length) === QUESTION_MARK);
}

function send(res: ServerResponse, answer: Answer, head: boolean): void {
  res.writeHead(answer.status, answer.headers);
  res.end(head ? undefined : answer.body ?? undefined);
}

export function createFastLane(deps: { hits: Pick<Hits, 'lookup' | 'answerHit'>; exchange: Exchange }): FastLane {
  const { hits, exchange } = deps;
  // Keyed by the request object, so nothing is stuck onto it and nothing outlives it.
  const lookups = new WeakMap<IncomingMessage, Lookup>();

  return {
    serve(req, res) {
      const started = performance.now();
      const { method = 'GET', headers } = req;
      let route = 'oembed';
      let id: string | undefined;
      try {
        if (!wellFormedRequest(req)) {
          route = 'other';
          id = exchange.nextId();
          const answer = exchange.malformed(id, headers.origin);
          send(res, answer, method === 'HEAD');
          exchange.finish({ id, method, route, status: answer.status, started, cache: undefined });
          return true;
        }
        if (method !== 'GET' && method !== 'HEAD') return false;
        const target = req.url ?? '';
        if (!isOembedTarget(target)) return false;
        const found = hits.lookup(headers.origin, rawQueryOf(target));
        if (found.kind !== 'hit') {
          lookups.set(req, found);
          return false;
        }
        id = exchange.nextId();
        const answer = hits.answerHit(found, { requestId: id, acceptEncoding: headers['accept-encoding'], ifNoneMatch: headers['if-none-match'] });
        send(res, answer, method === 'HEAD');
        exchange.finish({ id, method, route, status: answer.status, started, cache: 'HIT' });
      } catch (error) {
        // The same boundary as the Hono lane's onError: the same 500, error line and request line.
        id ??= exchange.nextId();
        const answer = exchange.internalError(error, id, headers.origin);
        if (!res.headersSent) send(res, answer, method === 'HEAD');
        // Headers already out: the answer cannot be repaired, and a cut connection tells the client so.
        else if (!res.writableEnded) res.destroy();
        exchange.finish({ id, method, route, status: answer.status, started, cache: undefined });
      }
      return true;
    },

    handedOn: (req) => lookups.get(req),
  };
}
