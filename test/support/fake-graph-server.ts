/** Serves the fake Graph API over real HTTP on 127.0.0.1 (ephemeral port) for integration tests. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createFakeGraph, type FakeGraph, type FakeGraphOptions } from './fake-graph.js';

export interface FakeGraphServer {
  /** Base URL to use as GRAPH_API_URL, e.g. http://127.0.0.1:41234/v25.0 */
  url: string;
  fake: FakeGraph;
  /** Stops listening and destroys every open socket, hanging ones included. */
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  // The fake only serves GET; a body is never read.
  return new Request(new URL(req.url ?? '/', origin), { method: req.method ?? 'GET', headers, signal });
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

async function send(response: Response, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => { headers[key] = value; });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value)) await drained(res);
  }
  res.end();
}

export async function startFakeGraphServer(options?: FakeGraphOptions): Promise<FakeGraphServer> {
  const fake = createFakeGraph(options);
  const sockets = new Set<Socket>();
  let origin = '';

  const server = createServer((req, res) => {
    const controller = new AbortController();
    // The client went away (timeout, abort): let hanging or dripping answers stop.
    res.on('close', () => { if (!res.writableFinished) controller.abort(new Error('client closed the connection')); });
    fake.handle(toRequest(req, origin, controller.signal))
      .then((response) => {
        if (response === null) req.socket.destroy();
        else return send(response, res, controller.signal);
      })
      .catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/v25.0`,
    fake,
    async close() {
      fake.reset();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
