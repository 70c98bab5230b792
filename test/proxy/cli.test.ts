// `ig-embed-proxy` (proxy/cli.ts, the package's bin): --help, --version, --check, and no flag starts the server.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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
  assert.match(stdout, /^ {2}-v, --version +print the version$/m);
  assert.match(stdout, /^ {2}-h, --help +print this help$/m);
  assert.match(stdout, /^Any other argument: this usage on stderr, exit code 2\.$/m);
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

/** The lines of `stderr` about ALLOWED_ORIGINS (the static files' warnings depend on whether this tree is built: tested below). */
const originLines = (stderr: string) => stderr.split('\n').filter((line) => line.includes('ALLOWED_ORIGINS')).join('\n');

test('--check with a good setting exits 0, with the boot\'s warnings on stderr', () => {
  const open = run('cli.ts', ['--check'], { UPSTREAM: 'fixtures', PORT: '9999' });
  assert.deepEqual({ ...open, stderr: originLines(open.stderr) }, {
    status: 0,
    stdout: 'ig-embed: configuration ok (upstream fixtures; would listen on 127.0.0.1:9999)\n',
    stderr: 'ig-embed: warning: ALLOWED_ORIGINS is not set: any web page may use this proxy and spend its upstream quota',
  });
  assert.equal(originLines(run('cli.ts', ['--check'], { ALLOWED_ORIGINS: 'https://example.com' }).stderr), '');
});

test('ALLOWED_ORIGINS=* set explicitly still warns, without saying it is not set', () => {
  assert.equal(originLines(run('cli.ts', ['--check'], { ALLOWED_ORIGINS: ' * ' }).stderr),
    'ig-embed: warning: ALLOWED_ORIGINS is *: any web page may use this proxy and spend its upstream quota');
});

/**
 * The proxy's sources laid out as in the package (dist/proxy/, dist/instagram/) with no dist/script and no
 * dist/demo, under test-output/ (inside the repository, so node_modules resolve); its directory.
 */
function packageWithoutBuiltFiles(): string {
  mkdirSync(`${ROOT}test-output`, { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'test-output', 'cli-package-'));
  cpSync(`${ROOT}proxy`, `${dir}/dist/proxy`, {
    recursive: true, filter: (src) => !src.startsWith(`${ROOT}proxy/dist`) && !src.startsWith(`${ROOT}proxy/node_modules`),
  });
  cpSync(`${ROOT}instagram`, `${dir}/dist/instagram`, { recursive: true });
  return dir;
}

test('--check prints the boot\'s warnings, the static files\' too (DEMO=1 without a demo), and the boot logs them as JSON on stdout', async () => {
  const pkg = packageWithoutBuiltFiles();
  try {
    const port = await freePort();
    const env = { PATH: process.env.PATH ?? '', UPSTREAM: 'fixtures', DEMO: '1', HOST: '127.0.0.1', PORT: String(port) };
    const warnings = [
      'ALLOWED_ORIGINS is not set: any web page may use this proxy and spend its upstream quota',
      'widget script missing (no dist/script/ig-embed.js): GET /ig-embed.js answers 404. In the repository, `npm run build` builds it; '
        + 'the ig-embed-proxy package ships it, so from npm the install is incomplete: reinstall the package',
      'DEMO=1 but there is no demo (dist/demo missing): serving no demo pages. The demo is built in the repository (`npm run build`), not shipped in the ig-embed-proxy package',
    ];
    const check = spawnSync(process.execPath, ['--import', 'tsx', `${pkg}/dist/proxy/cli.ts`, '--check'], { cwd: ROOT, env, encoding: 'utf8', timeout: 20_000 });
    assert.deepEqual([check.status, check.stdout, check.stderr], [
      0, `ig-embed: configuration ok (upstream fixtures; would listen on 127.0.0.1:${port})\n`, warnings.map((w) => `ig-embed: warning: ${w}\n`).join(''),
    ]);

    const boot = spawn(process.execPath, ['--import', 'tsx', `${pkg}/dist/proxy/server.ts`], { cwd: ROOT, env });
    const exited = new Promise<number | null>((resolve) => boot.on('exit', (code) => resolve(code)));
    let stdout = '';
    let stderr = '';
    boot.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    boot.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    try {
      await until(() => stdout.includes('"msg":"listening"') || boot.exitCode !== null, 'the listening line', 20_000);
    } finally {
      boot.kill('SIGTERM');
    }
    await exited;
    const lines = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: string; msg: string; demo?: unknown });
    assert.equal(stderr, '');
    assert.deepEqual(lines.filter((l) => l.level === 'warn').map((l) => l.msg), warnings);
    // DEMO=1 asked for the demo, but none was there to serve.
    assert.equal(lines.find((l) => l.msg === 'listening')?.demo, false);
  } finally {
    rmSync(pkg, { recursive: true, force: true });
  }
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
