// createNodeServer over raw sockets: the deadlines hold to within a second, and a drain answers every request that reached it.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ERRORS } from '../../proxy/errors.js';
import { keepAliveGet, oembedPath, POST, rawExchange, rawRequest, startHarness, type Harness } from './harness.js';

// Short deadlines so the tests take about a second each; server.ts runs the same code with 10 s and 15 s.
const HEADERS_MS = 1000;
const REQUEST_MS = 1500;
/** node checks deadlines every min(1 s, headers / 4); this bounds how late a deadline may fire, with room for a loaded machine. */
const LATE_MS = 1000;

async function open(base: string): Promise<Socket> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  socket.on('error', () => {});
  return socket;
}

/** Resolves with the milliseconds from now until `socket` closes, and what it received. */
function closing(socket: Socket): Promise<{ ms: number; received: string }> {
  const started = performance.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => { received += chunk.toString('latin1'); });
  // A 'close' listener, not once(): once() would reject on the 'error' (a reset) that may come first.
  return new Promise((resolve) => socket.once('close', () => resolve({ ms: performance.now() - started, received })));
}

/** Sends `head`, then `chunk` every 200 ms until the server closes the connection. */
async function drip(base: string, head: string, chunk: string): Promise<{ ms: number; received: string }> {
  const socket = await open(base);
  const done = closing(socket);
  socket.write(head);
  const timer = setInterval(() => { if (socket.writable) socket.write(chunk); }, 200);
  return done.finally(() => clearInterval(timer));
}

/** Fails unless `promise` settles within `ms` (it is about something happening promptly, not about timing). */
async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms); });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('deadlines', () => {
  let h: Harness;
  before(async () => { h = await startHarness({}, { headersTimeoutMs: HEADERS_MS, requestTimeoutMs: REQUEST_MS }); });
  after(() => h.close());

  test('a connection that sends nothing gets 408 request_timeout and is closed within a second of the header timeout', async () => {
    const started = performance.now();
    const res = await rawExchange(h.base, '');
    const ms = performance.now() - started;
    assert.equal(res.statusLine, 'HTTP/1.1 408 Request Timeout');
    assert.deepEqual(JSON.parse(res.body), { error: { code: 'request_timeout', message: ERRORS.request_timeout.message } });
    assert.equal(ms >= HEADERS_MS - 50 && ms < HEADERS_MS + LATE_MS, true, `closed after ${Math.round(ms)} ms`);
  });

  test('200 silent connections at once are all closed within a second of the header timeout, and the server still answers', async () => {
    const sockets = await Promise.all(Array.from({ length: 200 }, () => open(h.base)));
    const closed = await Promise.all(sockets.map(closing));
    const slowest = Math.max(...closed.map((c) => c.ms));
    assert.equal(slowest < HEADERS_MS + LATE_MS, true, `the last closed after ${Math.round(slowest)} ms`);
    assert.equal((await rawRequest(`${h.base}/healthz`)).status, 200);
  });

  test('a request head that drips in gets 408 within a second of the header timeout', async () => {
    // A header line every 200 ms: the connection is never silent, the head is never complete.
    const { ms, received } = await drip(h.base, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', 'X-Drip: 1\r\n');
    assert.match(received, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    assert.equal(ms >= HEADERS_MS - 50 && ms < HEADERS_MS + LATE_MS, true, `408 after ${Math.round(ms)} ms`);
  });

  test('a request whose body drips in is cut within a second of the request timeout', async () => {
    const { ms, received } = await drip(h.base, 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n', 'a');
    // The route answered at once without reading the body; the connection is then closed at the request deadline.
    assert.match(received, /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal(ms >= REQUEST_MS - 50 && ms < REQUEST_MS + LATE_MS, true, `closed after ${Math.round(ms)} ms`);
  });
});

describe('drain', () => {
  let h: Harness | undefined;
  afterEach(async () => { await h?.close(); h = undefined; });

  test('answers in-flight and late-arriving requests with Connection: close, closes idle and silent connections at once, resolves drained', async () => {
    h = await startHarness();
    const base = h.base;
    let release = () => {};
    h.upstream.fake.script('Held', { holdUntil: new Promise<void>((resolve) => { release = resolve; }), then: 'ok' });

    const idleAgent = new Agent({ keepAlive: true });
    const idle = await keepAliveGet(idleAgent, `${base}/healthz`);
    assert.equal(idle.connection, 'keep-alive');
    const idleClosed = closing(idle.socket);
    const silentClosed = closing(await open(base));
    // Requests whose heads have only partly arrived when the drain starts: one for Hono, one for the fast lane (a cached post).
    assert.equal((await rawRequest(base + oembedPath(POST))).status, 200);
    const partials = await Promise.all(['/healthz', oembedPath(POST)].map(async (path) => {
      const socket = await open(base);
      const answer = closing(socket);
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n`);
      return { socket, answer };
    }));
    const agents = Array.from({ length: 3 }, () => new Agent({ keepAlive: true }));
    const inFlight = agents.map((agent) => keepAliveGet(agent, base + oembedPath('https://www.instagram.com/p/Held/')));
    await h.upstream.fake.waitForCalls(1);
    while (!/^igembed_http_requests_in_flight 4$/m.test((await rawRequest(`${base}/metrics`)).text)) await delay(10);

    const drained = h.drain(5000);
    // Idle and silent connections close at the start of the drain, while the held requests still wait.
    await within(2000, Promise.all([idleClosed, silentClosed]), 'idle and silent connections closed');
    assert.equal((await silentClosed).received, '');
    for (const { socket } of partials) socket.write('\r\n');
    for (const { answer } of partials) {
      const late = await within(2000, answer, 'a request completed during the drain answered');
      assert.match(late.received, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(late.received, /\r\nConnection: close\r\n/i);
    }
    assert.match((await partials[1]!.answer).received, /\r\nx-cache: HIT\r\n/i);
    release();
    assert.deepEqual((await Promise.all(inFlight)).map((r) => [r.status, r.connection]), [[200, 'close'], [200, 'close'], [200, 'close']]);
    assert.equal(await drained, 'drained');
    await assert.rejects(rawRequest(`${base}/healthz`), { code: 'ECONNREFUSED' });
    for (const agent of [idleAgent, ...agents]) agent.destroy();
  });

  test('connections still open after the grace period are cut, and it resolves forced', async () => {
    h = await startHarness();
    const slowloris = await open(h.base);
    slowloris.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const cut = closing(slowloris);
    // A round trip on another connection: by its end the server has read what this one sent before.
    await rawRequest(`${h.base}/healthz`);
    assert.equal(await h.drain(300), 'forced');
    assert.equal((await cut).received, '');
  });

  test('drain is idempotent: a second call gets the same outcome', async () => {
    h = await startHarness();
    const first = h.drain(1000);
    assert.equal(h.drain(1000), first);
    assert.equal(await first, 'drained');
  });
});
