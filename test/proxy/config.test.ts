// parseConfig: defaults, accepted spellings, and a named ConfigError (never echoing secrets) for each bad value.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, configSecrets, parseConfig, type ProxyConfig } from '../../proxy/config.js';
import { createLogger, REDACTED } from '../../proxy/log.js';

const DEFAULTS: ProxyConfig = {
  port: 8787,
  host: '127.0.0.1',
  demo: false,
  upstream: 'live',
  graphApiUrl: 'https://graph.facebook.com/v25.0',
  accessToken: undefined,
  upstreamTimeoutMs: 3000,
  allowedOrigins: null,
  trustProxyHops: 0,
  cacheTtlSeconds: 3600,
  cacheStaleSeconds: 86400,
  cacheNegativeSeconds: 600,
  cacheMaxBytes: 64 * 1024 * 1024,
  rateLimitMissesPerMin: 60,
  upstreamBudgetPerHour: 900,
  upstreamBudgetExplicit: false,
  upstreamSharePerClient: 0.05,
  upstreamShareExempt: [],
  metricsToken: undefined,
  redisUrl: undefined,
  redisTimeoutMs: 50,
  redisKeyPrefix: 'ig-embed:',
  upstreamFleetSize: 2,
};

function failure(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

describe('parseConfig defaults', () => {
  test('an empty env gives the documented defaults', () => {
    assert.deepEqual(parseConfig({}), DEFAULTS);
  });

  test('unknown variables are ignored and empty values count as unset', () => {
    assert.deepEqual(parseConfig({ PATH: '/usr/bin', META_ACCESS_TOKEN: '', PORT: ' ' }), DEFAULTS);
  });

  test('the upstream budget defaults to 200,000 with a token and 900 without', () => {
    assert.equal(parseConfig({ META_ACCESS_TOKEN: '123|abc' }).upstreamBudgetPerHour, 200_000);
    assert.equal(parseConfig({ META_ACCESS_TOKEN: '123|abc', UPSTREAM_BUDGET_PER_HOUR: '5000' }).upstreamBudgetPerHour, 5000);
    assert.equal(parseConfig({ UPSTREAM_BUDGET_PER_HOUR: '10' }).upstreamBudgetPerHour, 10);
  });

  test('the config records whether the budget was set explicitly (a default follows the token state later)', () => {
    assert.deepEqual(
      [{}, { META_ACCESS_TOKEN: '123|abc' }, { UPSTREAM_BUDGET_PER_HOUR: '900' }].map((env) => parseConfig(env).upstreamBudgetExplicit),
      [false, false, true],
    );
  });
});

describe('parseConfig accepts', () => {
  test('every variable set to a valid value', () => {
    const env = {
      PORT: '0', HOST: '0.0.0.0', DEMO: 'true', UPSTREAM: 'fixtures', GRAPH_API_URL: 'http://127.0.0.1:4000/v25.0/',
      META_ACCESS_TOKEN: '1234567890|abcDEF_123-x', UPSTREAM_TIMEOUT_MS: '100', ALLOWED_ORIGINS: 'https://Example.com, http://localhost:5173/,https://example.com',
      TRUST_PROXY: '1', CACHE_TTL_SECONDS: '1', CACHE_STALE_SECONDS: '0', CACHE_NEGATIVE_SECONDS: '1',
      CACHE_MAX_BYTES: '1048576', RATE_LIMIT_MISSES_PER_MIN: '1', UPSTREAM_BUDGET_PER_HOUR: '1', METRICS_TOKEN: 'm3tr1cs-T0ken',
      UPSTREAM_SHARE_PER_CLIENT: '0.25', UPSTREAM_SHARE_EXEMPT: '10.0.0.0/8, 2001:db8::1',
      REDIS_URL: 'rediss://app:s3cret-pw@cache.example:6380/2', REDIS_TIMEOUT_MS: '75', REDIS_KEY_PREFIX: 'site-a:',
      UPSTREAM_FLEET_SIZE: '1000',
    };
    assert.deepEqual(parseConfig(env), {
      port: 0, host: '0.0.0.0', demo: true, upstream: 'fixtures', graphApiUrl: 'http://127.0.0.1:4000/v25.0',
      accessToken: '1234567890|abcDEF_123-x', upstreamTimeoutMs: 100, allowedOrigins: ['https://example.com', 'http://localhost:5173'],
      trustProxyHops: 1, cacheTtlSeconds: 1, cacheStaleSeconds: 0, cacheNegativeSeconds: 1, cacheMaxBytes: 1048576,
      rateLimitMissesPerMin: 1, upstreamBudgetPerHour: 1, upstreamBudgetExplicit: true, metricsToken: 'm3tr1cs-T0ken',
      redisUrl: 'rediss://app:s3cret-pw@cache.example:6380/2', redisTimeoutMs: 75, redisKeyPrefix: 'site-a:', upstreamFleetSize: 1000,
      upstreamSharePerClient: 0.25,
      upstreamShareExempt: [{ bytes: [10, 0, 0, 0], prefix: 8 }, { bytes: [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1], prefix: 128 }],
    });
  });

  test('DEMO takes 1, true, 0 and false', () => {
    assert.deepEqual(['1', 'true', '0', 'false'].map((DEMO) => parseConfig({ DEMO }).demo), [true, true, false, false]);
  });

  test('ALLOWED_ORIGINS=* means any origin', () => {
    assert.equal(parseConfig({ ALLOWED_ORIGINS: '*' }).allowedOrigins, null);
  });

  test('the upper bounds are inclusive: 65535, 60000 ms, 86400 s stale', () => {
    const config = parseConfig({ PORT: '65535', UPSTREAM_TIMEOUT_MS: '60000', CACHE_STALE_SECONDS: '86400' });
    assert.deepEqual([config.port, config.upstreamTimeoutMs, config.cacheStaleSeconds], [65535, 60000, 86400]);
  });
});

describe('parseConfig rejects, naming the variable', () => {
  const bad: Array<[string, string]> = [
    ['PORT', '65536'], ['PORT', '80.5'], ['PORT', '-1'], ['PORT', 'http'],
    ['HOST', 'bad host'], ['DEMO', 'yes'], ['UPSTREAM', 'fake'],
    ['GRAPH_API_URL', 'ftp://graph.facebook.com'], ['GRAPH_API_URL', 'https://graph.facebook.com/v25.0?x=1'],
    ['GRAPH_API_URL', 'https://user:pw@graph.facebook.com'], ['GRAPH_API_URL', 'not a url'],
    ['UPSTREAM_TIMEOUT_MS', '99'], ['UPSTREAM_TIMEOUT_MS', '60001'], ['UPSTREAM_TIMEOUT_MS', '1e3'],
    ['ALLOWED_ORIGINS', 'https://example.com/path'], ['ALLOWED_ORIGINS', 'example.com'], ['ALLOWED_ORIGINS', 'https://a.com,*'],
    ['ALLOWED_ORIGINS', ','], ['ALLOWED_ORIGINS', 'javascript:alert(1)'],
    ['TRUST_PROXY', 'true'], ['TRUST_PROXY', '33'],
    ['CACHE_TTL_SECONDS', '0'], ['CACHE_STALE_SECONDS', '86401'], ['CACHE_NEGATIVE_SECONDS', '0'],
    ['CACHE_MAX_BYTES', '1048575'], ['CACHE_MAX_BYTES', '64MiB'], ['RATE_LIMIT_MISSES_PER_MIN', '0'],
    ['UPSTREAM_BUDGET_PER_HOUR', '0'],
    ['UPSTREAM_SHARE_PER_CLIENT', '0'], ['UPSTREAM_SHARE_PER_CLIENT', '1.5'], ['UPSTREAM_SHARE_PER_CLIENT', '5%'],
    ['UPSTREAM_SHARE_PER_CLIENT', '-0.1'], ['UPSTREAM_SHARE_PER_CLIENT', '.'],
    ['UPSTREAM_SHARE_EXEMPT', '10.0.0.0/33'], ['UPSTREAM_SHARE_EXEMPT', 'example.com'], ['UPSTREAM_SHARE_EXEMPT', '10.0.0.256'],
    ['UPSTREAM_SHARE_EXEMPT', '2001:db8::1::2'], ['UPSTREAM_SHARE_EXEMPT', '10.0.0.1/8/8'],
    ['REDIS_URL', 'http://127.0.0.1:6379'], ['REDIS_URL', 'redis://'], ['REDIS_URL', 'redis://h:6379/16'], ['REDIS_URL', 'redis://h/0?x=1'],
    ['REDIS_URL', '127.0.0.1:6379'], ['REDIS_TIMEOUT_MS', '0'], ['REDIS_TIMEOUT_MS', '5001'], ['REDIS_KEY_PREFIX', 'has space'],
    ['UPSTREAM_FLEET_SIZE', '0'], ['UPSTREAM_FLEET_SIZE', '1001'], ['UPSTREAM_FLEET_SIZE', '2.5'],
  ];
  for (const [variable, value] of bad) {
    test(`${variable}=${value}`, () => {
      const error = failure({ [variable]: value });
      assert.equal(error.variable, variable);
      assert.match(error.message, new RegExp(`^Invalid ${variable}: expected `));
    });
  }

  test('a malformed META_ACCESS_TOKEN or METRICS_TOKEN is named but its value is never echoed', () => {
    for (const [variable, value] of [['META_ACCESS_TOKEN', 'EAAB-user-token-LEAKME'], ['META_ACCESS_TOKEN', '123|LEAKME VALUE'],
      ['METRICS_TOKEN', 'LEAKME VALUE']] as const) {
      const error = failure({ [variable]: value });
      assert.equal(error.variable, variable);
      assert.equal(error.message.includes('LEAKME'), false, error.message);
    }
  });
});

test('configSecrets lists the Redis password too, so the logger redacts it', () => {
  assert.deepEqual(configSecrets(parseConfig({ REDIS_URL: 'redis://:pa%40ss-word@127.0.0.1:6379' })), ['pa@ss-word']);
});

test('configSecrets lists the token and the metrics token for the logger', () => {
  assert.deepEqual(configSecrets(parseConfig({ META_ACCESS_TOKEN: '1|s', METRICS_TOKEN: 'm' })), ['1|s', 'm']);
  assert.deepEqual(configSecrets(parseConfig({})), []);
});

describe('secrets from files (META_ACCESS_TOKEN_FILE, METRICS_TOKEN_FILE)', () => {
  /** A file system of one directory: path → contents; any other path fails like a missing file. */
  function files(contents: Record<string, string>): (path: string) => string {
    return (path) => {
      const value = contents[path];
      if (value === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
      return value;
    };
  }

  function fileFailure(env: Record<string, string>, readFile: (path: string) => string): ConfigError {
    try {
      parseConfig(env, readFile);
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error;
    }
    assert.fail(`accepted ${JSON.stringify(env)}`);
  }

  test('each token is read from its file, surrounding whitespace (a final newline) trimmed', () => {
    const config = parseConfig(
      { META_ACCESS_TOKEN_FILE: '/run/secrets/meta_token', METRICS_TOKEN_FILE: ' /run/secrets/metrics ' },
      files({ '/run/secrets/meta_token': '123456|fileSECRET_9\n', '/run/secrets/metrics': '\tm3tr1cs\r\n' }),
    );
    assert.deepEqual([config.accessToken, config.metricsToken, config.upstreamBudgetPerHour], ['123456|fileSECRET_9', 'm3tr1cs', 200_000]);
  });

  test('the default reader reads the real file system', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ig-embed-config-'));
    try {
      const path = join(dir, 'meta_token');
      writeFileSync(path, '123456|diskSECRET\n');
      assert.equal(parseConfig({ META_ACCESS_TOKEN_FILE: path }).accessToken, '123456|diskSECRET');
      assert.equal(fileFailure({ META_ACCESS_TOKEN_FILE: join(dir, 'missing') }, (p) => readFileSync(p, 'utf8')).variable, 'META_ACCESS_TOKEN_FILE');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('an empty _FILE counts as unset, like any empty variable', () => {
    assert.deepEqual(parseConfig({ META_ACCESS_TOKEN_FILE: '', METRICS_TOKEN_FILE: ' ' }, files({})), DEFAULTS);
  });

  test('setting a variable and its _FILE is an error naming the _FILE', () => {
    for (const name of ['META_ACCESS_TOKEN', 'METRICS_TOKEN']) {
      const value = name === 'METRICS_TOKEN' ? 'm3tr1cs' : '123|LEAKME';
      const error = fileFailure({ [name]: value, [`${name}_FILE`]: '/s' }, files({ '/s': value }));
      assert.equal(error.variable, `${name}_FILE`);
      assert.equal(error.message, `Invalid ${name}_FILE: expected either ${name} or ${name}_FILE, not both.`);
    }
  });

  test('an unreadable file is an error naming the _FILE with the errno code', () => {
    const error = fileFailure({ METRICS_TOKEN_FILE: '/run/secrets/nothing' }, files({}));
    assert.equal(error.variable, 'METRICS_TOKEN_FILE');
    assert.equal(error.message, 'Invalid METRICS_TOKEN_FILE: expected the path of a readable file holding METRICS_TOKEN (ENOENT).');
  });

  test('a malformed or empty token in a file is an error naming the variable, never echoing the value', () => {
    for (const [name, contents] of [['META_ACCESS_TOKEN', 'EAAB-user-token-LEAKME\n'], ['META_ACCESS_TOKEN', '123|LEAKME VALUE'],
      ['META_ACCESS_TOKEN', '\n'], ['METRICS_TOKEN', 'LEAKME VALUE'], ['METRICS_TOKEN', '']] as const) {
      const error = fileFailure({ [`${name}_FILE`]: '/s' }, files({ '/s': contents }));
      assert.equal(error.variable, name);
      assert.match(error.message, new RegExp(`^Invalid ${name}: expected .* \\(read from ${name}_FILE\\)\\.$`));
      assert.equal(error.message.includes('LEAKME'), false, error.message);
    }
  });

  test('tokens read from files are redacted from log lines like tokens set directly', () => {
    const config = parseConfig(
      { META_ACCESS_TOKEN_FILE: '/t', METRICS_TOKEN_FILE: '/m' },
      files({ '/t': '987654|FILECANARY\n', '/m': 'metricsFILECANARY\n' }),
    );
    assert.deepEqual(configSecrets(config), ['987654|FILECANARY', 'metricsFILECANARY']);
    const lines: string[] = [];
    const log = createLogger({ secrets: configSecrets(config), write: (line) => lines.push(line) });
    log.error('leak attempt', { header: 'Bearer 987654|FILECANARY', half: 'FILECANARY', metrics: 'metricsFILECANARY' });
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.includes('FILECANARY'), false, lines[0]);
    assert.deepEqual(JSON.parse(lines[0]!).header, `Bearer ${REDACTED}`);
  });
});
