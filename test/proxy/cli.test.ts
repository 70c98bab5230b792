// `ig-embed-proxy` (proxy/cli.ts, the package's bin): --help, --version, --check, and no flag starts the server.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { CONFIG_TABLE } from '../../proxy/config-table.js';
import { freePort, until } from '../support/proxy-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `node proxy/<entry>` from source with only `env` set (nothing inherited, so the config is exactly `env`). */
function run(entry: string, args: string[], env: Record<string, string> = {}) {
  const out = spawnSync(process.execPath, ['--import', 'tsx', `proxy/${entry}`, ...args], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 20_000,
  });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

/** The table of docs/configuration.md as plain-text rows: markdown code, bold, links and escaped pipes removed. */
function docRows(): string[][] {
  const plain = (cell: string) => cell.replace(/\\\|/g, '|').replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replace(/\*\*([^*]+)\*\*/g, '$1').replace(/`/g, '').trim();
  const section = readFileSync(`${ROOT}docs/configuration.md`, 'utf8').split('\n## ')[0]!;
  return section.split('\n').filter((line) => /^\| `[A-Z_]+` \|/.test(line)).map((line) => line.slice(1, -1).split(/(?<!\\)\|/).map(plain));
}

test('the --help table is docs/configuration.md\'s table, row for row', () => {
  const rows = docRows();
  assert.equal(rows.length, 25);
  assert.deepEqual(CONFIG_TABLE, rows);
});

test('--help prints the usage and every variable with its default', () => {
  const { status, stdout } = run('cli.ts', ['--help']);
  assert.equal(status, 0);
  assert.match(stdout, /^Usage: ig-embed-proxy \[--help \| --version \| --check\]/);
  for (const [variable, defaultValue] of CONFIG_TABLE) {
    assert.match(stdout, new RegExp(`^${variable} +${defaultValue.split(' ')[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'), variable);
  }
});

test('--version prints the package version', () => {
  const { version } = JSON.parse(readFileSync(`${ROOT}proxy/package.json`, 'utf8')) as { version: string };
  assert.deepEqual(run('cli.ts', ['--version']), { status: 0, stdout: `${version}\n`, stderr: '' });
});

test('--check with a bad setting exits 1 with the same message as the boot, naming the variable and not the value', () => {
  const env = { META_ACCESS_TOKEN: 'not-a-token-SECRET' };
  const check = run('cli.ts', ['--check'], env);
  const boot = run('server.ts', [], env);
  assert.deepEqual([check.status, check.stdout], [1, '']);
  assert.equal(check.stderr, 'ig-embed: Invalid META_ACCESS_TOKEN: expected an app access token of the form APPID|APPSECRET or APPID|CLIENTTOKEN.\n');
  assert.deepEqual([boot.status, boot.stderr], [1, check.stderr]);
});

test('--check with a good setting exits 0, with the boot\'s warnings on stderr', () => {
  const open = run('cli.ts', ['--check'], { UPSTREAM: 'fixtures', PORT: '9999' });
  assert.deepEqual(open, {
    status: 0,
    stdout: 'ig-embed: configuration ok (upstream fixtures; would listen on 127.0.0.1:9999)\n',
    stderr: 'ig-embed: warning: ALLOWED_ORIGINS is not set: any web page may use this proxy and spend its upstream quota\n',
  });
  assert.equal(run('cli.ts', ['--check'], { ALLOWED_ORIGINS: 'https://example.com' }).stderr, '');
});

test('an unknown argument exits 2 with the usage', () => {
  const { status, stderr } = run('cli.ts', ['--chek']);
  assert.equal(status, 2);
  assert.match(stderr, /^ig-embed-proxy: unknown argument "--chek"\n\nUsage: ig-embed-proxy/);
});

test('without a flag it starts the server with the environment\'s config and stops on SIGTERM', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/cli.ts'], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', UPSTREAM: 'fixtures', HOST: '127.0.0.1', PORT: String(port), ALLOWED_ORIGINS: '*' },
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0)) === 200, 'the server to answer', 20_000);
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
});
