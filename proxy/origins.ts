// The ALLOWED_ORIGINS policy and the CORS headers each answer carries under it.

/** What a cross-origin page may read besides the body: the widget needs all four. */
export const EXPOSE_HEADERS = 'Retry-After, X-Cache, ETag, X-Request-Id';

export type CorsHeaders = Readonly<Record<string, string>>;

export interface OriginPolicy {
  /** CORS headers for a request from `origin` (undefined: no Origin header); null when the origin is refused. */
  corsFor(origin: string | undefined): CorsHeaders | null;
  /**
   * Headers for the 403 to a refused origin. It is readable cross-origin on purpose, so the widget
   * can say why instead of seeing an opaque CORS failure.
   */
  refused(origin: string): CorsHeaders;
  /** For answers the policy does not gate (404, 405, 500): the origin's CORS headers, or none when refused. */
  corsOrNone(origin: string | undefined): CorsHeaders;
}

const NONE: CorsHeaders = Object.freeze({});

/** `allowedOrigins`: exact, normalised origins (config.ts), or null for any origin. */
export function createOriginPolicy(allowedOrigins: readonly string[] | null): OriginPolicy {
  const allowed = allowedOrigins === null ? null : new Set(allowedOrigins);
  const any: CorsHeaders = Object.freeze({ 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSE_HEADERS });
  const echo = (origin: string): CorsHeaders => ({ 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSE_HEADERS });
  // One header object per allowed origin, built on first use: the hit path allocates none.
  const perOrigin = new Map<string, CorsHeaders>();

  const corsFor = (origin: string | undefined): CorsHeaders | null => {
    if (allowed === null) return any;
    // Servers and curl send no Origin; CORS does not apply to them and they are allowed.
    if (origin === undefined) return NONE;
    if (!allowed.has(origin)) return null;
    let h = perOrigin.get(origin);
    if (!h) perOrigin.set(origin, (h = Object.freeze(echo(origin))));
    return h;
  };

  return {
    corsFor,
    refused: echo,
    corsOrNone: (origin) => corsFor(origin) ?? NONE,
  };
}

/** Headers of the 204 answer to a preflight from an allowed origin (only If-None-Match is ever sent). */
export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  'access-control-allow-headers': 'If-None-Match',
  'access-control-max-age': '86400',
  vary: 'Origin, Access-Control-Request-Headers',
});
