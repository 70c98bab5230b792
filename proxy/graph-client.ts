/** The Graph API client: the only module that knows the Graph URL and the token. Never throws. */
import { z } from 'zod';
import { failureCause } from './failure-cause.js';
import type { Logger } from './log.js';

export interface OembedRequest { url: string /* canonical */; maxwidth?: number; hidecaption: boolean }

/**
 * The oEmbed fields of an answer, in the order they are serialised. From the Graph client it is a
 * validated 200 body whose `html` is NOT yet sanitised; the upstream round swaps in the sanitised
 * `html`, and that is what the cache stores and the proxy sends.
 */
export interface OembedPayload {
  // Optional: a stored field whose upstream value cannot be true is left out (upstream-round.ts payloadOf).
  version?: string; type?: string; provider_name?: string; provider_url?: string; width: number | null; html: string;
  author_name?: string; author_url?: string; thumbnail_url?: string; thumbnail_width?: number; thumbnail_height?: number;
}

export type GraphOutcome =
  | { kind: 'ok'; oembed: OembedPayload }
  | { kind: 'not_embeddable' }
  | { kind: 'invalid_url' }
  | { kind: 'invalid_param' }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'transient' }
  | { kind: 'timeout' }
  | { kind: 'invalid' }
  | { kind: 'error' };

export interface GraphClient {
  fetchOembed(req: OembedRequest): Promise<GraphOutcome>;
  /** False once Meta rejected the token (code 190): the client then stays tokenless until restart. */
  readonly usingToken: boolean;
  /**
   * Whether `text` holds the configured token, or the secret half of an `APPID|SECRET` token, in any
   * letter case: an answer that echoes it must not reach a client. The token itself never leaves here.
   */
  revealsToken(text: string): boolean;
}

export interface GraphClientOptions {
  graphApiUrl: string;
  accessToken?: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  log: Logger;
}

export const MAX_BODY_BYTES = 256 * 1024;
export const USER_AGENT = 'ig-embed/0.1 (+https://github.com/ig-embed/ig-embed)';
/** Rate-limit codes without a usable hint wait this long (Meta's window is rolling, per hour). */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;
/** Code 368: "temporarily blocked for policies violations"; Meta suggests hours. */
export const BLOCKED_RETRY_AFTER_SECONDS = 3600;
const MAX_RETRY_AFTER_SECONDS = 86_400;

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const isRateLimitCode = (code: number) => RATE_LIMIT_CODES.has(code) || (code >= 80_000 && code <= 80_014);

const graphErrorSchema = z.object({
  error: z.object({
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    is_transient: z.boolean().optional(),
  }),
});

const httpsUrl = z.string().refine((s) => {
  try {
    return new URL(s).protocol === 'https:';
  } catch {
    return false;
  }
});
const dimension = z.number().int().positive().max(100_000);

const oembedSchema = z.object({
  version: z.string().default('1.0'),
  type: z.string().default('rich'),
  provider_name: z.string().default('Instagram'),
  provider_url: z.string().default('https://www.instagram.com/'),
  width: z.number().nonnegative().nullable().default(null),
  html: z.string().min(1),
  // Legacy fields (removed by Meta on 2025-11-03): kept when present and well-typed, dropped otherwise.
  author_name: z.string().optional().catch(undefined),
  author_url: httpsUrl.optional().catch(undefined),
  thumbnail_url: httpsUrl.optional().catch(undefined),
  thumbnail_width: dimension.optional().catch(undefined),
  thumbnail_height: dimension.optional().catch(undefined),
});

type Attempt =
  | { outcome: GraphOutcome; status: number | null; graphCode?: number; graphSubcode?: number; badToken?: false; cause?: string | undefined; tokenEchoed?: boolean }
  | { outcome: { kind: 'error' }; status: number; graphCode: 190; graphSubcode?: undefined; badToken: true; cause?: undefined; tokenEchoed?: undefined };

const TIMED_OUT = Symbol('timed out');

/** Seconds from `Retry-After` (delta or HTTP date), else Meta's usage headers, else the default. */
export function retryAfterFrom(headers: Headers, now = Date.now()): number {
  const clamp = (s: number) => Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(s)));
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^[0-9]+$/.test(retryAfter)) return clamp(Number(retryAfter));
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return clamp((date - now) / 1000);
  }
  let minutes = 0;
  for (const name of ['x-business-use-case-usage', 'x-app-usage']) {
    const raw = headers.get(name);
    if (!raw) continue;
    try {
      minutes = Math.max(minutes, maxRegainMinutes(JSON.parse(raw) as unknown));
    } catch {
      // A malformed usage header is no reason to fail the call.
    }
  }
  return minutes > 0 ? clamp(minutes * 60) : DEFAULT_RETRY_AFTER_SECONDS;
}

/** `estimated_time_to_regain_access` sits at different depths in X-App-Usage and X-Business-Use-Case-Usage. */
function maxRegainMinutes(value: unknown, depth = 0): number {
  if (depth > 4 || typeof value !== 'object' || value === null) return 0;
  let max = 0;
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'estimated_time_to_regain_access' && typeof inner === 'number' && Number.isFinite(inner)) max = Math.max(max, inner);
    else max = Math.max(max, maxRegainMinutes(inner, depth + 1));
  }
  return max;
}

function classifyGraphError(code: number, subcode: number | undefined, isTransient: boolean | undefined, headers: Headers): GraphOutcome {
  if (isRateLimitCode(code)) return { kind: 'rate_limited', retryAfterSeconds: retryAfterFrom(headers) };
  if (code === 368) return { kind: 'rate_limited', retryAfterSeconds: BLOCKED_RETRY_AFTER_SECONDS };
  if (code === 1 || code === 2 || isTransient === true) return { kind: 'transient' };
  if (code === 24 && subcode === 2207045) return { kind: 'not_embeddable' };
  if (code === 100 && subcode === 2207047) return { kind: 'invalid_url' };
  if (code === 100 && subcode === 2207049) return { kind: 'invalid_param' };
  return { kind: 'error' };
}

// Long (about 150 lines) because the token is state every step reads (it is switched off after a 190);
// the steps are the inner functions readCapped → attempt → logged → fetchOembed, one job each.
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const endpoint = `${options.graphApiUrl.replace(/\/+$/, '')}/instagram_oembed`;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const log = options.log;
  let token = options.accessToken || undefined;
  // Searched for in every answer, even after a 190 made the client tokenless: it is still a secret.
  const secretForms = secretSpellings(options.accessToken);
  const revealsToken = (text: string): boolean => {
    if (secretForms.length === 0) return false;
    const lower = text.toLowerCase();
    return secretForms.some((form) => lower.includes(form));
  };

  /** Reads at most MAX_BODY_BYTES; null when the body is bigger. `race` enforces the shared deadline. */
  async function readCapped(response: Response, race: <T>(p: Promise<T>) => Promise<T | typeof TIMED_OUT>): Promise<Uint8Array | null | typeof TIMED_OUT> {
    const declared = Number(response.headers.get('content-length'));
    if (declared > MAX_BODY_BYTES) {
      void response.body?.cancel().catch(() => {});
      return null;
    }
    if (!response.body) return new Uint8Array(0);
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const step = await race(reader.read());
        if (step === TIMED_OUT) return TIMED_OUT;
        if (step.done) break;
        size += step.value.byteLength;
        if (size > MAX_BODY_BYTES) return null;
        chunks.push(step.value);
      }
    } finally {
      void reader.cancel().catch(() => {});
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return body;
  }

  // One HTTP exchange, whole (about 65 lines): one deadline covers headers and body, and every way out
  // of it (timeout, redirect, oversize, bad JSON, Graph error, bad shape) is a return next to its check.
  async function attempt(req: OembedRequest, withToken: string | undefined): Promise<Attempt> {
    const query = new URLSearchParams({ url: req.url, omitscript: 'true' });
    if (req.maxwidth !== undefined) query.set('maxwidth', String(req.maxwidth));
    if (req.hidecaption) query.set('hidecaption', 'true');
    const headers = new Headers({ accept: 'application/json', 'user-agent': USER_AGENT });
    if (withToken) headers.set('authorization', `Bearer ${withToken}`);

    // One deadline for headers and body. Racing (not only aborting) keeps it even if an injected
    // fetch ignores the signal.
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve(TIMED_OUT);
      }, options.timeoutMs);
    });
    const race = <T>(p: Promise<T>) => Promise.race([p, deadline]);

    try {
      let response: Response | typeof TIMED_OUT;
      try {
        const request = new Request(`${endpoint}?${query.toString()}`, { headers, redirect: 'manual', signal: controller.signal });
        response = await race(fetchImpl(request));
      } catch (err) {
        // Our own deadline aborted it: the outcome says so. Otherwise the log line says why (ECONNREFUSED, UND_ERR_SOCKET, …).
        if (controller.signal.aborted) return { outcome: { kind: 'timeout' }, status: null };
        return { outcome: { kind: 'transient' }, status: null, cause: failureCause(err) };
      }
      if (response === TIMED_OUT) return { outcome: { kind: 'timeout' }, status: null };
      const status = response.status;
      // redirect: 'manual' yields the 3xx itself (or an opaque redirect with status 0): never follow.
      if (response.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
        void response.body?.cancel().catch(() => {});
        return { outcome: { kind: 'invalid' }, status };
      }
      let bytes: Uint8Array | null | typeof TIMED_OUT;
      try {
        bytes = await readCapped(response, race);
      } catch (err) {
        if (controller.signal.aborted) return { outcome: { kind: 'timeout' }, status };
        return { outcome: { kind: 'transient' }, status, cause: failureCause(err) };
      }
      if (bytes === TIMED_OUT) return { outcome: { kind: 'timeout' }, status };
      if (bytes === null) return { outcome: { kind: 'invalid' }, status };

      const text = new TextDecoder().decode(bytes);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return { outcome: { kind: status >= 500 ? 'transient' : 'invalid' }, status, tokenEchoed: revealsToken(text) || undefined };
      }
      // As sent, and with JSON's escapes decoded (`\u0041` is `A` to every client).
      if (revealsToken(text) || revealsToken(JSON.stringify(body))) return { outcome: { kind: 'invalid' }, status, tokenEchoed: true };
      const graphError = graphErrorSchema.safeParse(body);
      if (graphError.success) {
        const { code, error_subcode: subcode, is_transient: isTransient } = graphError.data.error;
        if (code === 190 && withToken) return { outcome: { kind: 'error' }, status, graphCode: 190, badToken: true };
        return { outcome: classifyGraphError(code, subcode, isTransient, response.headers), status, graphCode: code, graphSubcode: subcode };
      }
      if (status >= 500) return { outcome: { kind: 'transient' }, status };
      if (status !== 200) return { outcome: { kind: 'invalid' }, status };
      const oembed = oembedSchema.safeParse(body);
      if (!oembed.success) return { outcome: { kind: 'invalid' }, status };
      return { outcome: { kind: 'ok', oembed: withoutUndefined(oembed.data) }, status };
    } finally {
      clearTimeout(timer);
    }
  }

  async function logged(req: OembedRequest, withToken: string | undefined): Promise<Attempt> {
    const started = performance.now();
    const result = await attempt(req, withToken);
    const fields: Record<string, unknown> = {
      outcome: result.badToken ? 'token_rejected' : result.outcome.kind,
      ms: Math.round(performance.now() - started),
      status: result.status,
      token: withToken !== undefined,
    };
    if (result.cause !== undefined) fields.cause = result.cause;
    if (result.graphCode !== undefined) fields.graphCode = result.graphCode;
    if (result.graphSubcode !== undefined) fields.graphSubcode = result.graphSubcode;
    if (result.outcome.kind === 'rate_limited') fields.retryAfterSeconds = result.outcome.retryAfterSeconds;
    if (result.tokenEchoed) fields.tokenEchoed = true;
    const quiet = ['ok', 'not_embeddable', 'invalid_url', 'invalid_param'].includes(result.outcome.kind) && !result.badToken;
    log[quiet ? 'info' : 'warn']('upstream call', fields);
    return result;
  }

  return {
    get usingToken() {
      return token !== undefined;
    },
    revealsToken,
    async fetchOembed(req) {
      try {
        const sentToken = token;
        const first = await logged(req, sentToken);
        if (!first.badToken) return first.outcome;
        // Only the first rejection switches (concurrent calls may all see 190) and logs.
        if (token !== undefined && token === sentToken) {
          token = undefined;
          log.error('META_ACCESS_TOKEN was rejected by the Graph API (code 190); continuing WITHOUT a token until restart. Fix or remove META_ACCESS_TOKEN.', {
            graphCode: 190,
          });
        }
        return (await logged(req, undefined)).outcome;
      } catch (err) {
        // Unreachable by design (the contract says fetchOembed never throws), so say so if it happens.
        log.error('graph client failed unexpectedly', { cause: failureCause(err) });
        return { kind: 'transient' };
      }
    },
  };
}

/**
 * The lower-cased forms of `token` to search answers for: the whole token and, for `APPID|SECRET`, the
 * secret half (the app id is public) when it is long enough not to match ordinary words (real ones have
 * 32 characters); URL- and JSON-escaped spellings of the token contain one of them.
 */
function secretSpellings(token: string | undefined): string[] {
  if (!token) return [];
  const half = /^[0-9]+\|(.{8,})$/.exec(token)?.[1];
  return [token, ...(half ? [half] : [])].map((form) => form.toLowerCase());
}

function withoutUndefined(data: z.infer<typeof oembedSchema>): OembedPayload {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (value !== undefined) out[key] = value;
  return out as unknown as OembedPayload;
}
