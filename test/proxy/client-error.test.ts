// Requests node:http cannot parse get our JSON error with a stable code over a raw socket, never a bare close or an empty 4xx.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createClientErrorHandler } from '../../proxy/client-error.js';
import { ERRORS } from '../../proxy/errors.js';
import { createLogger } from '../../proxy/log.js';
import { rawExchange, startHarness, type Harness, type RawExchange } from './harness.js';

function assertJsonError(res: RawExchange, status: number, code: keyof typeof ERRORS): void {
  assert.equal(res.statusLine.split(' ')[1], String(status));
  assert.deepEqual(JSON.parse(res.body), { error: { code, message: ERRORS[code].message } });
  assert.equal(res.headers['content-length'], String(Buffer.byteLength(res.body)));
  assert.deepEqual(
    [res.headers['content-type'], res.headers['cache-control'], res.headers.connection, res.headers['access-control-allow-origin'], res.headers['x-content-type-options']],
    ['application/json; charset=utf-8', 'no-store', 'close', '*', 'nosniff'],
  );
  assert.equal(Number.isNaN(Date.parse(res.headers.date ?? '')), false);
}

describe('unparseable requests over a raw socket', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(() => h.close());

  test('a 20 KiB request line gets 431 request_too_large with our JSON body, and no upstream call', async () => {
    const res = await rawExchange(h.base, `GET /instagram_oembed?url=${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(res.statusLine, 'HTTP/1.1 431 Request Header Fields Too Large');
    assertJsonError(res, 431, 'request_too_large');
    assert.equal(h.calls, 0);
  });

  test('garbage bytes get 400 bad_request with our JSON body', async () => {
    const res = await rawExchange(h.base, Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a]));
    assert.equal(res.statusLine, 'HTTP/1.1 400 Bad Request');
    assertJsonError(res, 400, 'bad_request');
  });

  test('a malformed header line gets 400 bad_request, and the request is logged by code, never by its bytes', async () => {
    const res = await rawExchange(h.base, 'GET /healthz HTTP/1.1\r\nHost: x\r\nAuthorization Bearer LEAKYBYTES\r\n\r\n');
    assertJsonError(res, 400, 'bad_request');
    const line = JSON.parse(h.logs.filter((l) => l.includes('"msg":"client error"')).at(-1) ?? '{}') as Record<string, unknown>;
    assert.deepEqual({ ...line, t: undefined }, { t: undefined, level: 'info', msg: 'client error', status: 400, code: 'bad_request', reason: 'HPE_INVALID_HEADER_TOKEN' });
    assert.equal(h.logs.some((l) => l.includes('LEAKYBYTES')), false);
  });

  test('a valid request on the same kind of socket is still answered normally', async () => {
    const res = await rawExchange(h.base, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(res.statusLine, 'HTTP/1.1 200 OK');
  });
});

test('a request head that does not arrive in time gets 408 request_timeout', async () => {
  // node checks deadlines every connectionsCheckingInterval; shortened here so the test takes ~0.2 s.
  const server = createServer({ headersTimeout: 100, requestTimeout: 150, connectionsCheckingInterval: 20 }, (_req, res) => res.end());
  server.on('clientError', createClientErrorHandler());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const res = await rawExchange(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
    assert.equal(res.statusLine, 'HTTP/1.1 408 Request Timeout');
    assertJsonError(res, 408, 'request_timeout');
  } finally {
    server.close();
  }
});

describe('createClientErrorHandler on its own', () => {
  /** A socket stand-in: records what is written and whether it was destroyed. */
  function fakeSocket(options: { writable?: boolean; headersSent?: boolean } = {}) {
    const written: string[] = [];
    const socket = {
      writable: options.writable ?? true,
      destroyed: false,
      _httpMessage: options.headersSent === undefined ? null : { headersSent: options.headersSent },
      end(chunk: Buffer, cb: () => void) { written.push(chunk.toString('latin1')); this.writable = false; cb(); },
      destroy() { this.destroyed = true; },
    };
    return { socket, written };
  }
  const handler = () => createClientErrorHandler(createLogger({ secrets: [], write: () => {} }));
  const errorWith = (code: string) => Object.assign(new Error(code), { code });

  test('maps HPE_HEADER_OVERFLOW to 431, ERR_HTTP_REQUEST_TIMEOUT to 408 and anything else to 400', () => {
    const statuses = ['HPE_HEADER_OVERFLOW', 'ERR_HTTP_REQUEST_TIMEOUT', 'HPE_INVALID_METHOD', 'HPE_CHUNK_EXTENSIONS_OVERFLOW'].map((code) => {
      const { socket, written } = fakeSocket();
      handler()(errorWith(code), socket as never);
      assert.equal(socket.destroyed, true);
      return written.map((w) => w.split('\r\n')[0]);
    });
    assert.deepEqual(statuses, [['HTTP/1.1 431 Request Header Fields Too Large'], ['HTTP/1.1 408 Request Timeout'], ['HTTP/1.1 400 Bad Request'], ['HTTP/1.1 400 Bad Request']]);
  });

  test('a reset, an unwritable socket or a response already on the wire: destroyed without writing', () => {
    for (const [code, state] of [['ECONNRESET', {}], ['HPE_INVALID_METHOD', { writable: false }], ['HPE_INVALID_METHOD', { headersSent: true }]] as const) {
      const { socket, written } = fakeSocket(state);
      handler()(errorWith(code), socket as never);
      assert.deepEqual([written, socket.destroyed], [[], true], `${code} ${JSON.stringify(state)}`);
    }
  });

  test('answers a socket once, however often the parser repeats its error', () => {
    const { socket, written } = fakeSocket();
    const onError = handler();
    socket.end = function (chunk: Buffer) { written.push(chunk.toString('latin1')); } as typeof socket.end;
    onError(errorWith('HPE_HEADER_OVERFLOW'), socket as never);
    onError(errorWith('HPE_HEADER_OVERFLOW'), socket as never);
    assert.equal(written.length, 1);
    assert.equal(socket.destroyed, false);
  });
});
