// Reading a request cheaply: plain node headers and the raw query string when served by @hono/node-server.
import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';

/** The app's Hono environment: node bindings when available, and what the request log line reports. */
export type AppEnv = {
  Bindings: Partial<HttpBindings> | undefined;
  Variables: { rid: string; route: string; cache: string };
};

/**
 * A request header. On Node the incoming message's own header object is read, so no Headers object
 * is built per request (the hit path's biggest avoidable cost); elsewhere the standard Request.
 */
export function header(c: Context<AppEnv>, name: string): string | undefined {
  const incoming = c.env?.incoming;
  if (incoming) {
    const v = incoming.headers[name];
    return typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : undefined;
  }
  return c.req.raw.headers.get(name) ?? undefined;
}

/** The raw query string after '?' ('' if none) of a request target or URL, without any fragment. */
export function rawQueryOf(target: string): string {
  const q = target.indexOf('?');
  if (q === -1) return '';
  const hash = target.indexOf('#', q);
  return hash === -1 ? target.slice(q + 1) : target.slice(q + 1, hash);
}

/** The raw query string: the parser must see exactly what the client sent, before any decoding. */
export function rawQuery(c: Context<AppEnv>): string {
  return rawQueryOf(c.env?.incoming?.url ?? c.req.url);
}
