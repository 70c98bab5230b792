/**
 * The deploy files (compose.yaml, deploy/redis.conf, deploy/nginx.conf, deploy/kubernetes.yaml) checked as far as this
 * machine allows without their images: parsed, every variable they set known to parseConfig and accepted by it, Redis
 * without persistence (also by booting Debian's redis-server on the file), nginx without a cache, docs/configuration.md's
 * variable table and docs/deploy.md in step with them. With an nginx binary (NGINX_BIN or `nginx` on PATH), nginx
 * also checks its file and the three configs run together: nginx → two replica processes → Redis.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { configVariables, parseConfig } from '../../proxy/config.js';
import { persistenceOf } from '../../proxy/l2-store.js';
import { freePort, startProxyProcess, until } from '../support/proxy-process.js';
import { REDIS_SERVER } from '../support/redis-server.js';
import { rawRequest } from '../proxy/harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Env = Record<string, string>;
interface ComposeService {
  image: string; environment?: Env; networks?: string[]; ports?: string[]; volumes?: string[]; command?: string[];
  tmpfs?: string[]; read_only?: boolean; build?: unknown;
}
interface Compose { services: Record<string, ComposeService>; networks: Record<string, { internal?: boolean } | null> }

// YAML merge keys (`<<: *ig-embed`) are how compose.yaml gives both replicas one definition.
const compose = parseYaml(read('compose.yaml'), { merge: true }) as Compose;
const k8s = parseAllDocuments(read('deploy/kubernetes.yaml')).map((doc) => doc.toJS() as { kind: string; metadata: { name: string }; spec?: unknown; data?: Record<string, string> });
const proxyServices = Object.entries(compose.services).filter(([, s]) => s.image === 'ig-embed');

/** `${NAME:-default}` → the default (or `given[NAME]`); `${NAME:?message}` → `given[NAME]`, which the test must supply. */
function interpolate(value: string, given: Env): string {
  return value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, kind: string | undefined, rest: string) => {
    if (given[name] !== undefined) return given[name];
    if (kind === '-') return rest;
    throw new Error(`compose.yaml needs ${name} (${rest})`);
  });
}

/** Directive → arguments of a redis.conf (quotes kept as Redis reads them: `save ""` is one empty argument). */
function redisDirectives(text: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const line of text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))) {
    const [name, ...args] = line.match(/"[^"]*"|\S+/g) ?? [];
    directives.set(name!, args.map((a) => a.replace(/^"(.*)"$/, '$1')));
  }
  return directives;
}

type Container = { name: string; image: string; env?: Array<{ name: string; value: string }>; ports?: Array<{ name: string; containerPort: number }>;
  livenessProbe?: { httpGet?: { path: string; port: string } }; readinessProbe?: { httpGet?: { path: string; port: string } } };
type DeploymentSpec = { replicas: number; selector: { matchLabels: Env }; template: { metadata: { labels: Env }; spec: { containers: Container[] } } };
const deployment = (name: string) => k8s.find((d) => d.kind === 'Deployment' && d.metadata.name === name)?.spec as DeploymentSpec;

describe('compose.yaml', () => {
  test('two proxy replicas of the one image, Redis with deploy/redis.conf, and nginx with deploy/nginx.conf in front', () => {
    assert.deepEqual(proxyServices.map(([name]) => name), ['proxy-a', 'proxy-b']);
    const { redis, nginx } = compose.services;
    assert.deepEqual([redis?.image, nginx?.image], ['docker.io/library/redis:7.2-alpine', 'docker.io/library/nginx:1.27-alpine']);
    assert.ok(redis?.volumes?.some((v) => v.startsWith('./deploy/redis.conf:/usr/local/etc/redis/redis.conf:ro')));
    assert.deepEqual(redis?.command, ['redis-server', '/usr/local/etc/redis/redis.conf']);
    assert.ok(nginx?.volumes?.some((v) => v.startsWith('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro')));
    // Redis: on the internal network only, no published port, nothing of it on a disk (/data in memory).
    assert.deepEqual([redis?.networks, compose.networks.cache?.internal, redis?.ports, redis?.tmpfs], [['cache'], true, undefined, ['/data']]);
    assert.deepEqual(nginx?.ports, ['127.0.0.1:8080:8080']);
    for (const [, service] of proxyServices) assert.equal(service.read_only, true);
  });

  test('every variable the replicas set is one parseConfig reads, and parseConfig accepts the lot', () => {
    const known = new Set(configVariables());
    for (const [name, service] of proxyServices) {
      const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), { ALLOWED_ORIGINS: 'https://www.example.com' })]));
      assert.deepEqual(Object.keys(env).filter((k) => !known.has(k)), [], name);
      const config = parseConfig(env);
      assert.equal(config.redisUrl, 'redis://redis:6379', 'the Redis service by name');
      assert.equal(config.upstreamFleetSize, proxyServices.length, 'UPSTREAM_FLEET_SIZE is the number of replicas');
      assert.deepEqual([config.trustProxyHops, config.allowedOrigins], [1, ['https://www.example.com']]);
    }
  });

  test('ALLOWED_ORIGINS must be given: the file refuses to run open to any site', () => {
    assert.throws(() => interpolate(String(compose.services['proxy-a']!.environment!.ALLOWED_ORIGINS), {}), /needs ALLOWED_ORIGINS/);
  });
});

describe('deploy/redis.conf', () => {
  const directives = redisDirectives(read('deploy/redis.conf'));

  test('no persistence (save "", appendonly no), a memory cap and an eviction policy', () => {
    assert.deepEqual(directives.get('save'), ['']);
    assert.deepEqual(directives.get('appendonly'), ['no']);
    assert.deepEqual(persistenceOf(directives.get('save')![0]!, directives.get('appendonly')![0]!), []);
    assert.deepEqual([directives.get('maxmemory'), directives.get('maxmemory-policy')], [['256mb'], ['allkeys-lru']]);
  });

  test('Debian\'s redis-server boots on it and reports no persistence, the cap and the policy', async () => {
    // Only where it listens changes: loopback and a free port instead of every interface and 6379.
    const port = await freePort();
    const child = spawn(REDIS_SERVER, [join(ROOT, 'deploy/redis.conf'), '--port', String(port), '--bind', '127.0.0.1'], { stdio: 'ignore' });
    try {
      const { Redis } = await import('ioredis');
      const client = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: (times) => (times > 50 ? null : 100) });
      await until(async () => client.connect().then(() => true, () => false), 'redis-server on deploy/redis.conf');
      const get = async (name: string) => ((await client.config('GET', name)) as string[])[1];
      assert.deepEqual([await get('save'), await get('appendonly'), await get('maxmemory'), await get('maxmemory-policy')], ['', 'no', String(256 * 1024 * 1024), 'allkeys-lru']);
      client.disconnect();
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
});

describe('deploy/nginx.conf', () => {
  const conf = read('deploy/nginx.conf');
  const active = conf.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean).join('\n');

  test('no cache and no temporary files for answers; the upstream is the compose replicas; /metrics stays inside', () => {
    assert.deepEqual(active.match(/proxy_cache\S*\s+[^;]+;/g), ['proxy_cache off;']);
    assert.match(active, /proxy_max_temp_file_size 0;/);
    assert.deepEqual([...active.matchAll(/server (\S+):8787/g)].map((m) => m[1]), proxyServices.map(([name]) => name));
    assert.match(active, /location = \/metrics \{\nreturn 404;/);
    // Retrying the replicas' own 502/503 would spend a second upstream call: only unreachable replicas are retried.
    assert.match(active, /proxy_next_upstream error timeout;/);
    assert.equal(/listen (\d+)/.exec(active)?.[1], compose.services.nginx!.ports![0]!.split(':').at(-1));
  });
});

describe('deploy/kubernetes.yaml', () => {
  test('the ConfigMap\'s redis.conf is deploy/redis.conf, byte for byte', () => {
    const configMap = k8s.find((d) => d.kind === 'ConfigMap');
    assert.equal(configMap?.data?.['redis.conf'], read('deploy/redis.conf'));
  });

  test('the proxy Deployment: variables parseConfig reads and accepts, probes on /healthz, Redis by its Service, the fleet size', () => {
    const spec = deployment('ig-embed');
    const container = spec.template.spec.containers[0]!;
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    const known = new Set(configVariables());
    assert.deepEqual(Object.keys(env).filter((k) => !known.has(k)), []);
    const config = parseConfig(env);
    const redisService = k8s.find((d) => d.kind === 'Service' && d.metadata.name === 'ig-embed-redis');
    assert.equal(new URL(config.redisUrl!).hostname, redisService?.metadata.name);
    assert.equal(config.upstreamFleetSize, spec.replicas);
    const http = container.ports?.find((p) => p.name === 'http');
    assert.equal(http?.containerPort, 8787);
    assert.deepEqual([container.livenessProbe?.httpGet, container.readinessProbe?.httpGet], [{ path: '/healthz', port: 'http' }, { path: '/healthz', port: 'http' }]);
    assert.deepEqual(spec.selector.matchLabels, spec.template.metadata.labels);
  });

  test('every Service selects the pods of a Deployment; Redis has the image compose.yaml names', () => {
    const services = k8s.filter((d) => d.kind === 'Service') as Array<{ metadata: { name: string }; spec: { selector: Env } }>;
    assert.deepEqual(services.map((s) => s.metadata.name), ['ig-embed-redis', 'ig-embed']);
    for (const s of services) assert.deepEqual(deployment(s.metadata.name).template.metadata.labels, s.spec.selector);
    assert.equal(deployment('ig-embed-redis').template.spec.containers[0]!.image, compose.services.redis!.image);
  });
});

describe('the docs', () => {
  test('the configuration table (docs/configuration.md) lists exactly the variables parseConfig reads', () => {
    const doc = read('docs/configuration.md');
    const start = doc.indexOf('# Configuration\n');
    assert.notEqual(start, -1, 'docs/configuration.md opens with "# Configuration"');
    const section = doc.slice(start, doc.indexOf('\n## ', start));
    const rows = [...section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual([...rows].sort(), configVariables().sort());
  });

  test('docs/deploy.md shows deploy/kubernetes.yaml verbatim and names every image the files use', () => {
    const doc = read('docs/deploy.md');
    assert.ok(doc.includes('```yaml\n' + read('deploy/kubernetes.yaml') + '```'), 'the Kubernetes example in docs/deploy.md is deploy/kubernetes.yaml');
    const images = new Set([
      ...Object.values(compose.services).map((s) => s.image),
      ...k8s.filter((d) => d.kind === 'Deployment').flatMap((d) => (d.spec as DeploymentSpec).template.spec.containers.map((c) => c.image)),
    ]);
    for (const image of images) assert.ok(doc.includes(`\`${image}\``), `docs/deploy.md names ${image}`);
  });
});

/** An nginx binary: NGINX_BIN, else `nginx` on PATH; `.ci/run` unpacks Debian's; without one the check is skipped and says so. */
const NGINX = process.env.NGINX_BIN ?? (spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim() || undefined);

describe('the three configs running together', { skip: NGINX === undefined ? 'no nginx binary here (set NGINX_BIN)' : false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ig-embed-deploy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** deploy/nginx.conf with only the addresses changed: the replicas' and its own port, and its temporary folder. */
  function nginxConf(listen: number, replicas: number[]): string {
    let i = 0;
    return read('deploy/nginx.conf')
      .replace(/server proxy-[ab]:8787/g, () => `server 127.0.0.1:${replicas[i++]}`)
      .replace(/listen \d+;/, `listen 127.0.0.1:${listen};`)
      .replaceAll('/tmp/', `${dir}/`);
  }

  test('nginx -t accepts deploy/nginx.conf', () => {
    const path = join(dir, 'syntax.conf');
    writeFileSync(path, nginxConf(1, [2, 3]));
    // stdout to /dev/null: node's pipes are sockets, which nginx cannot open as /dev/stdout (a container's can).
    const result = spawnSync(NGINX!, ['-t', '-c', path, '-p', dir], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    assert.equal(result.status, 0, result.stderr);
  });

  test('nginx → two replicas with compose.yaml\'s settings → Redis on deploy/redis.conf: one upstream call for two requests, /metrics kept inside', async () => {
    const redisPort = await freePort();
    const redis = spawn(REDIS_SERVER, [join(ROOT, 'deploy/redis.conf'), '--port', String(redisPort), '--bind', '127.0.0.1'], { stdio: 'ignore' });
    const env = (name: string) => Object.fromEntries(Object.entries(compose.services[name]!.environment ?? {}).map(([k, v]) => [k,
      interpolate(String(v), { ALLOWED_ORIGINS: 'http://127.0.0.1', UPSTREAM: 'fixtures' })]));
    const replicas = await Promise.all(proxyServices.map(([name]) => startProxyProcess({ ...env(name), REDIS_URL: `redis://127.0.0.1:${redisPort}`, REDIS_TIMEOUT_MS: '1000' })));
    const listen = await freePort();
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, nginxConf(listen, replicas.map((r) => Number(new URL(r.base).port))));
    const nginx = spawn(NGINX!, ['-c', conf, '-p', dir, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let nginxErrors = '';
    nginx.stderr.setEncoding('utf8').on('data', (chunk: string) => { nginxErrors += chunk; });
    const nginxExited = once(nginx, 'exit');
    const redisExited = once(redis, 'exit');
    try {
      const front = `http://127.0.0.1:${listen}`;
      await until(async () => (await rawRequest(`${front}/healthz`).catch(() => ({ status: 0 }))).status === 200 || nginx.exitCode !== null, 'nginx to answer');
      assert.equal(nginx.exitCode, null, nginxErrors);
      for (const r of replicas) await until(async () => JSON.parse((await rawRequest(`${r.base}/healthz`)).text).l2 === 'ok', 'the replicas to reach Redis');
      const path = `/instagram_oembed?url=${encodeURIComponent('https://www.instagram.com/p/fA9uwTtkSN/')}`;
      // Round robin: the first request lands on one replica (MISS), the second on the other (HIT from Redis).
      const answers = [await rawRequest(front + path), await rawRequest(front + path)];
      assert.deepEqual(answers.map((a) => [a.status, a.headers['x-cache']]), [[200, 'MISS'], [200, 'HIT']]);
      const calls = await Promise.all(replicas.map(async (r) => Number(/^igembed_upstream_calls_total\{outcome="ok"\} (\d+)$/m.exec((await rawRequest(`${r.base}/metrics`)).text)?.[1] ?? 0)));
      assert.deepEqual(calls.sort(), [0, 1]);
      assert.equal((await rawRequest(`${front}/metrics`)).status, 404);
    } finally {
      nginx.kill('SIGTERM');
      await Promise.all(replicas.map((r) => r.stop()));
      redis.kill('SIGKILL');
      await Promise.all([nginxExited, redisExited]);
    }
  });
});
