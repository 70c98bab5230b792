/**
 * Meta's `GET /instagram_oembed` played from the recorded responses in fixtures/graph, for fixtures mode
 * (UPSTREAM=fixtures, in-process): recorded posts byte for byte (less the 2020 recordings' expired CDN
 * thumbnails), any other well-formed post, Meta's errors for bad input, and the demo shortcodes. The tests' scriptable fake (test/support/fake-graph.ts)
 * builds its answers from this one.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** What fixtures mode does for a demo shortcode (a subset of the tests' scriptable behaviours). */
export type DemoBehaviour = 'not_embeddable' | 'transient' | { delayMs: number };

/** Documented in docs/configuration.md ("Fixtures mode"): the demo pages show each of these. */
export const DEMO_SHORTCODES = {
  NotEmbeddable: 'not_embeddable',
  SlowPost: { delayMs: 2500 },
  FailingPost: 'transient',
} as const satisfies Record<string, DemoBehaviour>;

export interface FixturesGraphOptions {
  /** Defaults to the fixtures next to this module (copied to dist/proxy/fixtures by the build). */
  fixturesDir?: string | URL;
  /** A token that gets code 190, besides any token ending in `|bad`. */
  badToken?: string;
}

/** A request Meta would answer with a post: what it asks for, as Meta reads it. */
export interface GraphAsk {
  post: { kind: 'p' | 'reel' | 'tv'; shortcode: string };
  params: { maxwidth?: number; hidecaption: boolean; omitscript: boolean };
  /** Whether a token came with it (Meta reports app usage on token calls only). */
  authorized: boolean;
}

type OembedJson = Record<string, unknown> & { html: string };

export interface FixturesGraph {
  /** The drop-in `fetch` the Graph client uses in fixtures mode. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Reads a request as Meta does: the Graph error Meta answers for it, or what it asks for. */
  read(request: Request): Response | GraphAsk;
  /** 200 with the post's recording, or the 2026 HTML rewritten to its permalink; parameters applied as Meta does. */
  ok(ask: Pick<GraphAsk, 'post' | 'params' | 'authorized'>): Response;
  /** The body `ok` sends, as text. */
  okText(ask: Pick<GraphAsk, 'post' | 'params'>): string;
  /** 400, code 24 / 2207045: the recorded body. */
  notEmbeddable(ask: Pick<GraphAsk, 'authorized'>): Response;
  /** A Graph error envelope (`{error:{message,type,code,…,fbtrace_id}}`) with Meta's headers. */
  error(ask: Pick<GraphAsk, 'authorized'>, code: number, message: string, fields?: Record<string, unknown>, status?: number, headers?: Record<string, string>): Response;
  /** Meta's headers for an answer: trace ids, and X-App-Usage on token calls. */
  headers(ask: Pick<GraphAsk, 'authorized'>, extra?: Record<string, string>): Headers;
  /** The parsed 2026 recording every unrecorded post is made from. */
  readonly template: Readonly<OembedJson>;
}

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
// Meta's own leniency, written here and not imported: a fake that shared our grammar could not catch a bug in it.
const POST_PATH = /^\/(?:[A-Za-z0-9._]{1,30}\/)?(p|reels?|tv)\/([A-Za-z0-9_-]{1,64})\/?$/;
const POST_HOSTS = new Set(['instagram.com', 'www.instagram.com', 'instagr.am', 'www.instagr.am']);
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

// Where Meta's thumbnails live. The 2020 recordings' thumbnail URLs are signed and long expired: fixtures
// mode leaves them out, so an offline demo never makes the browser ask Meta's CDN for an image that fails.
const META_CDN = /(^|\.)(cdninstagram\.com|fbcdn\.net)$/;

/** Meta's JSON: compact, with `/`, `<`, `%` and `@` escaped inside strings (checked against every recording). */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[/<%@]/g, (c) => META_ESCAPES[c] ?? c);
}

/** The post a `url` parameter names, by Meta's lenient reading; null when Meta answers "invalid URL". */
function parsePost(raw: string): GraphAsk['post'] | null {
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

/** Resolves after `ms`; rejects when `signal` aborts first (the Graph client's deadline). */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** A 200 answer without its thumbnail_* fields when its thumbnail is on Meta's CDN; any other answer as it is. */
async function withoutCdnThumbnail(response: Response): Promise<Response> {
  const text = await response.text();
  const json = JSON.parse(text) as Record<string, unknown>;
  let host = '';
  try {
    host = new URL(String(json.thumbnail_url)).hostname;
  } catch { /* no thumbnail, or not a URL: nothing to strip */ }
  if (!META_CDN.test(host)) return new Response(text, response);
  delete json.thumbnail_url;
  delete json.thumbnail_width;
  delete json.thumbnail_height;
  return new Response(metaJson(json), response);
}

// Long (about 110 lines) because its parts share the recordings read once and one trace counter: the
// header and error builders, the answer text, and readRequest, whose checks run in the order Meta's do.
export function createFixturesGraph(options: FixturesGraphOptions = {}): FixturesGraph {
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
  const demo = new Map<string, DemoBehaviour>(Object.entries(DEMO_SHORTCODES));
  let trace = 0;

  function headers(ask: Pick<GraphAsk, 'authorized'>, extra: Record<string, string> = {}): Headers {
    trace += 1;
    const h = new Headers(SUCCESS_HEADERS);
    h.set('x-fb-trace-id', `Fake${trace.toString(36).padStart(7, '0')}`);
    h.set('x-fb-request-id', `AFake${trace.toString(36).padStart(18, '0')}`);
    if (ask.authorized) h.set('x-app-usage', APP_USAGE);
    for (const [k, v] of Object.entries(extra)) h.set(k, v);
    return h;
  }

  /** A Graph error with the body as given (a recording, or an envelope built below). */
  function graphError(ask: Pick<GraphAsk, 'authorized'>, body: string, status = 400, extra: Record<string, string> = {}): Response {
    const parsed = JSON.parse(body) as { error: { message: string; code: number } };
    const kind = parsed.error.code === 190 ? 'invalid_token' : 'invalid_request';
    return new Response(body, {
      status,
      headers: headers(ask, { 'www-authenticate': `OAuth "Facebook Platform" "${kind}" "${parsed.error.message.replace(/"/g, "'")}"`, ...extra }),
    });
  }

  function error(ask: Pick<GraphAsk, 'authorized'>, code: number, message: string, fields: Record<string, unknown> = {}, status = 400, extra: Record<string, string> = {}): Response {
    trace += 1;
    const body = metaJson({ error: { message, type: 'OAuthException', code, ...fields, fbtrace_id: `AFakeTrace${trace}` } });
    return graphError(ask, body, status, extra);
  }

  function okText({ post, params }: Pick<GraphAsk, 'post' | 'params'>): string {
    const recording = recordings.get(post.shortcode);
    const { maxwidth, hidecaption, omitscript } = params;
    if (recording && maxwidth === undefined && !hidecaption && !omitscript) return recording.text;
    const json: OembedJson = structuredClone(recording?.json ?? template);
    if (!recording) json.html = json.html.replaceAll(TEMPLATE_PERMALINK, `https://www.instagram.com/${post.kind}/${post.shortcode}/`);
    if (maxwidth !== undefined) {
      json.width = maxwidth;
      json.html = json.html.replace(/max-width:\d+px/, `max-width:${maxwidth}px`);
    }
    if (hidecaption) json.html = json.html.replace(' data-instgrm-captioned', '');
    if (omitscript) json.html = json.html.replace(EMBEDS_SCRIPT, '');
    return metaJson(json);
  }

  function readRequest(request: Request): Response | GraphAsk {
    const url = new URL(request.url);
    const auth = request.headers.get('authorization');
    const token = auth === null ? url.searchParams.get('access_token') : /^Bearer (\S+)$/.exec(auth)?.[1] ?? '';
    const base = { authorized: token !== null };
    if (!url.pathname.endsWith('/instagram_oembed')) {
      return error(base, 2500, `Unknown path components: ${url.pathname.replace(/^\/v[0-9.]+/, '')}`);
    }
    if (request.method !== 'GET') return error(base, 100, 'Unsupported post request.', { error_subcode: 33, is_transient: false });
    if (token !== null && (token === '' || token.endsWith('|bad') || token === options.badToken)) {
      return error(base, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
    // Asking for fields Meta removed is reported to produce this misleading error.
    if (url.searchParams.has('fields')) return error(base, 200, '(#200) Provide valid app ID');
    const rawUrl = url.searchParams.get('url');
    if (rawUrl === null || rawUrl === '') return error(base, 100, '(#100) The parameter url is required.');
    const post = parsePost(rawUrl);
    if (!post) return graphError(base, errors.invalidUrl);
    const rawWidth = url.searchParams.get('maxwidth');
    let maxwidth: number | undefined;
    if (rawWidth !== null) {
      maxwidth = /^[0-9]{1,4}$/.test(rawWidth) ? Number(rawWidth) : NaN;
      if (!(maxwidth >= 320 && maxwidth <= 658)) return graphError(base, errors.invalidMaxwidth);
    }
    const flag = (name: string) => ['true', '1'].includes(url.searchParams.get(name) ?? '');
    return { post, params: { maxwidth, hidecaption: flag('hidecaption'), omitscript: flag('omitscript') }, authorized: base.authorized };
  }

  const ok: FixturesGraph['ok'] = (ask) => new Response(okText(ask), { status: 200, headers: headers(ask) });

  return {
    read: readRequest,
    ok,
    okText,
    notEmbeddable: (ask) => graphError(ask, errors.notEmbeddable),
    error,
    headers,
    template,
    async fetch(input, init) {
      const request = new Request(input, init);
      const ask = readRequest(request);
      if (ask instanceof Response) return ask;
      const behaviour = demo.get(ask.post.shortcode);
      if (behaviour === 'not_embeddable') return graphError(ask, errors.notEmbeddable);
      if (behaviour === 'transient') return error(ask, 2, 'Please retry your request later.', { is_transient: true });
      if (behaviour) await delay(behaviour.delayMs, request.signal);
      return withoutCdnThumbnail(ok(ask));
    },
  };
}
