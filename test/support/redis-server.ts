/**
 * A real redis-server for the tests (Debian's redis-server, 7.0 here), on 127.0.0.1 and a free port,
 * with no persistence (`--save "" --appendonly no`): nothing the tests write ever reaches a disk.
 * `stop()` kills it; `start()` again brings it back on the same port (for the outage tests);
 * `pause()`/`resume()` freeze it with SIGSTOP/SIGCONT, so clients see a live socket that never answers.
 * `extraArgs` follow the defaults and override them (a test of the persistence warning turns `save` on,
 * with `--dir` in a temporary folder; the server is always SIGKILLed, so no snapshot is ever written).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from './proxy-process.js';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export interface TestRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  pause(): void;
  resume(): void;
  /** A client of its own, for a test to read back what the proxy wrote (quit it when done). */
  client(): Redis;
}

/** True when a redis-server answers PING on `port`. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) socket.end();
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(reply.startsWith('+PONG')));
    socket.write('PING\r\n');
  });
}

export async function startRedis(extraArgs: readonly string[] = []): Promise<TestRedis> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: the Redis tests need Debian's redis-server (apt-get install redis-server), or set REDIS_SERVER`);
  const port = await freePort();
  let child: ChildProcess | undefined;

  const handle: TestRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        '--protected-mode', 'yes', '--loglevel', 'warning', ...extraArgs], { stdio: 'ignore' });
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
        if (await pong(port)) return;
        if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 10 s');
        await delay(50);
      }
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    pause() { child?.kill('SIGSTOP'); },
    resume() { child?.kill('SIGCONT'); },
    client: () => new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 }),
  };
  await handle.start();
  return handle;
}
