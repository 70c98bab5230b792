// The configuration table `ig-embed-proxy --help` prints: docs/configuration.md's table in plain text (test/proxy/cli.test.ts
// holds the two equal, row for row). The rules themselves live in config.ts.

/** [variable, default, accepted values], in the docs' order. */
export const CONFIG_TABLE: ReadonlyArray<readonly [variable: string, defaultValue: string, accepted: string]> = [
  ['PORT', '8787', 'integer 0–65535 (0 = any free port)'],
  ['HOST', '127.0.0.1', 'host name or IP; the container sets 0.0.0.0'],
  ['DEMO', 'false', '1, true, 0, false'],
  ['UPSTREAM', 'live', 'live (Meta\'s Graph API) or fixtures (embedded fake, no network)'],
  ['GRAPH_API_URL', 'https://graph.facebook.com/v25.0', 'http(s) URL, no query, fragment or credentials; a trailing / is dropped'],
  ['META_ACCESS_TOKEN', 'unset (tokenless)', 'APPID|APPSECRET or APPID|CLIENTTOKEN (digits, |, then [A-Za-z0-9_-])'],
  ['META_ACCESS_TOKEN_FILE', 'unset', 'path of a file holding META_ACCESS_TOKEN (a mounted secret); contents trimmed; not together with META_ACCESS_TOKEN'],
  ['UPSTREAM_TIMEOUT_MS', '3000', 'integer 100–60000; one deadline for headers and body'],
  ['ALLOWED_ORIGINS', 'unset = any origin (warning at boot, as for *)', 'comma list of exact origins (https://example.com,http://localhost:5173; scheme + host + optional port, normalised to lower case, a trailing / tolerated), or *'],
  ['TRUST_PROXY', '0', 'integer 0–32: 0 = use the socket address; N = the N-th X-Forwarded-For entry from the right'],
  ['CACHE_TTL_SECONDS', '3600', 'integer ≥ 1'],
  ['CACHE_STALE_SECONDS', '86400', 'integer 0–86400 (hard maximum: one day)'],
  ['CACHE_NEGATIVE_SECONDS', '600', 'integer ≥ 1'],
  ['CACHE_MAX_BYTES', '67108864 (64 MiB)', 'integer bytes ≥ 1048576 (1 MiB)'],
  ['RATE_LIMIT_MISSES_PER_MIN', '60', 'integer ≥ 1'],
  ['UPSTREAM_BUDGET_PER_HOUR', '900 without a token, 200000 with one (unset: follows the token, so it drops to 900 if Meta rejects the token)', 'integer ≥ 1'],
  ['UPSTREAM_SHARE_PER_CLIENT', '0.05', 'fraction > 0 and ≤ 1 of the hourly budget one client may spend (1 = no share); see Abuse limits and quota'],
  ['UPSTREAM_SHARE_EXEMPT', '—', 'comma list of IP addresses and CIDR ranges (10.0.0.5,192.0.2.0/24,2001:db8::/48) the share does not apply to: your own server-side renderers'],
  ['METRICS_TOKEN', 'unset (/metrics open)', '1–256 visible ASCII characters, no spaces'],
  ['METRICS_TOKEN_FILE', 'unset', 'path of a file holding METRICS_TOKEN; contents trimmed; not together with METRICS_TOKEN'],
  ['REDIS_URL', 'unset (memory only, as without Redis)', 'redis:// or rediss:// (TLS) URL with optional user, password and db 0–15: rediss://app:secret@cache.example:6380/2; shares the cache between replicas (Running several replicas)'],
  ['REDIS_URL_FILE', 'unset', 'path of a file holding REDIS_URL (it holds a password); not together with REDIS_URL'],
  ['REDIS_TIMEOUT_MS', '50', 'integer 1–5000: the deadline of every Redis call; past it the request goes on from memory/upstream'],
  ['REDIS_KEY_PREFIX', 'ig-embed:', 'up to 64 of A–Z a–z 0–9 : _ . -; every key and channel starts with it, then the schema version (v1:)'],
  ['UPSTREAM_FLEET_SIZE', '2', 'integer 1–1000: the replicas sharing REDIS_URL (the most you run). While Redis is unavailable each one spends at most UPSTREAM_BUDGET_PER_HOUR ÷ this in any rolling hour (Running several replicas); unused without REDIS_URL'],
];
