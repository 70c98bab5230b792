// `npm test`'s pretest step: the programs the suites launch (Chromium and Firefox ESR for the widget and
// end-to-end suites, redis-server for the Redis tests) must be installed before anything else runs. As
// root it installs the missing ones from Debian with apt-get, saying so in one line; otherwise, or when
// that fails, it stops at once with one line saying what to run (instead of every test file failing with
// a launch stack trace half a minute later).
//
// Every tool is required, under CI=true and outside it alike: `npm test` is the one gate, and a run that
// skipped Firefox or the Redis tests would be green without having tested them (README "Development").
// Under CI=true it also logs the versions of the tools the run uses.
//
// IG_EMBED_SETUP_ROOT (tests only) is prepended to every tool path, so the tests can point the check at
// an empty or fake tree; apt-get is found on PATH, so they can put a fake one first.
import { closeSync, constants, accessSync, openSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The paths the suites launch: test/support/chromium.mjs (the widget and end-to-end suites) uses CHROME_PATH,
// else /usr/bin/chromium; web-test-runner.firefox.config.mjs uses FIREFOX_BIN, else /usr/bin/firefox-esr; test/support/redis-server.ts
// uses REDIS_SERVER, else /usr/bin/redis-server.
const root = process.env.IG_EMBED_SETUP_ROOT ?? '';
const tool = (name, debian, path, variable) => {
  // A variable naming Debian's own path is the default: installable.
  const named = variable ? process.env[variable] : undefined;
  const chosen = named === path ? undefined : named;
  return { name, debian, path: `${root}${chosen ?? path}`, variable: chosen === undefined ? undefined : `${variable}=${chosen}` };
};
const tools = [
  tool('Chromium', 'chromium', '/usr/bin/chromium', 'CHROME_PATH'),
  tool('Firefox ESR', 'firefox-esr', '/usr/bin/firefox-esr', 'FIREFOX_BIN'),
  tool('redis-server', 'redis-server', '/usr/bin/redis-server', 'REDIS_SERVER'),
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function stop(message) {
  console.error(`setup: ${message}`);
  process.exit(1);
}

const describe = (list) => list.map((t) => `${t.name} (${t.path})`).join(', ').replace(/, (?=[^,]*$)/, ' and ');
const isAre = (list) => (list.length === 1 ? 'is' : 'are');

const missing = tools.filter((t) => !executable(t.path));
const named = missing.find((t) => t.variable);
if (named) {
  // apt-get would install Debian's package at its own path, not at the one the variable names.
  const variable = named.variable.split('=')[0];
  stop(`${named.name} (${named.variable}) is missing; point ${variable} at one, or unset it to use Debian's ${named.debian}`);
}
if (missing.length > 0) {
  const packages = missing.map((t) => t.debian).join(' ');
  const command = `apt-get update && apt-get install -y ${packages}`;
  if (process.getuid?.() !== 0) {
    stop(`${describe(missing)} ${isAre(missing)} missing; install as root: ${command}`);
  }
  console.error(`setup: installing ${packages} with apt-get (${describe(missing)} ${isAre(missing)} missing)`);
  // apt's progress goes to a log, so a successful install stays one line and a failed one points at it.
  const log = join(tmpdir(), 'ig-embed-setup-apt.log');
  const out = openSync(log, 'w');
  const apt = (...args) => spawnSync('apt-get', args, {
    stdio: ['ignore', out, out],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const update = apt('update', '-qq');
  const install = update.status === 0 ? apt('install', '-y', '-qq', ...missing.map((t) => t.debian)) : update;
  closeSync(out);
  if (install.status !== 0) {
    const why = install.error ? install.error.code : `exit ${install.status ?? install.signal}`;
    stop(`apt-get failed (${why}; log: ${log}); fix that, then run as root: ${command}`);
  }
  const still = missing.filter((t) => !executable(t.path));
  if (still.length > 0) stop(`${describe(still)} ${isAre(still)} still missing after apt-get installed ${packages}`);
}

if (process.env.CI === 'true') {
  // CI logs say which tools the run used; one that cannot even print its version would fail every test.
  const versions = tools.map((t) => {
    const run = spawnSync(t.path, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    if (run.status !== 0) stop(`${describe([t])} is installed but \`--version\` failed (${run.error?.code ?? `exit ${run.status ?? run.signal}`})`);
    return run.stdout.trim().split('\n')[0];
  });
  console.error(`setup: ${versions.join('; ')}`);
}
