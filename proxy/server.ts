// Node entry point (dist/proxy/server.js): config from the environment, serve the proxy, shut down gracefully.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeListener, createProxy } from './app.js';
import { createClientErrorHandler } from './client-error.js';
import { ConfigError, configSecrets, parseConfig, type ProxyConfig } from './config.js';
import { batchedStdout, createLogger } from './log.js';

/** In-flight requests get this long to finish after SIGTERM/SIGINT before their sockets are closed. */
const SHUTDOWN_GRACE_MS = 10_000;

let config: ProxyConfig;
try {
  config = parseConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    // One line, naming the variable; the value is never printed (it may be a secret).
    process.stderr.write(`ig-embed: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const log = createLogger({ secrets: configSecrets(config), write: batchedStdout() });
const proxy = createProxy(config, { log });

const mode = config.upstream === 'fixtures' ? 'fixtures (embedded fake Graph API, no network)'
  : config.accessToken ? 'live with token' : 'live tokenless';
if (config.allowedOrigins === null) {
  log.warn('ALLOWED_ORIGINS is not set: any web page may use this proxy and spend its upstream quota');
}

const server = createServer(createNodeListener(proxy));
// Unparseable requests (head over 16 KiB, garbage, too slow) get our JSON error, not node's bodiless one.
server.on('clientError', createClientErrorHandler(log));
// The API is GET-only with small requests: a client gets 10 s to send its headers and 15 s for the
// whole request, so slow-sending connections cannot pile up (Node's defaults are 60 s and 300 s).
server.headersTimeout = 10_000;
server.requestTimeout = 15_000;
server.listen(config.port, config.host, () => {
  const info = server.address() as AddressInfo;
  const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  log.info('listening', {
    url: `http://${host}:${info.port}/`,
    upstream: mode,
    demo: config.demo,
    allowedOrigins: config.allowedOrigins ?? 'any',
    cacheTtlSeconds: config.cacheTtlSeconds,
    upstreamBudgetPerHour: config.upstreamBudgetPerHour,
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
  // Stop accepting; keep-alive sockets that are idle now are closed, busy ones close after their response.
  server.close(() => {
    proxy.close();
    log.info('stopped');
    process.exit(0);
  });
  // A keep-alive socket turns idle when its last response ends; close those as they appear.
  server.closeIdleConnections();
  setInterval(() => server.closeIdleConnections(), 100).unref();
  setTimeout(() => {
    log.warn('in-flight requests did not finish in time; closing their connections');
    server.closeAllConnections();
  }, SHUTDOWN_GRACE_MS).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
