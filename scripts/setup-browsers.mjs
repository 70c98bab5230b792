// `npm test`'s pretest step: the browsers the widget and end-to-end suites launch must be installed before
// anything else runs. As root it installs the missing ones from Debian with apt-get; otherwise, or when that
// fails, it stops at once with one line saying what to run (instead of every browser test file failing
// with a launch stack trace half a minute later).
//
// Every browser is required, under CI=true and outside it alike: `npm test` runs both browser suites, so
// skipping one would only move the failure. Under CI=true it also logs the browsers' versions.
//
// IG_EMBED_SETUP_ROOT (tests only) is prepended to every browser path, so the tests can point the check at
// an empty or fake tree; apt-get is found on PATH, so they can put a fake one first.
import { closeSync, constants, accessSync, openSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The paths the suites launch: web-test-runner.config.mjs and test/e2e/harness.ts use /usr/bin/chromium;
// web-test-runner.firefox.config.mjs uses FIREFOX_BIN, else /usr/bin/firefox-esr.
const root = process.env.IG_EMBED_SETUP_ROOT ?? '';
const firefoxBin = process.env.FIREFOX_BIN;
const browsers = [
  { name: 'Chromium', debian: 'chromium', path: `${root}/usr/bin/chromium` },
  { name: 'Firefox ESR', debian: 'firefox-esr', path: `${root}${firefoxBin ?? '/usr/bin/firefox-esr'}`, fromVariable: firefoxBin !== undefined },
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

const describe = (list) => list.map((b) => `${b.name} (${b.path})`).join(' and ');
const isAre = (list) => (list.length === 1 ? 'is' : 'are');

const missing = browsers.filter((b) => !executable(b.path));
if (missing.some((b) => b.fromVariable)) {
  // apt-get would install Debian's Firefox at /usr/bin/firefox-esr, not the one FIREFOX_BIN names.
  stop(`Firefox ESR (FIREFOX_BIN=${firefoxBin}) is missing; point FIREFOX_BIN at a Firefox, or unset it to use Debian's firefox-esr`);
}
if (missing.length > 0) {
  const packages = missing.map((b) => b.debian).join(' ');
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
  const install = update.status === 0 ? apt('install', '-y', '-qq', ...missing.map((b) => b.debian)) : update;
  closeSync(out);
  if (install.status !== 0) {
    const why = install.error ? install.error.code : `exit ${install.status ?? install.signal}`;
    stop(`apt-get failed (${why}; log: ${log}); fix that, then run as root: ${command}`);
  }
  const still = missing.filter((b) => !executable(b.path));
  if (still.length > 0) stop(`${describe(still)} ${isAre(still)} still missing after apt-get installed ${packages}`);
}

if (process.env.CI === 'true') {
  // CI logs say which browsers the run used; one that cannot even print its version would fail every test.
  const versions = browsers.map((b) => {
    const run = spawnSync(b.path, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    if (run.status !== 0) stop(`${describe([b])} is installed but \`--version\` failed (${run.error?.code ?? `exit ${run.status ?? run.signal}`})`);
    return run.stdout.trim();
  });
  console.error(`setup: ${versions.join('; ')}`);
}
