// Node entry point (proxy/dist/proxy/server.js in the repository, `ig-embed-proxy` via cli.ts): config from the environment, serve the proxy, shut down gracefully.
import type { AddressInfo } from 'node:net';
import { createProxy, servedAssets } from './app.js';
import { bootConfig } from './boot.js';
import { configSecrets } from './config.js';
import { batchedStdout, createLogger } from './log.js';
import { createNodeServer } from './node-server.js';

/** In-flight requests get this long to finish after SIGTERM/SIGINT before their sockets are closed. */
const SHUTDOWN_GRACE_MS = 10_000;

const boot = bootConfig(process.env);
if (!boot.ok) {
  // One line, naming the variable; the value is never printed (it may be a secret).
  process.stderr.write(`${boot.message}\n`);
  process.exit(1);
}
const config = boot.config;

const log = createLogger({ secrets: configSecrets(config), write: batchedStdout() });
// The environment's warnings, then the static files' (logged by createProxy as it loads them): `--check` prints the same, in this order.
for (const warning of boot.warnings) log.warn(warning);
const proxy = createProxy(config, { log });

const mode = config.upstream === 'fixtures' ? 'fixtures (embedded fake Graph API, no network)'
  : config.accessToken ? 'live with token' : 'live tokenless';

// Deadlines, JSON answers to unparseable requests and the drain: see node-server.ts.
const node = createNodeServer(proxy, { log });
const server = node.server;
server.listen(config.port, config.host, () => {
  const info = server.address() as AddressInfo;
  const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  log.info('listening', {
    url: `http://${host}:${info.port}/`,
    upstream: mode,
    // Whether demo pages are served: DEMO=1 without a built demo serves none (and warned so above).
    demo: (servedAssets(proxy)?.demoFiles ?? 0) > 0,
    allowedOrigins: config.allowedOrigins ?? 'any',
    cacheTtlSeconds: config.cacheTtlSeconds,
    upstreamBudgetPerHour: config.upstreamBudgetPerHour,
    // With Redis the budget is the fleet's; this many replicas share it when Redis is unavailable.
    ...(config.redisUrl !== undefined ? { budgetScope: 'fleet', upstreamFleetSize: config.upstreamFleetSize } : {}),
  });
});

server.on('error', (err: NodeJS.ErrnoException) => {
  log.error('server error', { code: err.code, message: err.message });
  process.exit(1);
});

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal, graceMs: SHUTDOWN_GRACE_MS });
  // Idle connections close now; requests in flight are answered with Connection: close.
  void node.drain(SHUTDOWN_GRACE_MS).then((outcome) => {
    if (outcome === 'forced') log.warn('in-flight requests did not finish in time; their connections were closed');
    proxy.close();
    log.info('stopped');
    process.exit(0);
  });
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
