/** The proxy as a real process (proxy/server.ts from source, through tsx), for tests of boot, shutdown and several replicas. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A port the kernel just handed out and released: free for a server to bind right after. */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (!address || typeof address === 'string') throw new Error('freePort: no TCP address');
  return address.port;
}

export interface ProxyProcess {
  child: ChildProcessWithoutNullStreams;
  /** Complete stdout lines so far (the JSON log). */
  stdout: string[];
  stderr(): string;
  exited: Promise<number | null>;
}

/** Runs proxy/server.ts (the code under test, whatever dist/ holds) with only `env` set. */
export function runProxy(env: Record<string, string>): ProxyProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const stdout: string[] = [];
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    stdout.push(...lines);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout, stderr: () => stderr, exited };
}

/** Polls `predicate` every 20 ms until it holds, failing after `timeoutMs`. */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/** Starts a proxy process on a free port and waits for its `listening` line; the base URL with it. */
export async function startProxyProcess(env: Record<string, string>): Promise<ProxyProcess & { base: string; stop(): Promise<number | null> }> {
  const port = await freePort();
  const proc = runProxy({ HOST: '127.0.0.1', PORT: String(port), ...env });
  try {
    await until(() => proc.stdout.some((l) => l.includes('"msg":"listening"')) || proc.child.exitCode !== null, 'the listening line', 20_000);
  } catch (err) {
    proc.child.kill('SIGKILL');
    throw err;
  }
  if (proc.child.exitCode !== null) throw new Error(`the proxy exited at boot: ${proc.stderr()}${proc.stdout.join('\n')}`);
  return {
    ...proc,
    base: `http://127.0.0.1:${port}`,
    async stop() {
      if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
      return proc.exited;
    },
  };
}
