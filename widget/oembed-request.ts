/** Fetches oEmbed data from the proxy; identical requests share one fetch, reference-counted per caller. */

/** Why an element shows its fallback card (the `detail.reason` of `ig-embed-fallback`). */
export type FallbackReason =
  | 'invalid_url'
  | 'not_embeddable'
  | 'origin_not_allowed'
  | 'proxy_error'
  | 'network'
  | 'script_blocked'
  | 'timeout';

/** The fields of the proxy's 200 body the widget uses. `author_*`/`thumbnail_*` only come from apps on older terms. */
export interface OembedData {
  html: string;
  author_name?: string;
  author_url?: string;
  thumbnail_url?: string;
}

/** The data, or the reason it cannot be had. */
export type OembedResult = OembedData | FallbackReason;

interface Shared {
  result: Promise<OembedResult>;
  controller: AbortController;
  users: number;
}

const inflight = new Map<string, Shared>();

/** How many proxy fetches are running (embed.js scans wait for them briefly). */
export function fetchesInFlight(): number {
  return inflight.size;
}

/** The proxy URL for a post; equal options give equal strings, which is what requests are shared by. */
export function oembedHref(endpoint: string, url: string, maxwidth: number | undefined, hidecaption: boolean): string {
  const query = new URLSearchParams({ url, omitscript: 'true' });
  if (maxwidth) query.set('maxwidth', String(maxwidth));
  if (hidecaption) query.set('hidecaption', 'true');
  return `${endpoint.replace(/\/+$/, '')}/instagram_oembed?${query}`;
}

/**
 * Resolves with the proxy's answer for `href`, or `timeout` if none came within `timeout` ms (a proxy
 * that accepts the connection and never answers would otherwise leave the element loading forever).
 * Callers asking for the same href while it is in flight share one fetch; each caller has its own
 * deadline, aborting `signal` rejects only this caller, and the fetch itself is aborted only when its
 * last caller has gone (aborted or past its deadline).
 */
export function requestOembed(href: string, signal: AbortSignal, timeout: number): Promise<OembedResult> {
  let shared = inflight.get(href);
  if (!shared) {
    const controller = new AbortController();
    const entry: Shared = {
      controller,
      users: 0,
      result: load(href, controller.signal).finally(() => {
        if (inflight.get(href) === entry) inflight.delete(href);
      }),
    };
    inflight.set(href, (shared = entry));
  }
  const entry = shared;
  entry.users++;
  return new Promise((resolve, reject) => {
    const leave = (outcome?: 'timeout') => {
      clearTimeout(timer);
      signal.removeEventListener('abort', aborted);
      if (--entry.users === 0) {
        if (inflight.get(href) === entry) inflight.delete(href);
        entry.controller.abort();
      }
      if (outcome) resolve(outcome);
      else reject(signal.reason);
    };
    const aborted = () => leave();
    const timer = signal.aborted ? undefined : setTimeout(leave, timeout, 'timeout');
    if (signal.aborted) return leave();
    signal.addEventListener('abort', aborted);
    // After an abort or the deadline this caller's promise is settled already: resolve() does nothing.
    void entry.result.then((result) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', aborted);
      resolve(result);
    });
  });
}

async function load(href: string, signal: AbortSignal, retried = false): Promise<OembedResult> {
  let response: Response;
  let body: { html?: unknown; error?: { code?: unknown } } | null = null;
  try {
    response = await fetch(href, { signal, credentials: 'omit' });
    body = await response.json().catch(() => null);
  } catch {
    return 'network';
  }
  if (response.ok) return typeof body?.html === 'string' ? (body as OembedData) : 'proxy_error';
  // A short, announced wait (our rate limit or the proxy's breaker) is worth one retry. Cross-origin
  // proxies must expose Retry-After (Access-Control-Expose-Headers) for this to apply.
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  if (!retried && (response.status === 429 || response.status === 503) && retryAfter >= 0 && retryAfter <= 5) {
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    return signal.aborted ? 'network' : load(href, signal, true);
  }
  // The proxy's codes that name a cause the page can act on; every other error is proxy_error.
  const code = body?.error?.code;
  return code === 'invalid_url' || code === 'not_embeddable' || code === 'origin_not_allowed' ? code : 'proxy_error';
}
