/** Parses the proxy's settings once, at boot, from an explicit env object; a bad value stops the boot. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseCidr, type Cidr } from './ip.js';

export interface ProxyConfig {
  port: number;
  host: string;
  demo: boolean;
  upstream: 'live' | 'fixtures';
  graphApiUrl: string;
  accessToken: string | undefined;
  upstreamTimeoutMs: number;
  /** null = any origin (a warning is logged at boot). */
  allowedOrigins: string[] | null;
  trustProxyHops: number;
  cacheTtlSeconds: number;
  cacheStaleSeconds: number;
  cacheNegativeSeconds: number;
  cacheMaxBytes: number;
  rateLimitMissesPerMin: number;
  /** The hourly upstream budget at boot: UPSTREAM_BUDGET_PER_HOUR, else the default for the token state. */
  upstreamBudgetPerHour: number;
  /**
   * Whether UPSTREAM_BUDGET_PER_HOUR was set. When it was not, the budget follows the Graph client's
   * token state: after a rejected token (190) the proxy runs tokenless and gets the tokenless default.
   */
  upstreamBudgetExplicit: boolean;
  /** The fraction of the hourly budget one client may spend (UPSTREAM_SHARE_PER_CLIENT); 1 = no share. */
  upstreamSharePerClient: number;
  /** Addresses and ranges the share does not apply to (UPSTREAM_SHARE_EXEMPT): trusted server-side callers. */
  upstreamShareExempt: Cidr[];
  metricsToken: string | undefined;
  /** REDIS_URL: the shared cache level for several replicas; undefined = memory only. */
  redisUrl: string | undefined;
  /** Deadline of every Redis call. */
  redisTimeoutMs: number;
  /** Prefix of every Redis key and channel (the schema version follows it). */
  redisKeyPrefix: string;
  /**
   * UPSTREAM_FLEET_SIZE: the replicas sharing REDIS_URL. While Redis is unavailable each one spends at most
   * the hourly budget ÷ this (fleet-quota.ts), so an outage cannot multiply the quota.
   */
  upstreamFleetSize: number;
}

/** Thrown for any bad setting. The message names the variable and what it expects, never its value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly variable: string, expected: string) {
    super(`Invalid ${variable}: expected ${expected}.`);
  }
}

export const MAX_STALE_SECONDS = 86_400;
const MIB = 1024 * 1024;
/** Meta allows about 1,000 tokenless calls an hour per endpoint; stay under it with headroom. */
export const TOKENLESS_BUDGET_PER_HOUR = 900;
export const TOKEN_BUDGET_PER_HOUR = 200_000;

/**
 * One client's default share of the budget: 45 calls an hour tokenless (of 900), 10,000 with a token (of
 * 200,000). Twenty addresses are needed to spend the whole budget, and one visitor reading an archive
 * of 45 uncached posts in an hour still gets every one (hits never count).
 */
export const DEFAULT_SHARE_PER_CLIENT = 0.05;

/** Two replicas: the smallest fleet, and the compose file's. More replicas than this overspend during a Redis outage (docs/caching.md, "Running several replicas"). */
export const DEFAULT_FLEET_SIZE = 2;

/** The UPSTREAM_BUDGET_PER_HOUR default for calls made with or without a token. */
export function defaultBudgetPerHour(usingToken: boolean): number {
  return usingToken ? TOKEN_BUDGET_PER_HOUR : TOKENLESS_BUDGET_PER_HOUR;
}

// `digits|secret`: APPID|APPSECRET or APPID|CLIENTTOKEN. The check keeps a pasted user token or a
// value with quotes/whitespace from reaching an Authorization header.
const ACCESS_TOKEN = /^[0-9]{1,32}\|[A-Za-z0-9_-]{1,256}$/;
// Sent back by clients in an Authorization header, so visible ASCII only.
const HEADER_TOKEN = /^[\x21-\x7e]{1,256}$/;

function integer(expected: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .regex(/^[0-9]{1,16}$/, expected)
    .transform(Number)
    .refine((n) => n >= min && n <= max, expected);
}

function booleanFlag(expected: string) {
  return z.enum(['1', 'true', '0', 'false'], expected).transform((v) => v === '1' || v === 'true');
}

/** A URL setting: parsed with `new URL()`, then `accept` returns the value to keep, or null to refuse it with `expected`. */
function urlSetting(expected: string, accept: (url: URL, raw: string) => string | null) {
  return z.string().transform((raw, ctx) => {
    let kept: string | null = null;
    try {
      kept = accept(new URL(raw), raw);
    } catch {
      // not a URL at all
    }
    if (kept === null) {
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
    return kept;
  });
}

const graphApiUrl = urlSetting(
  'an http(s) URL without query, fragment or credentials, like https://graph.facebook.com/v25.0',
  (url, raw) => ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash
    || raw.includes('?') || raw.includes('#') ? null : url.href.replace(/\/+$/, '')),
);

const FRACTION = 'a fraction of the hourly budget greater than 0 and at most 1, like 0.05 (1 = no per-client share)';
const shareFraction = z.string().regex(/^(?:0?\.[0-9]{1,6}|1(?:\.0{1,6})?)$/, FRACTION).transform(Number).refine((n) => n > 0, FRACTION);

const addressRanges = z.string().transform((raw, ctx) => {
  const ranges: Cidr[] = [];
  for (const entry of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const range = parseCidr(entry);
    if (range === null) {
      ctx.addIssue({ code: 'custom', message: 'a comma-separated list of IP addresses or CIDR ranges, like 10.0.0.5,192.0.2.0/24,2001:db8::/48' });
      return z.NEVER;
    }
    ranges.push(range);
  }
  return ranges;
});

const redisUrl = urlSetting(
  'a redis:// or rediss:// URL such as redis://127.0.0.1:6379, rediss://user:password@cache.example:6380/2 (db 0–15)',
  (url, raw) => ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname || url.search || url.hash
    || !/^(?:\/(?:[0-9]|1[0-5])?)?$/.test(url.pathname) ? null : raw),
);

const allowedOrigins = z.string().transform((raw, ctx) => {
  const expected = 'a comma-separated list of origins like https://example.com,http://localhost:5173 (scheme, host and optional port only), or *';
  const entries = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 1 && entries[0] === '*') return null;
  const origins = new Set<string>();
  for (const entry of entries) {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    const bare = url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:') && !url.username
      && !url.password && url.pathname === '/' && !url.search && !url.hash && !/[/?#]./.test(entry.slice(url.protocol.length + 2));
    if (!url || !bare) {
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
    origins.add(url.origin);
  }
  if (origins.size === 0) {
    ctx.addIssue({ code: 'custom', message: expected });
    return z.NEVER;
  }
  return [...origins];
});

const envSchema = z.object({
  PORT: integer('an integer port 0–65535', 0, 65_535).default(8787),
  HOST: z.string().regex(/^[A-Za-z0-9.:[\]%_-]{1,255}$/, 'a host name or IP address such as 127.0.0.1 or 0.0.0.0').default('127.0.0.1'),
  DEMO: booleanFlag('1, true, 0 or false').default(false),
  UPSTREAM: z.enum(['live', 'fixtures'], 'live or fixtures').default('live'),
  GRAPH_API_URL: graphApiUrl.default('https://graph.facebook.com/v25.0'),
  META_ACCESS_TOKEN: z.string().regex(ACCESS_TOKEN, 'an app access token of the form APPID|APPSECRET or APPID|CLIENTTOKEN').optional(),
  UPSTREAM_TIMEOUT_MS: integer('an integer number of milliseconds 100–60000', 100, 60_000).default(3000),
  ALLOWED_ORIGINS: allowedOrigins.optional(),
  TRUST_PROXY: integer('the number of trusted reverse proxies in front of the server, an integer 0–32 (0 = use the socket address)', 0, 32).default(0),
  CACHE_TTL_SECONDS: integer('an integer number of seconds >= 1', 1).default(3600),
  CACHE_STALE_SECONDS: integer(`an integer number of seconds 0–${MAX_STALE_SECONDS}`, 0, MAX_STALE_SECONDS).default(MAX_STALE_SECONDS),
  CACHE_NEGATIVE_SECONDS: integer('an integer number of seconds >= 1', 1).default(600),
  CACHE_MAX_BYTES: integer('an integer number of bytes >= 1048576 (1 MiB)', MIB).default(64 * MIB),
  RATE_LIMIT_MISSES_PER_MIN: integer('an integer >= 1', 1).default(60),
  UPSTREAM_BUDGET_PER_HOUR: integer('an integer >= 1', 1).optional(),
  UPSTREAM_SHARE_PER_CLIENT: shareFraction.default(DEFAULT_SHARE_PER_CLIENT),
  UPSTREAM_SHARE_EXEMPT: addressRanges.optional(),
  METRICS_TOKEN: z.string().regex(HEADER_TOKEN, 'a token of 1–256 visible ASCII characters (no spaces)').optional(),
  REDIS_URL: redisUrl.optional(),
  REDIS_TIMEOUT_MS: integer('an integer number of milliseconds 1–5000', 1, 5000).default(50),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{0,64}$/, 'up to 64 letters, digits and : _ . -').default('ig-embed:'),
  UPSTREAM_FLEET_SIZE: integer('the number of replicas sharing REDIS_URL, an integer 1–1000', 1, 1000).default(DEFAULT_FLEET_SIZE),
});

/** Every variable parseConfig reads, and the `_FILE` forms of the secrets (for checks of deploy files and docs). */
export function configVariables(): string[] {
  return [...Object.keys(envSchema.shape), ...FILE_SECRETS.map((name) => `${name}_FILE`)];
}

type EnvName = keyof typeof envSchema.shape;

/** Secrets that may also come from a file named by `<NAME>_FILE` (how Compose, Kubernetes and Podman mount secrets). */
const FILE_SECRETS = ['META_ACCESS_TOKEN', 'METRICS_TOKEN', 'REDIS_URL'] as const satisfies readonly EnvName[];

/**
 * Reads the settings from `env` (usually process.env). Unknown variables are ignored; an empty value
 * counts as unset, so `META_ACCESS_TOKEN=` in a compose file means "no token". `META_ACCESS_TOKEN_FILE`
 * and `METRICS_TOKEN_FILE` name a file holding that value (trimmed); an empty file is a bad value, not
 * "unset", so a broken secret mount never silently drops the token or opens /metrics.
 */
export function parseConfig(
  env: Record<string, string | undefined>,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): ProxyConfig {
  const input: Partial<Record<EnvName, string>> = {};
  for (const name of Object.keys(envSchema.shape) as EnvName[]) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') input[name] = value.trim();
  }
  const fromFile = new Set<EnvName>();
  for (const name of FILE_SECRETS) {
    const fileVariable = `${name}_FILE`;
    const path = env[fileVariable]?.trim();
    if (!path) continue;
    if (input[name] !== undefined) throw new ConfigError(fileVariable, `either ${name} or ${fileVariable}, not both`);
    let contents: string;
    try {
      contents = readFile(path);
    } catch (err) {
      // Only the errno code (ENOENT, EACCES, EISDIR): the rest of a file-system message is not ours to print.
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(fileVariable, `the path of a readable file holding ${name}${code ? ` (${code})` : ''}`);
    }
    // Validated below under `name`, so a malformed token is reported like one set directly, never echoed.
    input[name] = contents.trim();
    fromFile.add(name);
  }
  const result = envSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const source = fromFile.has(variable as EnvName) ? ` (read from ${variable}_FILE)` : '';
    // Our own messages only: zod's defaults may quote the input, and some inputs are secrets.
    throw new ConfigError(variable, `${issue?.message ?? 'a valid value'}${source}`);
  }
  const e = result.data;
  return {
    port: e.PORT,
    host: e.HOST,
    demo: e.DEMO,
    upstream: e.UPSTREAM,
    graphApiUrl: e.GRAPH_API_URL,
    accessToken: e.META_ACCESS_TOKEN,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    allowedOrigins: e.ALLOWED_ORIGINS ?? null,
    trustProxyHops: e.TRUST_PROXY,
    cacheTtlSeconds: e.CACHE_TTL_SECONDS,
    cacheStaleSeconds: e.CACHE_STALE_SECONDS,
    cacheNegativeSeconds: e.CACHE_NEGATIVE_SECONDS,
    cacheMaxBytes: e.CACHE_MAX_BYTES,
    rateLimitMissesPerMin: e.RATE_LIMIT_MISSES_PER_MIN,
    upstreamBudgetPerHour: e.UPSTREAM_BUDGET_PER_HOUR
      ?? defaultBudgetPerHour(e.META_ACCESS_TOKEN !== undefined),
    upstreamBudgetExplicit: e.UPSTREAM_BUDGET_PER_HOUR !== undefined,
    upstreamSharePerClient: e.UPSTREAM_SHARE_PER_CLIENT,
    upstreamShareExempt: e.UPSTREAM_SHARE_EXEMPT ?? [],
    metricsToken: e.METRICS_TOKEN,
    redisUrl: e.REDIS_URL,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    upstreamFleetSize: e.UPSTREAM_FLEET_SIZE,
  };
}

/** The values the logger must redact: pass to createLogger({ secrets }). */
export function configSecrets(config: Pick<ProxyConfig, 'accessToken' | 'metricsToken'> & { redisUrl?: string | undefined }): string[] {
  return [config.accessToken, config.metricsToken, redisPassword(config.redisUrl)]
    .filter((s): s is string => typeof s === 'string' && s !== '');
}

/** The password in a REDIS_URL, so the logger redacts it (ioredis error messages can quote the URL). */
function redisPassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password.length >= 4 ? password : undefined;
  } catch {
    return undefined;
  }
}
