/**
 * `npm run bench`, the shared level: cache-hit throughput with REDIS_URL set (hits come from memory, so the
 * ratio against bare node:http should not move), then the latency of a memory miss answered from Redis
 * (a post another replica fetched), p50/p99 over loopback. Starts its own redis-server (no persistence).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProxyProcess } from '../support/proxy-process.js';
import { startRedis } from '../support/redis-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const POSTS = Number(process.env.BENCH_L2_POSTS ?? 300);

const redis = await startRedis();
try {
  const hits = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/run.ts')], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PROXY_ENV: JSON.stringify({ REDIS_URL: redis.url }) },
  });
  if (hits.status !== 0) throw new Error('bench: the cache-hit rounds with REDIS_URL failed');

  // Two replicas in fixtures mode: A fetches each post once (into memory and Redis), B answers it from Redis.
  const env = { UPSTREAM: 'fixtures', REDIS_URL: redis.url, RATE_LIMIT_MISSES_PER_MIN: '100000', UPSTREAM_SHARE_PER_CLIENT: '1', UPSTREAM_BUDGET_PER_HOUR: '100000' };
  const [a, b] = await Promise.all([startProxyProcess(env), startProxyProcess(env)]);
  try {
    const path = (i: number) => `/instagram_oembed?url=${encodeURIComponent(`https://www.instagram.com/p/Bench${i}/`)}`;
    for (let i = 0; i < POSTS; i++) if ((await fetch(a.base + path(i))).status !== 200) throw new Error('bench: replica A could not fetch');
    const ms: number[] = [];
    for (let i = 0; i < POSTS; i++) {
      const started = performance.now();
      const res = await fetch(b.base + path(i));
      await res.arrayBuffer();
      ms.push(performance.now() - started);
      if (res.headers.get('x-cache') !== 'HIT') throw new Error(`bench: replica B answered ${res.headers.get('x-cache')} instead of a shared HIT`);
    }
    ms.sort((x, y) => x - y);
    const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(2);
    console.log(`memory miss answered from Redis (${POSTS} posts, one request each, loopback): p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
} finally {
  await redis.stop();
}
