/** The pretest set-up (scripts/setup-tools.mjs) as a real process, against fake tool trees and a fake apt-get. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, test } from 'node:test';

const SCRIPT = fileURLToPath(new URL('../../scripts/setup-tools.mjs', import.meta.url));
const isRoot = process.getuid?.() === 0;
// Root runs the "cannot install" cases as the unprivileged `nobody`, so they prove the real uid check.
const NOBODY = 65534;

let dir: string;
let root: string;
let fakeBin: string;

function writeExecutable(path: string, body: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** A tool under the fake root whose `--version` prints `version`. */
function fakeTool(name: 'chromium' | 'firefox-esr' | 'redis-server', version: string): void {
  writeExecutable(join(root, 'usr/bin', name), `echo '${version}'`);
}

/** A fake apt-get first on PATH: it records each call, and `install` puts the named tools under the fake root (or fails with `exitCode`). */
function fakeAptGet(exitCode = 0): void {
  writeExecutable(join(fakeBin, 'apt-get'), [
    `echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> '${dir}/apt-calls'`,
    `[ "$1" = install ] || exit 0`,
    exitCode === 0 ? '' : `exit ${exitCode}`,
    `for pkg in "$@"; do case "$pkg" in chromium|firefox-esr|redis-server)`,
    `  printf '#!/bin/sh\\necho installed %s\\n' "$pkg" > '${root}/usr/bin/'"$pkg"; chmod 755 '${root}/usr/bin/'"$pkg";;`,
    'esac; done',
  ].join('\n'));
}

const aptCalls = (): string[] => (existsSync(join(dir, 'apt-calls')) ? readFileSync(join(dir, 'apt-calls'), 'utf8').trim().split('\n') : []);

/** Runs the script with only the given variables (never the caller's CI, CHROME_PATH, FIREFOX_BIN or REDIS_SERVER), optionally as `nobody`. */
function setup(env: Record<string, string> = {}, options: { asNobody?: boolean } = {}) {
  const run = spawnSync(process.execPath, [SCRIPT], {
    env: { PATH: `${fakeBin}:/usr/bin:/bin`, TMPDIR: dir, IG_EMBED_SETUP_ROOT: root, ...env },
    encoding: 'utf8',
    timeout: 20_000,
    ...(options.asNobody && isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ig-embed-setup-'));
  chmodSync(dir, 0o755); // readable by `nobody`
  root = join(dir, 'root');
  fakeBin = join(dir, 'bin');
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  mkdirSync(fakeBin);
  fakeAptGet();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every tool the suites launch, each printing a version. */
function allTools(): void {
  fakeTool('chromium', 'Chromium 156.0');
  fakeTool('firefox-esr', 'Mozilla Firefox 153.8.0esr');
  fakeTool('redis-server', 'Redis server v=7.0.15 sha=00000000:0');
}

describe('setup-tools with every tool installed', () => {
  test('passes silently outside CI and runs no apt-get', () => {
    allTools();
    assert.deepEqual(setup(), { code: 0, stdout: '', stderr: '' });
    assert.deepEqual(aptCalls(), []);
  });

  test('under CI=true logs the versions in one line', () => {
    allTools();
    assert.deepEqual(setup({ CI: 'true' }), {
      code: 0, stdout: '', stderr: 'setup: Chromium 156.0; Mozilla Firefox 153.8.0esr; Redis server v=7.0.15 sha=00000000:0\n',
    });
  });

  test('under CI=true a tool whose --version fails stops the run', () => {
    allTools();
    writeExecutable(join(root, 'usr/bin/firefox-esr'), 'exit 3');
    assert.deepEqual(setup({ CI: 'true' }), {
      code: 1, stdout: '',
      stderr: `setup: Firefox ESR (${root}/usr/bin/firefox-esr) is installed but \`--version\` failed (exit 3)\n`,
    });
  });
});

describe('setup-tools when it cannot install (not root)', () => {
  test('a missing Firefox stops at once with one line naming the apt-get command, outside CI too', () => {
    allTools();
    rmSync(join(root, 'usr/bin/firefox-esr'));
    assert.deepEqual(setup({}, { asNobody: true }), {
      code: 1, stdout: '',
      stderr: `setup: Firefox ESR (${root}/usr/bin/firefox-esr) is missing; install as root: apt-get update && apt-get install -y firefox-esr\n`,
    });
    assert.deepEqual(aptCalls(), []);
  });

  test('a missing redis-server stops just as a missing browser does', () => {
    allTools();
    rmSync(join(root, 'usr/bin/redis-server'));
    assert.deepEqual(setup({}, { asNobody: true }), {
      code: 1, stdout: '',
      stderr: `setup: redis-server (${root}/usr/bin/redis-server) is missing; install as root: apt-get update && apt-get install -y redis-server\n`,
    });
  });

  test('under CI=true every missing tool is named in the one line', () => {
    assert.deepEqual(setup({ CI: 'true' }, { asNobody: true }), {
      code: 1, stdout: '',
      stderr: `setup: Chromium (${root}/usr/bin/chromium), Firefox ESR (${root}/usr/bin/firefox-esr) and redis-server (${root}/usr/bin/redis-server) are missing; `
        + 'install as root: apt-get update && apt-get install -y chromium firefox-esr redis-server\n',
    });
    assert.deepEqual(aptCalls(), []);
  });
});

describe('setup-tools as root', { skip: isRoot ? false : 'needs root (apt-get runs only as root)' }, () => {
  test('installs the missing tools with apt-get, saying so in one line', () => {
    fakeTool('chromium', 'Chromium 156.0');
    assert.deepEqual(setup(), {
      code: 0, stdout: '',
      stderr: `setup: installing firefox-esr redis-server with apt-get (Firefox ESR (${root}/usr/bin/firefox-esr) and redis-server (${root}/usr/bin/redis-server) are missing)\n`,
    });
    assert.deepEqual(aptCalls(), ['DEBIAN_FRONTEND=noninteractive update -qq', 'DEBIAN_FRONTEND=noninteractive install -y -qq firefox-esr redis-server']);
  });

  test('under CI=true installs all three and then logs the installed versions', () => {
    const run = setup({ CI: 'true' });
    assert.deepEqual(run, {
      code: 0, stdout: '',
      stderr: `setup: installing chromium firefox-esr redis-server with apt-get (Chromium (${root}/usr/bin/chromium), Firefox ESR (${root}/usr/bin/firefox-esr) and redis-server (${root}/usr/bin/redis-server) are missing)\n`
        + 'setup: installed chromium; installed firefox-esr; installed redis-server\n',
    });
  });

  test('a failing apt-get stops with one line naming its log and the command to run', () => {
    fakeAptGet(100);
    allTools();
    rmSync(join(root, 'usr/bin/firefox-esr'));
    const run = setup();
    const log = join(dir, 'ig-embed-setup-apt.log');
    assert.deepEqual(run, {
      code: 1, stdout: '',
      stderr: `setup: installing firefox-esr with apt-get (Firefox ESR (${root}/usr/bin/firefox-esr) is missing)\n`
        + `setup: apt-get failed (exit 100; log: ${log}); fix that, then run as root: apt-get update && apt-get install -y firefox-esr\n`,
    });
    assert.equal(existsSync(log), true);
  });

  test('an apt-get that succeeds without installing the tool stops, naming what is still missing', () => {
    writeExecutable(join(fakeBin, 'apt-get'), 'exit 0');
    fakeTool('chromium', 'Chromium 156.0');
    fakeTool('firefox-esr', 'Mozilla Firefox 153.8.0esr');
    assert.deepEqual(setup(), {
      code: 1, stdout: '',
      stderr: `setup: installing redis-server with apt-get (redis-server (${root}/usr/bin/redis-server) is missing)\n`
        + `setup: redis-server (${root}/usr/bin/redis-server) is still missing after apt-get installed redis-server\n`,
    });
  });

  test('without apt-get on the machine it stops with the command to run', () => {
    rmSync(join(fakeBin, 'apt-get'));
    const run = setup({ PATH: fakeBin });
    assert.equal(run.code, 1);
    assert.equal(run.stderr.split('\n')[1], `setup: apt-get failed (ENOENT; log: ${join(dir, 'ig-embed-setup-apt.log')}); `
      + 'fix that, then run as root: apt-get update && apt-get install -y chromium firefox-esr redis-server');
  });
});

// A variable naming a missing program is the user's choice: apt-get would install Debian's package elsewhere.
for (const [variable, value, name, debian] of [
  ['CHROME_PATH', '/opt/chromium/chrome', 'Chromium', 'chromium'],
  ['FIREFOX_BIN', '/opt/firefox/firefox', 'Firefox ESR', 'firefox-esr'],
  ['REDIS_SERVER', '/opt/redis/redis-server', 'redis-server', 'redis-server'],
] as const) {
  test(`a ${variable} that names a missing ${name} stops without installing anything`, () => {
    allTools();
    assert.deepEqual(setup({ [variable]: value }), {
      code: 1, stdout: '',
      stderr: `setup: ${name} (${variable}=${value}) is missing; point ${variable} at one, or unset it to use Debian's ${debian}\n`,
    });
    assert.deepEqual(aptCalls(), []);
  });
}

test('a CHROME_PATH naming Debian\'s own path is the default: a missing Chromium is Debian\'s to install', () => {
  allTools();
  rmSync(join(root, 'usr/bin/chromium'));
  assert.deepEqual(setup({ CHROME_PATH: '/usr/bin/chromium' }, { asNobody: true }), {
    code: 1, stdout: '',
    stderr: `setup: Chromium (${root}/usr/bin/chromium) is missing; install as root: apt-get update && apt-get install -y chromium\n`,
  });
});

test('a REDIS_SERVER that names an installed one is used instead of Debian\'s path', () => {
  fakeTool('chromium', 'Chromium 156.0');
  fakeTool('firefox-esr', 'Mozilla Firefox 153.8.0esr');
  writeExecutable(join(root, 'opt/redis-server'), "echo 'Redis server v=7.2.4'");
  assert.deepEqual(setup({ CI: 'true', REDIS_SERVER: '/opt/redis-server' }), {
    code: 0, stdout: '', stderr: 'setup: Chromium 156.0; Mozilla Firefox 153.8.0esr; Redis server v=7.2.4\n',
  });
});
