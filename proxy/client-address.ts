// Who the client is, for the per-client miss limit: the socket address, or the X-Forwarded-For hop TRUST_PROXY names.
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { header, type AppEnv } from './request.js';

/** Longest address kept: an IPv6 address with a zone fits; anything longer is junk that would bloat the limiter. */
const MAX_ADDRESS = 64;

/**
 * The `trustProxyHops`-th entry from the right of an X-Forwarded-For value: the address our
 * outermost trusted proxy saw. Entries further left were written by the client and can be forged.
 * With fewer entries than hops the request skipped an outer proxy, and the leftmost is the best we
 * know. undefined when there is no usable entry.
 */
export function forwardedClient(forwardedFor: string | undefined, trustProxyHops: number): string | undefined {
  if (!forwardedFor || trustProxyHops < 1) return undefined;
  const hops = forwardedFor.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const hop = hops[Math.max(0, hops.length - trustProxyHops)];
  return hop ? hop.slice(0, MAX_ADDRESS) : undefined;
}

/** Misses carrying X-Forwarded-For while TRUST_PROXY=0 before the proxy says so, once. */
export const UNTRUSTED_FORWARDS_BEFORE_WARNING = 20;

/**
 * The client address of a request: the forwarded hop when TRUST_PROXY is set and one is present,
 * else the socket address on Node, else `fallback` (other runtimes), else 'unknown' (all such
 * clients then share one bucket, which errs on the side of the quota).
 * Behind a reverse proxy with TRUST_PROXY=0 every visitor is that proxy's one address, so per-client
 * limits and shares stop being fair; when misses keep arriving with X-Forwarded-For, `warn` is told once.
 */
export function createClientAddress(options: {
  trustProxyHops: number;
  fallback?: ((c: Context) => string | undefined) | undefined;
  warn?: (message: string, fields: Record<string, unknown>) => void;
}): (c: Context<AppEnv>) => string {
  const { trustProxyHops, fallback, warn } = options;
  let untrustedForwards = 0;
  return (c) => {
    if (trustProxyHops > 0) {
      const forwarded = forwardedClient(header(c, 'x-forwarded-for'), trustProxyHops);
      if (forwarded) return forwarded;
    } else if (untrustedForwards < UNTRUSTED_FORWARDS_BEFORE_WARNING && header(c, 'x-forwarded-for') !== undefined
      && ++untrustedForwards === UNTRUSTED_FORWARDS_BEFORE_WARNING) {
      warn?.('requests arrive through a reverse proxy (X-Forwarded-For) but TRUST_PROXY=0: every visitor counts as that proxy\'s one address for the per-client limits', {
        hint: 'set TRUST_PROXY to the number of reverse proxies in front of ig-embed',
      });
    }
    if (c.env?.incoming) return getConnInfo(c).remote.address ?? 'unknown';
    return fallback?.(c) ?? 'unknown';
  };
}
