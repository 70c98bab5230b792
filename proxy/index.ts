// The `ig-embed-proxy` package's entry: build the proxy into your own Hono app or runtime.
export { createNodeListener, createProxy, type ProxyApp, type ProxyDeps } from './app.js';
export { createClientErrorHandler } from './client-error.js';
export { parseConfig, ConfigError, type ProxyConfig } from './config.js';
export { createLogger, type Logger } from './log.js';
export { ERRORS, type ErrorCode } from './errors.js';
