/**
 * A faithful fake of Meta's `GET /instagram_oembed`, built from the recorded responses in
 * fixtures/graph: it serves fixtures mode (UPSTREAM=fixtures) in-process and, over real HTTP, the tests.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * How the fake answers for one shortcode. Strings are the common cases; objects parameterise them.
 * Defaults for unscripted posts: 'ok'. Demo shortcodes (always scripted unless overridden):
 * `NotEmbeddable` → 'not_embeddable', `SlowPost` → { delayMs: 2500 }, `FailingPost` → 'transient'.
 */
export type FakeBehaviour =
  | 'ok'                 // the recording, or the 2026 HTML rewritten to this post's permalink
  | 'not_embeddable'     // 400, code 24 / 2207045 (the recorded body)
  | 'hang'               // never answers, until the client gives up or reset()
  | 'reset'              // over HTTP: the socket is destroyed; in-process: fetch rejects with a TypeError
  | 'http_500'           // 500 with an HTML body, no Graph envelope
  | 'transient'          // 400, code 2 with is_transient: true
  | 'rate_limit'         // 400, code 4 "Application request limit reached", no hint headers
  | 'huge'               // 200, valid JSON over 256 KiB, streamed without Content-Length
  | 'non_json'           // 200, an HTML error page
  | 'redirect'           // 302 to another path on the same host
  | 'bad_token'          // 400, code 190, whatever token was sent
  | { rateLimit: { code?: number; retryAfter?: string; appUsage?: string; businessUseCaseUsage?: string } }
  | { graphError: { code: number; subcode?: number; isTransient?: boolean; message?: string; status?: number; headers?: Record<string, string> } }
  | { raw: { status: number; body: string; headers?: Record<string, string> } }
  | { delayMs: number; then?: FakeBehaviour }
  /** The normal answer with headers at once and the body in `chunks` pieces, `dripMs` apart. */
  | { dripMs: number; chunks?: number }
  /** Hold every answer for this script until `holdUntilCalls` requests for it have arrived, then answer all. */
  | { holdUntilCalls: number; then?: FakeBehaviour }
  /** Hold every answer until the promise settles (the test decides when). */
  | { holdUntil: PromiseLike<unknown>; then?: FakeBehaviour }
  /** The n-th call (from 0) gets `sequence[n]`; the last entry repeats. */
  | { sequence: readonly FakeBehaviour[] };

export interface FakeCall { method: string; url: string; headers: Record<string, string> }

export interface FakeGraph {
  /** A drop-in `fetch` for the Graph client (fixtures mode and in-process tests). */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** The same, for a server: `null` means "destroy the connection" (the 'reset' behaviour). */
  handle(request: Request): Promise<Response | null>;
  /** Every request the fake received, in order. */
  readonly calls: ReadonlyArray<FakeCall>;
  /**
   * Every `url` parameter that was not in the canonical form our proxy promises to send
   * (`https://www.instagram.com/{p|reel|tv}/{shortcode}/`). Meta accepts more spellings, and so does
   * the fake, but a proxy that sends one has a canonicalisation bug: the test harness fails on any.
   */
  readonly nonCanonical: ReadonlyArray<string>;
  /** Script every later answer for a shortcode ('*' = every post without its own script). */
  script(shortcode: string, behaviour: FakeBehaviour): void;
  /** Resolves once `count` requests in total have arrived: await it instead of sleeping. */
  waitForCalls(count: number): Promise<void>;
  /** Forget calls and scripts (demo shortcodes come back) and fail every held or hanging answer. */
  reset(): void;
}

export interface FakeGraphOptions {
  /** Defaults to the fixtures next to this module (copied to dist/proxy/fixtures by the build). */
  fixturesDir?: string | URL;
  /** A token that gets code 190, besides any token ending in `|bad`. */
  badToken?: string;
}

export const DEMO_SHORTCODES = {
  NotEmbeddable: 'not_embeddable',
  SlowPost: { delayMs: 2500 },
  FailingPost: 'transient',
} as const satisfies Record<string, FakeBehaviour>;

const RECORDINGS: Record<string, string> = {
  fA9uwTtkSN: 'xperience-meta-embeds_2026-09_graph-v25_tokenless_p_fA9uwTtkSN.json',
  DTxk5orCKEv: 'xperience-meta-embeds_2026-09_graph-v25_tokenless_reel_DTxk5orCKEv.json',
  'B9bOM-6Ax_d': 'ruby-oembed_2020-12_graph-v9_p_B9bOM-6Ax_d.json',
  CIyNZQhH4DQ: 'ruby-oembed_2020-12_graph-v9_reel_CIyNZQhH4DQ.json',
  'CCX-gcHArcJ': 'ruby-oembed_2020-12_graph-v9_tv_CCX-gcHArcJ.json',
  CARbvuYDm3Q: 'discourse-onebox_2020-11_graph-v9_p_CARbvuYDm3Q_natgeo.json',
};
const TEMPLATE_SHORTCODE = 'fA9uwTtkSN';
const TEMPLATE_PERMALINK = 'https://www.instagram.com/p/fA9uwTtkSN/';
const ERROR_FILES = {
  notEmbeddable: 'error_xperience_2026_code24_2207045_media-not-found.json',
  invalidUrl: 'error_xperience_2026_code100_2207047_invalid-url.json',
  invalidMaxwidth: 'error_xperience_2026_code100_2207049_invalid-maxwidth.json',
};
const EMBEDS_SCRIPT = /\n<script async src="\/\/platform\.instagram\.com\/en_US\/embeds\.js"><\/script>$/;
const POST_PATH = /^\/(?:[A-Za-z0-9._]{1,30}\/)?(p|reels?|tv)\/([A-Za-z0-9_-]{1,64})\/?$/;
const POST_HOSTS = new Set(['instagram.com', 'www.instagram.com', 'instagr.am', 'www.instagr.am']);
/** Written here, not imported: a fake that shared our grammar could not catch a bug in it. */
const CANONICAL_POST_URL = /^https:\/\/www\.instagram\.com\/(?:p|reel|tv)\/[A-Za-z0-9_-]+\/$/;
const RATE_LIMIT_MESSAGES: Record<number, string> = {
  4: '(#4) Application request limit reached',
  17: '(#17) User request limit reached',
  32: '(#32) Page request limit reached',
  613: '(#613) Calls to this api have exceeded the rate limit.',
  368: 'The action attempted has been deemed abusive or is otherwise disallowed',
};
const SUCCESS_HEADERS: Record<string, string> = {
  'content-type': 'application/json; charset=UTF-8',
  'cache-control': 'private, no-cache, no-store, must-revalidate',
  pragma: 'no-cache',
  expires: 'Sat, 01 Jan 2000 00:00:00 GMT',
  'access-control-allow-origin': '*',
  'facebook-api-version': 'v25.0',
};
const META_ESCAPES: Record<string, string> = { '/': '\\/', '<': '\\u003C', '%': '\\u0025', '@': '\\u0040' };
const APP_USAGE = '{"call_count":0,"total_cputime":0,"total_time":0}';

/** Meta's JSON: compact, with `/`, `<`, `%` and `@` escaped inside strings (checked against every recording). */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[/<%@]/g, (c) => META_ESCAPES[c] ?? c);
}

interface Post { kind: 'p' | 'reel' | 'tv'; shortcode: string }
interface Params { maxwidth?: number; hidecaption: boolean; omitscript: boolean }
interface Context { request: Request; post: Post; params: Params; authorized: boolean; callIndex: number; state: ScriptState }
interface ScriptState { behaviour: FakeBehaviour; count: number; held: Array<() => void> }
type OembedJson = Record<string, unknown> & { html: string };

class FakeReset extends Error {}

export function createFakeGraph(options: FakeGraphOptions = {}): FakeGraph {
  const dir = options.fixturesDir ?? new URL('./fixtures/graph/', import.meta.url);
  const fixturesBase = typeof dir === 'string' ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : dir;
  const read = (name: string) => readFileSync(new URL(name, fixturesBase), 'utf8');
  const recordings = new Map(Object.entries(RECORDINGS).map(([code, file]) => {
    const text = read(file);
    return [code, { text, json: JSON.parse(text) as OembedJson }];
  }));
  const errors = {
    notEmbeddable: read(ERROR_FILES.notEmbeddable),
    invalidUrl: read(ERROR_FILES.invalidUrl),
    invalidMaxwidth: read(ERROR_FILES.invalidMaxwidth),
  };
  const template = recordings.get(TEMPLATE_SHORTCODE)!.json;

  const calls: FakeCall[] = [];
  const nonCanonical: string[] = [];
  const scripts = new Map<string, ScriptState>();
  const pending = new Set<(error: Error) => void>();
  let callWaiters: Array<{ count: number; resolve: () => void }> = [];
  let trace = 0;

  function installDemoScripts(): void {
    scripts.clear();
    for (const [code, behaviour] of Object.entries(DEMO_SHORTCODES)) scripts.set(code, { behaviour, count: 0, held: [] });
  }
  installDemoScripts();

  /** Resolves after `ms` (never when null) or when `until` settles; fails on client abort or reset(). */
  function pause(signal: AbortSignal, ms: number | null, until?: PromiseLike<unknown>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (error?: Error) => {
        if (timer) clearTimeout(timer);
        pending.delete(fail);
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error); else resolve();
      };
      const fail = (error: Error) => done(error);
      const onAbort = () => done(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (signal.aborted) return onAbort();
      pending.add(fail);
      signal.addEventListener('abort', onAbort);
      if (ms !== null) timer = setTimeout(() => done(), ms);
      until?.then(() => done(), () => done());
    });
  }

  function headers(ctx: { authorized: boolean }, extra: Record<string, string> = {}): Headers {
    trace += 1;
    const h = new Headers(SUCCESS_HEADERS);
    h.set('x-fb-trace-id', `Fake${trace.toString(36).padStart(7, '0')}`);
    h.set('x-fb-request-id', `AFake${trace.toString(36).padStart(18, '0')}`);
    // Meta reports app usage on token calls only.
    if (ctx.authorized) h.set('x-app-usage', APP_USAGE);
    for (const [k, v] of Object.entries(extra)) h.set(k, v);
    return h;
  }

  function graphError(ctx: { authorized: boolean }, body: string, status = 400, extra: Record<string, string> = {}): Response {
    const parsed = JSON.parse(body) as { error: { message: string; code: number } };
    const kind = parsed.error.code === 190 ? 'invalid_token' : 'invalid_request';
    return new Response(body, {
      status,
      headers: headers(ctx, { 'www-authenticate': `OAuth "Facebook Platform" "${kind}" "${parsed.error.message.replace(/"/g, "'")}"`, ...extra }),
    });
  }

  function envelope(code: number, message: string, extra: Record<string, unknown> = {}): string {
    trace += 1;
    return metaJson({ error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: `AFakeTrace${trace}` } });
  }

  function okJson(ctx: Context): string {
    const recording = recordings.get(ctx.post.shortcode);
    const { maxwidth, hidecaption, omitscript } = ctx.params;
    if (recording && maxwidth === undefined && !hidecaption && !omitscript) return recording.text;
    const json: OembedJson = structuredClone(recording?.json ?? template);
    if (!recording) {
      json.html = json.html.replaceAll(TEMPLATE_PERMALINK, `https://www.instagram.com/${ctx.post.kind}/${ctx.post.shortcode}/`);
    }
    if (maxwidth !== undefined) {
      json.width = maxwidth;
      json.html = json.html.replace(/max-width:\d+px/, `max-width:${maxwidth}px`);
    }
    if (hidecaption) json.html = json.html.replace(' data-instgrm-captioned', '');
    if (omitscript) json.html = json.html.replace(EMBEDS_SCRIPT, '');
    return metaJson(json);
  }

  async function perform(behaviour: FakeBehaviour, ctx: Context): Promise<Response | null> {
    const signal = ctx.request.signal;
    if (typeof behaviour === 'string') {
      switch (behaviour) {
        case 'ok':
          return new Response(okJson(ctx), { status: 200, headers: headers(ctx) });
        case 'not_embeddable':
          return graphError(ctx, errors.notEmbeddable);
        case 'hang':
          await pause(signal, null);
          return null;
        case 'reset':
          return null;
        case 'http_500':
          return new Response('<!DOCTYPE html><html><head><title>Error</title></head><body><h1>500 Internal Server Error</h1></body></html>', {
            status: 500, headers: { 'content-type': 'text/html; charset=utf-8' },
          });
        case 'transient':
          return graphError(ctx, envelope(2, 'Please retry your request later.', { is_transient: true }));
        case 'rate_limit':
          return graphError(ctx, envelope(4, RATE_LIMIT_MESSAGES[4]!, { is_transient: true }));
        case 'huge':
          return hugeResponse(ctx);
        case 'non_json':
          return new Response('<!DOCTYPE html><html><body><p>Sorry, something went wrong.</p></body></html>', {
            status: 200, headers: { 'content-type': 'text/html; charset=utf-8' },
          });
        case 'redirect':
          return new Response(null, {
            status: 302, headers: { location: new URL('/followed-redirect', ctx.request.url).href },
          });
        case 'bad_token':
          return graphError(ctx, envelope(190, 'Invalid OAuth access token - Cannot parse access token'));
      }
    }
    if ('sequence' in behaviour) {
      const list = behaviour.sequence;
      return perform(list[Math.min(ctx.callIndex, list.length - 1)] ?? 'ok', ctx);
    }
    if ('rateLimit' in behaviour) {
      const { code = 4, retryAfter, appUsage, businessUseCaseUsage } = behaviour.rateLimit;
      const extra: Record<string, string> = {};
      if (retryAfter !== undefined) extra['retry-after'] = retryAfter;
      if (appUsage !== undefined) extra['x-app-usage'] = appUsage;
      if (businessUseCaseUsage !== undefined) extra['x-business-use-case-usage'] = businessUseCaseUsage;
      const message = RATE_LIMIT_MESSAGES[code] ?? `(#${code}) There have been too many calls. Wait a bit and try again.`;
      return graphError(ctx, envelope(code, message, { is_transient: code !== 368 }), 400, extra);
    }
    if ('graphError' in behaviour) {
      const { code, subcode, isTransient = false, message = 'An unknown error occurred', status = 400, headers: extra } = behaviour.graphError;
      const fields: Record<string, unknown> = subcode === undefined ? { is_transient: isTransient } : { error_subcode: subcode, is_transient: isTransient };
      return graphError(ctx, envelope(code, message, fields), status, extra);
    }
    if ('raw' in behaviour) {
      return new Response(behaviour.raw.body, { status: behaviour.raw.status, headers: behaviour.raw.headers ?? {} });
    }
    if ('delayMs' in behaviour) {
      await pause(signal, behaviour.delayMs);
      return perform(behaviour.then ?? 'ok', ctx);
    }
    if ('dripMs' in behaviour) {
      return dripResponse(okJson(ctx), headers(ctx), behaviour.dripMs, behaviour.chunks ?? 10, signal);
    }
    if ('holdUntilCalls' in behaviour) {
      if (ctx.state.count < behaviour.holdUntilCalls) {
        const released = new Promise<void>((resolve) => ctx.state.held.push(resolve));
        await pause(signal, null, released);
      }
      return perform(behaviour.then ?? 'ok', ctx);
    }
    await pause(signal, null, behaviour.holdUntil);
    return perform(behaviour.then ?? 'ok', ctx);
  }

  function hugeResponse(ctx: Context): Response {
    const json = structuredClone(template);
    json.html = `${json.html}${'<div></div>'.repeat(30_000)}`; // about 330 KB
    const bytes = new TextEncoder().encode(metaJson(json));
    const chunk = 16 * 1024;
    let offset = 0;
    // No Content-Length: the client has to cap while reading, not trust a header.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(offset, offset + chunk));
        offset += chunk;
      },
    });
    const h = headers(ctx);
    return new Response(body, { status: 200, headers: h });
  }

  function dripResponse(text: string, h: Headers, dripMs: number, chunks: number, signal: AbortSignal): Response {
    const bytes = new TextEncoder().encode(text);
    const size = Math.ceil(bytes.length / Math.max(1, chunks));
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (offset >= bytes.length) return controller.close();
        try {
          await pause(signal, dripMs);
        } catch (error) {
          return controller.error(error);
        }
        controller.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      },
    });
    return new Response(body, { status: 200, headers: h });
  }

  function parsePost(raw: string): Post | null {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return null;
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !POST_HOSTS.has(url.hostname) || url.port) return null;
    const match = POST_PATH.exec(url.pathname);
    if (!match) return null;
    const kind = match[1] === 'tv' ? 'tv' : match[1] === 'p' ? 'p' : 'reel';
    return { kind, shortcode: match[2]! };
  }

  async function handle(request: Request): Promise<Response | null> {
    const headerRecord: Record<string, string> = {};
    request.headers.forEach((value, key) => { headerRecord[key] = value; });
    calls.push({ method: request.method, url: request.url, headers: headerRecord });
    callWaiters = callWaiters.filter((w) => (calls.length >= w.count ? (w.resolve(), false) : true));

    const url = new URL(request.url);
    const auth = request.headers.get('authorization');
    const token = auth === null ? url.searchParams.get('access_token') : /^Bearer (\S+)$/.exec(auth)?.[1] ?? '';
    const base = { authorized: token !== null };
    if (!url.pathname.endsWith('/instagram_oembed')) {
      return graphError(base, envelope(2500, `Unknown path components: ${url.pathname.replace(/^\/v[0-9.]+/, '')}`));
    }
    if (request.method !== 'GET') {
      return graphError(base, envelope(100, 'Unsupported post request.', { error_subcode: 33, is_transient: false }));
    }
    if (token !== null && (token === '' || token.endsWith('|bad') || token === options.badToken)) {
      return graphError(base, envelope(190, 'Invalid OAuth access token - Cannot parse access token'));
    }
    // Asking for fields Meta removed is reported to produce this misleading error.
    if (url.searchParams.has('fields')) return graphError(base, envelope(200, '(#200) Provide valid app ID'));
    const rawUrl = url.searchParams.get('url');
    if (rawUrl === null || rawUrl === '') return graphError(base, envelope(100, '(#100) The parameter url is required.'));
    if (!CANONICAL_POST_URL.test(rawUrl)) nonCanonical.push(rawUrl);
    const post = parsePost(rawUrl);
    if (!post) return graphError(base, errors.invalidUrl);
    const rawWidth = url.searchParams.get('maxwidth');
    let maxwidth: number | undefined;
    if (rawWidth !== null) {
      maxwidth = /^[0-9]{1,4}$/.test(rawWidth) ? Number(rawWidth) : NaN;
      if (!(maxwidth >= 320 && maxwidth <= 658)) return graphError(base, errors.invalidMaxwidth);
    }
    const flag = (name: string) => ['true', '1'].includes(url.searchParams.get(name) ?? '');
    const params: Params = { maxwidth, hidecaption: flag('hidecaption'), omitscript: flag('omitscript') };

    let state = scripts.get(post.shortcode) ?? scripts.get('*');
    if (!state) state = { behaviour: 'ok', count: 0, held: [] };
    const callIndex = state.count;
    state.count += 1;
    const hold = state.behaviour;
    if (typeof hold === 'object' && 'holdUntilCalls' in hold && state.count >= hold.holdUntilCalls) {
      for (const release of state.held.splice(0)) release();
    }
    return perform(state.behaviour, { request, post, params, authorized: base.authorized, callIndex, state });
  }

  return {
    get calls() {
      return calls;
    },
    nonCanonical,
    handle,
    async fetch(input, init) {
      const response = await handle(new Request(input, init));
      if (response === null) throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
      return response;
    },
    script(shortcode, behaviour) {
      scripts.set(shortcode, { behaviour, count: 0, held: [] });
    },
    waitForCalls(count) {
      if (calls.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => callWaiters.push({ count, resolve }));
    },
    reset() {
      calls.length = 0;
      nonCanonical.length = 0;
      for (const fail of [...pending]) fail(new FakeReset('fake graph reset'));
      pending.clear();
      installDemoScripts();
    },
  };
}
