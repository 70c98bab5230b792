/** The node entry as a real process: boot log, config errors, graceful shutdown on SIGTERM. */
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort, runProxy, until } from '../support/proxy-process.js';
import { keepAliveGet, oembedPath, rawExchange, rawRequest } from './harness.js';

const run = runProxy;

describe('server.ts', () => {
  test('logs its mode and URL, warns without ALLOWED_ORIGINS, and finishes in-flight requests on SIGTERM, exiting 0', async () => {
    const port = await freePort();
    const server = run({ PORT: String(port), HOST: '127.0.0.1', UPSTREAM: 'fixtures' });
    try {
      await until(() => server.stdout.some((l) => l.includes('"msg":"listening"')), 'the listening line');
      const boot = server.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
      const listening = boot.find((l) => l.msg === 'listening');
      assert.equal(listening?.url, `http://127.0.0.1:${port}/`);
      assert.match(String(listening?.upstream), /^fixtures/);
      assert.equal(boot.some((l) => l.level === 'warn' && String(l.msg).includes('ALLOWED_ORIGINS')), true);

      const base = `http://127.0.0.1:${port}`;
      const health = await rawRequest(`${base}/healthz`);
      assert.deepEqual(JSON.parse(health.text), { status: 'ok', degraded: [], breaker: 'closed', upstream: 'fixtures', token: false, l2: 'off' });
      const tooLarge = await rawExchange(base, `GET /instagram_oembed?url=${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      assert.deepEqual([tooLarge.statusLine, JSON.parse(tooLarge.body)], ['HTTP/1.1 431 Request Header Fields Too Large',
        { error: { code: 'request_too_large', message: 'The request line or headers are too large.' } }]);

      // SlowPost: the embedded fake answers after 2.5 s.
      const slow = rawRequest(base + oembedPath('https://www.instagram.com/p/SlowPost/'));
      await until(async () => /^igembed_http_requests_in_flight 2$/m.test((await rawRequest(`${base}/metrics`)).text), 'the slow request to be in flight');
      server.child.kill('SIGTERM');
      const res = await slow;
      assert.equal(res.status, 200);
      assert.equal(await server.exited, 0);
      assert.equal(server.stdout.some((l) => l.includes('"msg":"stopped"')), true);
      await assert.rejects(rawRequest(`${base}/healthz`));
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  test('SIGTERM drain: every response says Connection: close, idle keep-alive sockets close at once, no request that reached the server is reset', async () => {
    const port = await freePort();
    const server = run({ PORT: String(port), HOST: '127.0.0.1', UPSTREAM: 'fixtures', RATE_LIMIT_MISSES_PER_MIN: '1000' });
    try {
      await until(() => server.stdout.some((l) => l.includes('"msg":"listening"')), 'the listening line');
      const base = `http://127.0.0.1:${port}`;
      // Idle keep-alive connections: each has been answered once and stays open.
      const idle = await Promise.all(Array.from({ length: 5 }, async () => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        const res = await keepAliveGet(agent, `${base}/healthz`);
        assert.equal(res.connection, 'keep-alive');
        return { agent, closed: once(res.socket, 'close').then(() => Date.now()) };
      }));
      // 40 keep-alive requests in flight (SlowPost: the embedded fake answers after 2.5 s); each client
      // sends a follow-up on its connection as soon as its answer ends, as keep-alive clients do.
      const COUNT = 40;
      const agents = Array.from({ length: COUNT }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
      const slow = base + oembedPath('https://www.instagram.com/p/SlowPost/');
      const rounds = agents.map(async (agent) => {
        const first = await keepAliveGet(agent, slow);
        const answeredAt = Date.now();
        const followUp = await keepAliveGet(agent, `${base}/healthz`).then(() => 'answered', (err: NodeJS.ErrnoException) => err.code ?? err.message);
        return { status: first.status, connection: first.connection, answeredAt, followUp };
      });
      await until(async () => /^igembed_http_requests_in_flight 41$/m.test((await rawRequest(`${base}/metrics`)).text), 'all slow requests in flight');
      server.child.kill('SIGTERM');
      const results = await Promise.all(rounds);
      assert.deepEqual(results.map((r) => [r.status, r.connection]), results.map(() => [200, 'close']));
      // A follow-up may find the server gone (ECONNREFUSED: it never reached it), never reset.
      assert.deepEqual(results.filter((r) => r.followUp !== 'ECONNREFUSED').map((r) => r.followUp), []);
      // The idle connections were closed at the start of the drain, before any in-flight answer ended.
      const firstAnswer = Math.min(...results.map((r) => r.answeredAt));
      for (const { closed } of idle) assert.equal(await closed < firstAnswer, true);
      assert.equal(await server.exited, 0);
      for (const { agent } of idle) agent.destroy();
      for (const agent of agents) agent.destroy();
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  test('with canary tokens, no stdout or stderr line and no response of the real process contains them', async () => {
    const token = '123456|CANARYPROCESS';
    const metricsToken = 'CANARYMETRICS';
    const canary = /CANARY|123456%7C/i;
    const port = await freePort();
    // METRICS_TOKEN from a secret file (the container's way), so the file-read value is covered end to end.
    const secrets = mkdtempSync(join(tmpdir(), 'ig-embed-secrets-'));
    writeFileSync(join(secrets, 'metrics_token'), `${metricsToken}\n`);
    const server = run({ PORT: String(port), UPSTREAM: 'fixtures', META_ACCESS_TOKEN: token, METRICS_TOKEN_FILE: join(secrets, 'metrics_token') });
    try {
      await until(() => server.stdout.some((l) => l.includes('"msg":"listening"')), 'the listening line');
      const base = `http://127.0.0.1:${port}`;
      const post = (code: string) => base + oembedPath(`https://www.instagram.com/p/${code}/`);
      const responses = [
        await rawRequest(post('fA9uwTtkSN')), await rawRequest(post('fA9uwTtkSN')), await rawRequest(post('NotEmbeddable')),
        await rawRequest(post('FailingPost')), await rawRequest(`${base}/instagram_oembed?url=x`), await rawRequest(`${base}/healthz`),
        await rawRequest(`${base}/metrics`), await rawRequest(`${base}/metrics`, { authorization: `Bearer ${metricsToken}` }),
        await rawRequest(`${base}/nowhere`),
      ];
      assert.deepEqual(responses.map((r) => r.status), [200, 200, 404, 503, 400, 200, 401, 200, 404]);
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
      assert.equal(server.stdout.length > responses.length, true);
      for (const line of [...server.stdout, server.stderr()]) assert.doesNotMatch(line, canary);
      for (const res of responses) assert.doesNotMatch(res.text + JSON.stringify(res.headers), canary);
    } finally {
      server.child.kill('SIGKILL');
      rmSync(secrets, { recursive: true });
    }
  });

  test('a bad setting stops the boot with exit 1 and one line naming the variable', async () => {
    const server = run({ PORT: 'eighty', UPSTREAM: 'fixtures' });
    assert.equal(await server.exited, 1);
    assert.equal(server.stderr(), 'ig-embed: Invalid PORT: expected an integer port 0–65535.\n');
    const secret = run({ META_ACCESS_TOKEN: 'not a token SECRETVALUE', UPSTREAM: 'fixtures' });
    assert.equal(await secret.exited, 1);
    assert.match(secret.stderr(), /^ig-embed: Invalid META_ACCESS_TOKEN: /);
    assert.doesNotMatch(secret.stderr(), /SECRETVALUE/);
    const unmounted = run({ META_ACCESS_TOKEN_FILE: '/nonexistent/run/secrets/meta_token', UPSTREAM: 'fixtures' });
    assert.equal(await unmounted.exited, 1);
    assert.equal(unmounted.stderr(), 'ig-embed: Invalid META_ACCESS_TOKEN_FILE: expected the path of a readable file holding META_ACCESS_TOKEN (ENOENT).\n');
  });
});
