/**
 * The scriptable fake of Meta's `GET /instagram_oembed` for the proxy tests: the fixtures-mode answers
 * (proxy/fake-graph.ts) plus every failure a test needs to provoke (hangs, resets, drips, held answers,
 * sequences), a record of each call, and a check that the proxy only ever sends canonical post URLs.
 * Served over real HTTP by fake-graph-server.ts; its `fetch` also works in-process.
 */
import { createFixturesGraph, DEMO_SHORTCODES, metaJson, type FixturesGraphOptions, type GraphAsk } from '../../proxy/fake-graph.js';

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
  /** A drop-in `fetch` for the Graph client (in-process tests). */
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

export type FakeGraphOptions = FixturesGraphOptions;

/** Written here, not imported: a fake that shared our grammar could not catch a bug in it. */
const CANONICAL_POST_URL = /^https:\/\/www\.instagram\.com\/(?:p|reel|tv)\/[A-Za-z0-9_-]+\/$/;
const RATE_LIMIT_MESSAGES: Record<number, string> = {
  4: '(#4) Application request limit reached',
  17: '(#17) User request limit reached',
  32: '(#32) Page request limit reached',
  613: '(#613) Calls to this api have exceeded the rate limit.',
  368: 'The action attempted has been deemed abusive or is otherwise disallowed',
};

interface ScriptState { behaviour: FakeBehaviour; count: number; held: Array<() => void> }
interface Context extends GraphAsk { request: Request; callIndex: number; state: ScriptState }

class FakeReset extends Error {}

export function createFakeGraph(options: FakeGraphOptions = {}): FakeGraph {
  const meta = createFixturesGraph(options);
  const calls: FakeCall[] = [];
  const nonCanonical: string[] = [];
  const scripts = new Map<string, ScriptState>();
  const pending = new Set<(error: Error) => void>();
  let callWaiters: Array<{ count: number; resolve: () => void }> = [];

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

  async function perform(behaviour: FakeBehaviour, ctx: Context): Promise<Response | null> {
    const signal = ctx.request.signal;
    if (typeof behaviour === 'string') {
      switch (behaviour) {
        case 'ok':
          return meta.ok(ctx);
        case 'not_embeddable':
          return meta.notEmbeddable(ctx);
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
          return meta.error(ctx, 2, 'Please retry your request later.', { is_transient: true });
        case 'rate_limit':
          return meta.error(ctx, 4, RATE_LIMIT_MESSAGES[4]!, { is_transient: true });
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
          return meta.error(ctx, 190, 'Invalid OAuth access token - Cannot parse access token');
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
      return meta.error(ctx, code, message, { is_transient: code !== 368 }, 400, extra);
    }
    if ('graphError' in behaviour) {
      const { code, subcode, isTransient = false, message = 'An unknown error occurred', status = 400, headers: extra } = behaviour.graphError;
      const fields: Record<string, unknown> = subcode === undefined ? { is_transient: isTransient } : { error_subcode: subcode, is_transient: isTransient };
      return meta.error(ctx, code, message, fields, status, extra);
    }
    if ('raw' in behaviour) {
      return new Response(behaviour.raw.body, { status: behaviour.raw.status, headers: behaviour.raw.headers ?? {} });
    }
    if ('delayMs' in behaviour) {
      await pause(signal, behaviour.delayMs);
      return perform(behaviour.then ?? 'ok', ctx);
    }
    if ('dripMs' in behaviour) {
      return dripResponse(meta.okText(ctx), meta.headers(ctx), behaviour.dripMs, behaviour.chunks ?? 10, signal);
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
    const json = structuredClone(meta.template) as { html: string };
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
    return new Response(body, { status: 200, headers: meta.headers(ctx) });
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

  async function handle(request: Request): Promise<Response | null> {
    const headerRecord: Record<string, string> = {};
    request.headers.forEach((value, key) => { headerRecord[key] = value; });
    calls.push({ method: request.method, url: request.url, headers: headerRecord });
    callWaiters = callWaiters.filter((w) => (calls.length >= w.count ? (w.resolve(), false) : true));
    const rawUrl = new URL(request.url).searchParams.get('url');
    if (rawUrl && !CANONICAL_POST_URL.test(rawUrl)) nonCanonical.push(rawUrl);

    const ask = meta.read(request);
    if (ask instanceof Response) return ask;
    const state = scripts.get(ask.post.shortcode) ?? scripts.get('*') ?? { behaviour: 'ok', count: 0, held: [] };
    const callIndex = state.count;
    state.count += 1;
    const hold = state.behaviour;
    if (typeof hold === 'object' && 'holdUntilCalls' in hold && state.count >= hold.holdUntilCalls) {
      for (const release of state.held.splice(0)) release();
    }
    return perform(state.behaviour, { ...ask, request, callIndex, state });
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
