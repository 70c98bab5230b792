// What every request shares whichever lane answers it (Node fast lane or Hono): its id, its one log line and count, and the answers to an unexpected throw and a malformed request.
import { randomBytes } from 'node:crypto';
import type { Answer } from './answer.js';
import { errorAnswer } from './errors.js';
import type { Logger, RequestLine } from './log.js';
import type { ProxyMetrics } from './metrics.js';
import type { OriginPolicy } from './origins.js';

/** A request's facts for its log line; `started` is its performance.now() on arrival. */
export interface Finished {
  readonly id: string;
  readonly method: string;
  /** A fixed label (never the raw path), so the metric's cardinality stays bounded. */
  readonly route: string;
  readonly status: number;
  readonly started: number;
  /** X-Cache when the cache was involved. */
  readonly cache: string | undefined;
}

export interface Exchange {
  /** `<boot id>-<counter>`: unique within a run, short, and sent back as X-Request-Id. */
  nextId(): string;
  /** Counts the request by route and status and writes its one log line. */
  finish(request: Finished): void;
  /**
   * The answer to a throw nothing else caught, for both lanes' error boundaries (Hono's onError
   * and the fast lane's catch): logged with its details, answered with a bare 500 internal_error.
   */
  internalError(error: unknown, id: string, origin: string | undefined): Answer;
  /** The 400 bad_request for a Host or request target that parsers could read differently (request-target.ts). */
  malformed(id: string, origin: string | undefined): Answer;
}

export function createExchange(deps: { log: Logger; metrics: Pick<ProxyMetrics, 'request'>; origins: OriginPolicy }): Exchange {
  const { log, metrics, origins } = deps;
  const bootId = randomBytes(4).toString('hex');
  let counter = 0;

  return {
    nextId: () => `${bootId}-${(++counter).toString(36)}`,

    finish({ id, method, route, status, started, cache }) {
      metrics.request(route, status);
      const line: RequestLine = { id, method, route, status, ms: Math.round((performance.now() - started) * 100) / 100, cache };
      if (log.request) log.request(line);
      else log.info('request', line);
    },

    internalError(error, id, origin) {
      // Never expected: bad input and upstream failures are answered by the routes. Details stay in the log.
      log.error('unhandled error', { id, error });
      return errorAnswer('internal_error', { ...origins.corsOrNone(origin), 'x-request-id': id });
    },

    malformed: (id, origin) => errorAnswer('bad_request', { ...origins.corsOrNone(origin), 'x-request-id': id }),
  };
}
