/** Test harness: the proxy served over real HTTP on 127.0.0.1, in front of the fake Graph API over real HTTP. */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { createNodeListener, createProxy, type ProxyApp } from '../../proxy/app.js';
import { createClientErrorHandler } from '../../proxy/client-error.js';
import { configSecrets, parseConfig, type ProxyConfig } from '../../proxy/config.js';
import { createLogger } from '../../proxy/log.js';
import { startFakeGraphServer, type FakeGraphServer } from '../support/fake-graph-server.js';

export const POST = 'https://www.instagram.com/p/fA9uwTtkSN/';

/** `/instagram_oembed?url=<encoded url>` plus any extra raw query text. */
export function oembedPath(url: string, extra = ''): string {
  return `/instagram_oembed?url=${encodeURIComponent(url)}${extra}`;
}

export interface RawResponse { status: number; headers: IncomingHttpHeaders; body: Buffer; text: string }

/** A manual clock: freshness, limits and the breaker read it, so tests move time instead of sleeping. */
export class Clock {
  t = Date.UTC(2026, 10, 26, 12, 0, 0);
  now = (): number => this.t;
  advance(ms: number): void { this.t += ms; }
}

export interface Harness {
  base: string;
  upstream: FakeGraphServer;
  proxy: ProxyApp;
  config: ProxyConfig;
  clock: Clock;
  /** Every log line the proxy (and its Graph client) wrote. */
  logs: string[];
  /** Raw HTTP: bodies are not decompressed, so encodings can be checked byte for byte. */
  get(path: string, headers?: Record<string, string>, method?: string): Promise<RawResponse>;
  /** Upstream calls seen by the fake so far. */
  readonly calls: number;
  close(): Promise<void>;
}

export function rawRequest(url: string, headers: Record<string, string> = {}, method = 'GET', signal?: AbortSignal): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false, signal }, (res) => {
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

export interface RawExchange { statusLine: string; headers: Record<string, string>; body: string }

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
  return { statusLine, headers, body: text.slice(split + 4) };
}

/**
 * Starts the fake Graph API and the proxy with `env` (GRAPH_API_URL is filled in). `onRequest` sees
 * each request after the proxy has taken it (used to release held upstream answers once every
 * client has arrived).
 */
export async function startHarness(env: Record<string, string> = {}, options: { onRequest?: () => void } = {}): Promise<Harness> {
  const upstream = await startFakeGraphServer();
  const config = parseConfig({ GRAPH_API_URL: upstream.url, ...env });
  const logs: string[] = [];
  const log = createLogger({ secrets: configSecrets(config), write: (line) => logs.push(line) });
  const clock = new Clock();
  const proxy = createProxy(config, { log, now: clock.now, distDir: false });
  // The same composition as server.ts: the Node fast lane for hits, Hono for everything else.
  const listener = createNodeListener(proxy);
  const server = createServer((req, res) => {
    listener(req, res);
    options.onRequest?.();
  });
  server.on('clientError', createClientErrorHandler(log));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    upstream,
    proxy,
    config,
    clock,
    logs,
    get: (path, headers = {}, method = 'GET') => rawRequest(base + path, headers, method),
    get calls() { return upstream.fake.calls.length; },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      proxy.close();
      await upstream.close();
    },
  };
}

/** The parsed `{"error":{"code","message"}}` of an error response. */
export function errorOf(res: RawResponse): { code: string; message: string } {
  return (JSON.parse(res.text) as { error: { code: string; message: string } }).error;
}
