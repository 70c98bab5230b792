// Tells operators which origins ALLOWED_ORIGINS refuses: one warn line per origin per minute, in bounded memory.
import type { Logger } from './log.js';

/** Longer Origin values are cut here (with "…"): a real origin is far shorter, and a log line must stay small. */
export const MAX_LOGGED_ORIGIN = 200;
const INTERVAL_MS = 60_000;
/** Origins remembered at once; past it the one logged longest ago is forgotten (and may be logged again early). */
const MAX_ORIGINS = 1000;

/**
 * `(origin, requestId) => void`, called for each refused request. A wrong ALLOWED_ORIGINS shows up
 * as `{"level":"warn","msg":"origin refused","id":…,"origin":"https://www.example.com"}` without a
 * line per request: the request line already counts them.
 */
export function createRefusalLog(options: { log: Logger; now: () => number }): (origin: string, id: string) => void {
  const { log, now } = options;
  // Insertion order is logging order (an entry is re-inserted when logged again), so the first key is the oldest.
  const lastLogged = new Map<string, number>();
  return (origin, id) => {
    const shown = origin.length > MAX_LOGGED_ORIGIN ? `${origin.slice(0, MAX_LOGGED_ORIGIN)}…` : origin;
    const t = now();
    const last = lastLogged.get(shown);
    if (last !== undefined && t - last < INTERVAL_MS) return;
    lastLogged.delete(shown);
    lastLogged.set(shown, t);
    if (lastLogged.size > MAX_ORIGINS) lastLogged.delete(lastLogged.keys().next().value as string);
    log.warn('origin refused', { id, origin: shown });
  };
}
