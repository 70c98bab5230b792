/** Test harness: the proxy served over real HTTP on 127.0.0.1, in front of the fake Graph API over real HTTP. */
import { createServer, get as httpGet, request as httpRequest, type Agent, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { after } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { getRequestListener } from '@hono/node-server';
import { createProxy, type ProxyApp } from '../../proxy/app.js';
import { configSecrets, parseConfig, type ProxyConfig } from '../../proxy/config.js';
import { createLogger, type Logger } from '../../proxy/log.js';
import { createNodeServer, type NodeServer, type NodeServerOptions } from '../../proxy/node-server.js';
import { startFakeGraphServer, type FakeGraphServer } from '../support/fake-graph-server.js';

export const POST = 'https://www.instagram.com/p/fA9uwTtkSN/';

/**
 * The token every harness (and canaryConfig) runs with unless its env sets META_ACCESS_TOKEN itself
 * (`''` = tokenless). The fake accepts it. Issue 2: run the suite with a canary token and search all output.
 */
export const CANARY_TOKEN = '987654|SUITECANARYz7Qw';

/** parseConfig with the canary token, for tests that build a proxy without the harness. */
export function canaryConfig(env: Record<string, string> = {}): ProxyConfig {
  return parseConfig({ META_ACCESS_TOKEN: CANARY_TOKEN, ...env });
}

/**
 * Every spelling of a secret worth searching output for: the whole token raw, URL-encoded and
 * base64 (an Authorization: Basic slip), and for `APPID|SECRET` the secret half alone when it is long
 * enough not to match ordinary words (a test's `1234|bad` is checked whole only).
 */
function secretForms(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
  const half = /^[0-9]+\|(.{8,})$/.exec(secret)?.[1];
  if (half) forms.push(half);
  return forms;
}

/** Fails, naming where, if any of `texts` holds any spelling of any of `secrets` (case-insensitive). */
export function assertNoSecrets(secrets: ReadonlyArray<string | undefined>, texts: Iterable<readonly [where: string, text: string]>): void {
  const forms = secrets.filter((s): s is string => !!s).flatMap(secretForms);
  for (const [where, text] of texts) {
    const lower = text.toLowerCase();
    const found = forms.find((form) => lower.includes(form.toLowerCase()));
    assert.equal(found, undefined, `a secret (${found}) leaked into ${where}: ${text.slice(0, 300)}`);
  }
}

/** `/instagram_oembed?url=<encoded url>` plus any extra raw query text. */
export function oembedPath(url: string, extra = ''): string {
  return `/instagram_oembed?url=${encodeURIComponent(url)}${extra}`;
}

export interface RawResponse { status: number; headers: IncomingHttpHeaders; body: Buffer; text: string }

/** A manual clock: freshness, limits and the breaker read it, so tests move time instead of sleeping. */
export class Clock {
  t = Date.UTC(2026, 10, 26, 12, 0, 0);
  /** While set, reading the clock throws it: a way to make any request path fail unexpectedly. */
  failure: Error | undefined;
  now = (): number => {
    if (this.failure) throw this.failure;
    return this.t;
  };
  advance(ms: number): void { this.t += ms; }
}

export interface Harness {
  base: string;
  /**
   * The same proxy served through Hono only (`getRequestListener(proxy.fetch)`, as any Node host of
   * a Hono app serves it), when started with `{ honoLane: true }`: for comparing the two lanes.
   */
  honoBase: string | undefined;
  upstream: FakeGraphServer;
  proxy: ProxyApp;
  config: ProxyConfig;
  clock: Clock;
  /** Every log line the proxy (and its Graph client) wrote, redacted as in production. */
  logs: string[];
  /**
   * Raw HTTP: bodies are not decompressed, so encodings can be checked byte for byte. `from` is the
   * client's own address (127.0.0.2 etc. are this machine too), for tests with several clients.
   */
  get(path: string, headers?: Record<string, string>, method?: string, from?: string): Promise<RawResponse>;
  /** Upstream calls seen by the fake so far. */
  readonly calls: number;
  /** The server's drain (node-server.ts), as SIGTERM runs it. */
  drain: NodeServer['drain'];
  /**
   * Stops everything, then asserts the token (and METRICS_TOKEN) never appeared in any log line the
   * proxy tried to write (before redaction), in any byte the server sent, in any body h.get()
   * decompressed, or anywhere the fake saw it but a `Bearer` Authorization header.
   */
  close(): Promise<void>;
}

export function rawRequest(url: string, headers: Record<string, string> = {}, method = 'GET', signal?: AbortSignal, localAddress?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false, signal, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface KeepAliveAnswer { status: number; connection: string | undefined; socket: Socket }

/** A GET through a keep-alive `agent`: status, the Connection header, and the socket it came on. */
export function keepAliveGet(agent: Agent, url: string): Promise<KeepAliveAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, socket: req.socket as Socket }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export interface RawExchange { statusLine: string; headers: Record<string, string>; body: string; /** Every byte received, as latin1. */ raw: string }

/** Sends `bytes` over a fresh TCP connection and reads until the server closes it. */
export async function rawExchange(base: string, bytes: string | Buffer): Promise<RawExchange> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  // The server may close while we are still writing; what it answered is what counts.
  socket.on('error', () => {});
  socket.write(bytes);
  await once(socket, 'close');
  const text = Buffer.concat(chunks).toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  assert.notEqual(split, -1, `no complete response head in ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  }));
  return { statusLine, headers, body: text.slice(split + 4), raw: text };
}

/**
 * Starts the fake Graph API and the proxy with `env` (GRAPH_API_URL is filled in). `onRequest` sees
 * each request after the proxy has taken it (used to release held upstream answers once every
 * client has arrived); the timeouts shorten the server's deadlines (default 10 s and 15 s).
 */
export async function startHarness(
  env: Record<string, string> = {},
  options: { onRequest?: () => void; honoLane?: boolean } & Pick<NodeServerOptions, 'headersTimeoutMs' | 'requestTimeoutMs'> = {},
): Promise<Harness> {
  const upstream = await startFakeGraphServer();
  const config = canaryConfig({ GRAPH_API_URL: upstream.url, ...env });
  const logs: string[] = [];
  // The canary is searched for in what the proxy *tried* to log, so a leak the redactor happens to
  // hide still fails; `logs` keeps the production (redacted) lines the tests read.
  const unredacted: string[] = [];
  const log = tee(
    createLogger({ secrets: configSecrets(config), write: (line) => logs.push(line) }),
    createLogger({ secrets: [], write: (line) => unredacted.push(line) }),
  );
  const clock = new Clock();
  const proxy = createProxy(config, { log, now: clock.now, distDir: false });
  // The server server.ts runs: the Node fast lane for hits, Hono for everything else, its deadlines and drain.
  const node = createNodeServer(proxy, { log, headersTimeoutMs: options.headersTimeoutMs, requestTimeoutMs: options.requestTimeoutMs });
  const server = node.server;
  const { onRequest } = options;
  if (onRequest) server.on('request', () => onRequest());
  const sent: Array<Array<string>> = [];
  server.on('connection', (socket: Socket) => sent.push(tapWrites(socket)));
  const decoded: string[] = [];
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  openHarnesses.add(base);
  let honoServer: Server | undefined;
  let honoBase: string | undefined;
  if (options.honoLane) {
    honoServer = createServer(getRequestListener(proxy.fetch));
    honoServer.on('connection', (socket: Socket) => sent.push(tapWrites(socket)));
    honoServer.listen(0, '127.0.0.1');
    await once(honoServer, 'listening');
    honoBase = `http://127.0.0.1:${(honoServer.address() as AddressInfo).port}`;
  }
  return {
    base,
    honoBase,
    upstream,
    proxy,
    config,
    clock,
    logs,
    async get(path, headers = {}, method = 'GET', from = undefined) {
      const res = await rawRequest(base + path, headers, method, undefined, from);
      const encoding = res.headers['content-encoding'];
      if (encoding === 'gzip') decoded.push(gunzipSync(res.body).toString('utf8'));
      if (encoding === 'br') decoded.push(brotliDecompressSync(res.body).toString('utf8'));
      return res;
    },
    get calls() { return upstream.fake.calls.length; },
    drain: (graceMs) => node.drain(graceMs),
    async close() {
      for (const s of [server, honoServer]) {
        if (!s) continue;
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections();
        await closed;
      }
      proxy.close();
      await upstream.close();
      openHarnesses.delete(base);

      const secrets = [config.accessToken, config.metricsToken];
      assertNoSecrets(secrets, [
        ...unredacted.map((line) => ['a log line', line] as const),
        ...sent.map((chunks) => ['the bytes sent on a connection', chunks.join('')] as const),
        ...decoded.map((body) => ['a decompressed response body', body] as const),
      ]);
      assert.deepEqual(upstream.fake.nonCanonical, [], 'the proxy sent Meta a URL that is not in canonical form');
      for (const call of upstream.fake.calls) {
        const { authorization, ...others } = call.headers;
        assertNoSecrets(secrets, [['an upstream URL', call.url], ...Object.entries(others).map(([name, value]) => [`upstream header ${name}`, value] as const)]);
        if (authorization !== undefined) assert.equal(authorization, `Bearer ${config.accessToken}`, 'the upstream Authorization header');
      }
    },
  };
}

// The canary search runs in close(): a harness left open would go unchecked.
const openHarnesses = new Set<string>();
after(() => {
  assert.deepEqual([...openHarnesses], [], 'harnesses never closed (their canary check did not run)');
});

/**
 * One logger writing to several. It forwards the optional request method too, so the suite's
 * request lines come from the writer production uses (createLogger's `request`).
 */
function tee(...loggers: Array<Required<Logger>>): Required<Logger> {
  return {
    info: (msg, fields) => { for (const l of loggers) l.info(msg, fields); },
    warn: (msg, fields) => { for (const l of loggers) l.warn(msg, fields); },
    error: (msg, fields) => { for (const l of loggers) l.error(msg, fields); },
    request: (line) => { for (const l of loggers) l.request(line); },
  };
}

/** Records every byte written to `socket` (response heads and bodies, fast lane, Hono and clientError alike). */
function tapWrites(socket: Socket): string[] {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    if (typeof chunk === 'string') chunks.push(chunk);
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1'));
  };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  const end = socket.end.bind(socket) as (...args: unknown[]) => Socket;
  socket.write = ((...args: unknown[]) => { record(args[0]); return write(...args); }) as Socket['write'];
  socket.end = ((...args: unknown[]) => { if (typeof args[0] !== 'function') record(args[0]); return end(...args); }) as Socket['end'];
  return chunks;
}

/** The parsed `{"error":{"code","message"}}` of an error response. */
export function errorOf(res: RawResponse): { code: string; message: string } {
  return (JSON.parse(res.text) as { error: { code: string; message: string } }).error;
}
