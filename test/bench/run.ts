/**
 * `npm run bench`: cache-hit throughput of the built proxy against a bare node:http server sending the
 * same bytes, measured side by side in one run and printed as a ratio. Servers are pinned to core 0 and
 * wrk to core 1 (taskset), so the two compete for nothing but the machine they share. Before that, the
 * worst case of a miss: the event-loop time one hostile 256 KiB upstream answer costs (hostile-answers.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureHostileAnswers, printHostileCosts } from './hostile-answers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const QUERY = '/instagram_oembed?url=' + encodeURIComponent('https://www.instagram.com/p/fA9uwTtkSN/') + '&omitscript=true';
const HAS_TASKSET = spawnSync('taskset', ['--version']).status === 0;

function requireTool(name: string, hint: string): void {
  if (spawnSync('which', [name]).status !== 0) throw new Error(`bench: ${name} is not installed (${hint})`);
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
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors:/.exec(run.stdout);
  if (!match || errors) throw new Error(`bench: wrk failed against ${url}\n${run.stdout}${run.stderr}`);
  return Number(match[1]);
}

async function main(): Promise<void> {
  requireTool('wrk', 'apt-get install wrk');
  if (!existsSync(join(ROOT, 'proxy/dist/proxy/server.js'))) throw new Error('bench: run `npm run build` first');
  // First, while nothing else runs: the servers and wrk below would compete with it for the CPU.
  printHostileCosts(await measureHostileAnswers(new URL('proxy/dist/proxy/', `file://${ROOT}`)));
  const proxyPort = await freePort();
  const proxyBase = `http://127.0.0.1:${proxyPort}`;
  // BENCH_PROXY_ENV (JSON) adds settings, e.g. REDIS_URL for the hit path with the shared level on (test/bench/redis.ts).
  const extraEnv = JSON.parse(process.env.BENCH_PROXY_ENV ?? '{}') as Record<string, string>;
  const proxy = await startServer(join(ROOT, 'proxy/dist/proxy/server.js'), {
    PORT: String(proxyPort), UPSTREAM: 'fixtures', ...extraEnv,
  }, `${proxyBase}/healthz`);

  // Warm the cache, then copy the exact hit response (body and headers) for the baseline to send.
  // wrk sends no Accept-Encoding, so the baseline must send the identity bytes; fetch() would otherwise
  // ask for br/gzip and hand back decoded bytes under the encoded response's headers.
  const identity = { headers: { 'accept-encoding': 'identity' } };
  const first = await fetch(proxyBase + QUERY, identity);
  const hit = await fetch(proxyBase + QUERY, identity);
  if (first.status !== 200 || hit.headers.get('x-cache') !== 'HIT' || hit.headers.has('content-encoding')) {
    await stop(proxy);
    throw new Error(`bench: expected a cache hit, got ${hit.status} ${hit.headers.get('x-cache')}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'ig-embed-bench-'));
  const bodyFile = join(dir, 'body.json');
  writeFileSync(bodyFile, Buffer.from(await hit.arrayBuffer()));
  const headers: Record<string, string> = {};
  hit.headers.forEach((value, name) => {
    // Same framing as the proxy (content-length, no chunking); only per-connection headers stay out.
    if (!['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(name)) headers[name] = value;
  });

  const barePort = await freePort();
  const bare = await startServer(join(ROOT, 'test/bench/bare-server.mjs'), {
    PORT: String(barePort), BODY_FILE: bodyFile, HEADERS_JSON: JSON.stringify(headers),
  }, `http://127.0.0.1:${barePort}/`);

  console.log(`bench: ${ROUNDS} rounds, each a ${SECONDS}s run of both servers back to back, wrk -c${CONNECTIONS}, servers on core 0, wrk on core 1${HAS_TASKSET ? '' : ' (taskset missing: unpinned)'}`);
  const bareRates: number[] = [];
  const proxyRates: number[] = [];
  try {
    wrk(`http://127.0.0.1:${barePort}${QUERY}`); // warm-up, discarded
    wrk(proxyBase + QUERY);
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate which goes first, so a drift within a round favours neither.
      const bareFirst = round % 2 === 1;
      const first = wrk(bareFirst ? `http://127.0.0.1:${barePort}${QUERY}` : proxyBase + QUERY);
      const second = wrk(bareFirst ? proxyBase + QUERY : `http://127.0.0.1:${barePort}${QUERY}`);
      const [bareRate, proxyRate] = bareFirst ? [first, second] : [second, first];
      bareRates.push(bareRate);
      proxyRates.push(proxyRate);
      console.log(`round ${round}: bare node:http ${bareRate.toFixed(0)} req/s, proxy cache hit ${proxyRate.toFixed(0)} req/s, ratio ${(proxyRate / bareRate).toFixed(2)}×`);
    }
  } finally {
    await Promise.all([stop(proxy), stop(bare)]);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  // The machine's speed drifts over seconds, so each round's ratio compares two runs made back to back,
  // and the median of those ratios is the figure; the medians of the raw rates are printed for context.
  const ratio = median(proxyRates.map((rate, i) => rate / bareRates[i]!));
  console.log(`cache-hit throughput: proxy ${median(proxyRates).toFixed(0)} req/s, bare node:http ${median(bareRates).toFixed(0)} req/s (medians); `
    + `median of the round ratios ${ratio.toFixed(2)}× (target ≥ 0.75×, the brief's bar)`);
}

await main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
