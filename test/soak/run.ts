/**
 * `npm run soak` (not part of `npm test`): the built proxy as its own process, on 127.0.0.1 only, in front
 * of the fake Graph API over real HTTP, serving real-size posts (Meta's 6.4 KB embed) from a 16 MiB cache
 * (SOAK_CACHE_MIB) that holds about a third of them, so it is full and evicting within the run, while 5 % of upstream calls fail (transient errors, HTTP 500, resets,
 * non-JSON, timeouts). Bounded in time (SOAK_SECONDS, default 60, at most 600) and in requests
 * (SOAK_MAX_REQUESTS, default 2,000,000). Prints the errors clients saw, latency p50/p99, the proxy's RSS
 * over time next to the cache's accounted bytes, and upstream calls against unique keys.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FakeBehaviour } from '../support/fake-graph.js';
import { startFakeGraphServer } from '../support/fake-graph-server.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SECONDS = Math.min(600, Number(process.env.SOAK_SECONDS ?? 60));
const MAX_REQUESTS = Number(process.env.SOAK_MAX_REQUESTS ?? 2_000_000);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 8);
const POSTS = 1500;
const FAULT_RATE = 0.05;
const MIB = 1024 * 1024;
const CACHE_MAX_BYTES = Number(process.env.SOAK_CACHE_MIB ?? 16) * MIB;

/** A small seeded PRNG (mulberry32), so two runs send the same traffic and meet the same faults. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(12);

// Rate limits are left out: one opens the breaker for its Retry-After, which is a different soak.
const FAULTS: readonly FakeBehaviour[] = ['transient', 'http_500', 'reset', 'non_json', { delayMs: 2000 }];
const shortcode = (i: number) => `Soak${i.toString(36).padStart(7, '0')}`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const rssOf = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

interface Reply { status: number; body: string }

function get(agent: Agent, port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitUntilReady(port: number, child: ChildProcess): Promise<void> {
  const agent = new Agent();
  for (let attempt = 0; attempt < 100 && child.exitCode === null; attempt++) {
    try {
      if ((await get(agent, port, '/healthz')).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('soak: the proxy did not start');
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'proxy/dist/proxy/server.js'))) throw new Error('soak: run `npm run build` first');
  const upstream = await startFakeGraphServer();
  // Every post gets its own run of answers: 5 % of them (per call, not per post) are faults.
  for (let i = 0; i < POSTS; i++) {
    const sequence = Array.from({ length: 60 }, (): FakeBehaviour => (random() < FAULT_RATE ? FAULTS[Math.floor(random() * FAULTS.length)]! : 'ok'));
    upstream.fake.script(shortcode(i), { sequence });
  }
  const port = await freePort();
  const proxy = spawn(process.execPath, [join(ROOT, 'proxy/dist/proxy/server.js')], {
    env: {
      PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', GRAPH_API_URL: upstream.url,
      CACHE_MAX_BYTES: String(CACHE_MAX_BYTES), CACHE_TTL_SECONDS: '20', UPSTREAM_TIMEOUT_MS: '1000',
      RATE_LIMIT_MISSES_PER_MIN: '1000000', UPSTREAM_BUDGET_PER_HOUR: '10000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stopped = new Promise<void>((resolve) => proxy.once('exit', () => resolve()));
  try {
    await waitUntilReady(port, proxy);
    const pid = proxy.pid!;
    const baseline = rssOf(pid);
    console.log(`soak: ${SECONDS}s, ${CONNECTIONS} connections, ${POSTS} real-size posts (and a maxwidth variant of each), `
      + `cache ${CACHE_MAX_BYTES / MIB} MiB, fresh for 20 s, ${FAULT_RATE * 100} % of upstream calls failing; proxy RSS at start ${(baseline / MIB).toFixed(1)} MiB`);

    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const deadline = Date.now() + SECONDS * 1000;
    const latencies: number[] = [];
    const statuses = new Map<string, number>();
    const keys = new Set<string>();
    let sent = 0;
    const started = Date.now();
    const rssLine = async () => {
      const metrics = (await get(new Agent(), port, '/metrics')).body;
      const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1] ?? NaN);
      console.log(`t=${String(Math.round((Date.now() - started) / 1000)).padStart(3)}s  RSS ${(rssOf(pid) / MIB).toFixed(1).padStart(6)} MiB  `
        + `cache ${(gauge('igembed_cache_bytes') / MIB).toFixed(1)} MiB in ${gauge('igembed_cache_entries')} entries  requests ${sent}`);
    };
    const sampler = setInterval(() => void rssLine(), 5000);

    const worker = async () => {
      while (Date.now() < deadline && sent < MAX_REQUESTS) {
        sent++;
        // Skewed popularity: a few posts are asked for often, most rarely.
        const i = Math.floor(POSTS * random() ** 3);
        const variant = random() < 0.2 ? '&maxwidth=400' : '';
        keys.add(`${i}${variant}`);
        const path = `/instagram_oembed?url=${encodeURIComponent(`https://www.instagram.com/p/${shortcode(i)}/`)}${variant}&omitscript=true`;
        const t0 = performance.now();
        let outcome: string;
        try {
          const reply = await get(agent, port, path, random() < 0.5 ? { 'accept-encoding': 'br, gzip' } : {});
          outcome = reply.status === 200 ? '200' : `${reply.status} ${/"code":"([a-z_]+)"/.exec(reply.body)?.[1] ?? '?'}`;
        } catch (error) {
          outcome = `socket error ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
        }
        latencies.push(performance.now() - t0);
        statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    clearInterval(sampler);
    await rssLine();
    agent.destroy();

    latencies.sort((a, b) => a - b);
    const seconds = (Date.now() - started) / 1000;
    console.log(`requests: ${sent} in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(0)}/s); latency p50 ${percentile(latencies, 0.5).toFixed(2)} ms, `
      + `p99 ${percentile(latencies, 0.99).toFixed(2)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`);
    for (const [outcome, count] of [...statuses].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${outcome.padEnd(32)} ${String(count).padStart(8)}  (${((100 * count) / sent).toFixed(2)} %)`);
    }
    const calls = upstream.fake.calls.length;
    console.log(`upstream calls: ${calls} for ${keys.size} unique keys (${(calls / keys.size).toFixed(2)} per key: first fetches, `
      + 'refreshes after the 20 s TTL, re-fetches after eviction from the full cache, and retries after faults)');
    const final = rssOf(pid);
    console.log(`proxy RSS: ${(baseline / MIB).toFixed(1)} MiB at start, ${(final / MIB).toFixed(1)} MiB at the end (+${((final - baseline) / MIB).toFixed(1)} MiB for a ${CACHE_MAX_BYTES / MIB} MiB cache)`);
  } finally {
    proxy.kill('SIGTERM');
    await stopped;
    await upstream.close();
  }
}

await main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
