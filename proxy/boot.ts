// The boot's reading of the environment and of the build, shared by server.ts and `ig-embed-proxy --check` (cli.ts), so both say the same.
import { defaultDistDir, loadStaticAssets } from './assets.js';
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
  if (config.allowedOrigins === null) {
    // Unset (or empty) and an explicit `*` both open the proxy to every page; only the first may be an oversight.
    warnings.push((env.ALLOWED_ORIGINS ?? '').trim() === ''
      ? 'ALLOWED_ORIGINS is not set: any web page may use this proxy and spend its upstream quota'
      : 'ALLOWED_ORIGINS is *: any web page may use this proxy and spend its upstream quota');
  }
  return { ok: true, config, warnings };
}

/**
 * The warnings loading the static files gives (missing script, DEMO=1 without a demo, a file changed after
 * the build): the same loadStaticAssets over the same dist/ that createProxy reads at boot, for `--check`.
 */
export function bootAssetWarnings(config: ProxyConfig): string[] {
  const warnings: string[] = [];
  loadStaticAssets({ distDir: defaultDistDir(), demo: config.demo, warn: (msg) => warnings.push(msg) });
  return warnings;
}
