/**
 * `npm run bench`: cache-hit throughput of the built proxy against a bare node:http server sending the
 * same bytes, measured side by side in one run and printed as a ratio. Servers are pinned to core 0 and
 * wrk to core 1 (taskset), so the two compete for nothing but the machine they share.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const QUERY = '/instagram_oembed?url=' + encodeURIComponent('https://www.instagram.com/p/fA9uwTtkSN/') + '&omitscript=true';
const HAS_TASKSET = spawnSync('taskset', ['--version']).status === 0;

function requireTool(name: string, hint: string): void {
  if (spawnSync('which', [name]).status !== 0) {
    console.error(`bench: ${name} is not installed (${hint})`);
    process.exit(1);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function pinned(core: number, command: string, args: string[]): [string, string[]] {
  return HAS_TASKSET ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

async function startServer(script: string, env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const [command, args] = pinned(0, process.execPath, [script]);
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const response = await fetch(readyUrl);
      if (response.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`bench: ${script} did not start`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function wrk(url: string): number {
  const [command, args] = pinned(1, 'wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', url]);
  const run = spawnSync(command, args, { encoding: 'utf8' });
  const match = /Requests\/sec:\s+([\d.]+)/.exec(run.stdout);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(run.stdout);
  if (!match || errors) throw new Error(`bench: wrk failed against ${url}\n${run.stdout}${run.stderr}`);
  return Number(match[1]);
}

async function main(): Promise<void> {
  requireTool('wrk', 'apt-get install wrk');
  if (!existsSync(join(ROOT, 'dist/proxy/server.js'))) {
    console.error('bench: run `npm run build` first');
    process.exit(1);
  }
  const proxyPort = await freePort();
  const proxyBase = `http://127.0.0.1:${proxyPort}`;
  const proxy = await startServer(join(ROOT, 'dist/proxy/server.js'), {
    PORT: String(proxyPort), UPSTREAM: 'fixtures',
  }, `${proxyBase}/healthz`);

  // Warm the cache, then copy the exact hit response (body and headers) for the baseline to send.
  const first = await fetch(proxyBase + QUERY);
  const hit = await fetch(proxyBase + QUERY);
  if (first.status !== 200 || hit.headers.get('x-cache') !== 'HIT') {
    await stop(proxy);
    throw new Error(`bench: expected a cache hit, got ${hit.status} ${hit.headers.get('x-cache')}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'ig-embed-bench-'));
  const bodyFile = join(dir, 'body.json');
  writeFileSync(bodyFile, Buffer.from(await hit.arrayBuffer()));
  const headers: Record<string, string> = {};
  hit.headers.forEach((value, name) => {
    if (!['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(name)) headers[name] = value;
  });

  const barePort = await freePort();
  const bare = await startServer(join(ROOT, 'test/bench/bare-server.mjs'), {
    PORT: String(barePort), BODY_FILE: bodyFile, HEADERS_JSON: JSON.stringify(headers),
  }, `http://127.0.0.1:${barePort}/`);

  console.log(`bench: ${ROUNDS} rounds × ${SECONDS}s, wrk -c${CONNECTIONS}, servers on core 0, wrk on core 1${HAS_TASKSET ? '' : ' (taskset missing: unpinned)'}`);
  const bareRates: number[] = [];
  const proxyRates: number[] = [];
  try {
    wrk(`http://127.0.0.1:${barePort}${QUERY}`); // warm-up, discarded
    wrk(proxyBase + QUERY);
    for (let round = 1; round <= ROUNDS; round++) {
      const bareRate = wrk(`http://127.0.0.1:${barePort}${QUERY}`);
      const proxyRate = wrk(proxyBase + QUERY);
      bareRates.push(bareRate);
      proxyRates.push(proxyRate);
      console.log(`round ${round}: bare node:http ${bareRate.toFixed(0)} req/s, proxy cache hit ${proxyRate.toFixed(0)} req/s, ratio ${(proxyRate / bareRate).toFixed(2)}×`);
    }
  } finally {
    await Promise.all([stop(proxy), stop(bare)]);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratio = median(proxyRates) / median(bareRates);
  console.log(`cache-hit throughput: proxy ${median(proxyRates).toFixed(0)} req/s vs bare ${median(bareRates).toFixed(0)} req/s (medians) → ratio ${ratio.toFixed(2)}× (target ≥ 0.50×, aim 0.80×)`);
}

await main();
