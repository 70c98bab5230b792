// The boot's reading of the environment, shared by server.ts and `ig-embed-proxy --check` (cli.ts), so both say the same.
import { ConfigError, parseConfig, type ProxyConfig } from './config.js';

export type BootConfig =
  | { ok: true; config: ProxyConfig; warnings: string[] }
  | { ok: false; message: string };

/** The config for `env`, with the warnings the boot logs; or the one line that stops the boot (never a value: it may be a secret). */
export function bootConfig(env: NodeJS.ProcessEnv): BootConfig {
  let config: ProxyConfig;
  try {
    config = parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, message: `ig-embed: ${err.message}` };
    throw err;
  }
  const warnings: string[] = [];
  if (config.allowedOrigins === null) warnings.push('ALLOWED_ORIGINS is not set: any web page may use this proxy and spend its upstream quota');
  return { ok: true, config, warnings };
}
