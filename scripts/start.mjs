// `npm start`: build when the build is missing or older than any source, then run the built server with the demo on.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
// In proxy/dist/, outside the package's files (proxy/package.json "files"), so it is never published.
const stamp = `${root}proxy/dist/.build-stamp`;
const server = `${root}proxy/dist/proxy/server.js`;
const SOURCES = ['instagram', 'proxy', 'widget', 'demo', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json',
  'tsconfig.build.json', 'tsconfig.types.json', 'vite.config.ts', 'custom-elements-manifest.config.mjs'];

/** Newest modification time under `path` (a file or a directory tree), 0 when it does not exist. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = 0;
  for (const name of readdirSync(path)) {
    // Build output inside the package folders (proxy/dist, widget/dist) is not a source.
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    latest = Math.max(latest, newest(`${path}/${name}`));
  }
  return latest;
}

function needsBuild() {
  if (!existsSync(server) || !existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.some((source) => newest(`${root}${source}`) > built);
}

if (needsBuild()) {
  console.error('start: building (dist is missing or older than the sources)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('start: the build failed; not starting the server');
    process.exit(build.status ?? 1);
  }
  // Dated to the build's end: nothing the build writes (widget/custom-elements.json) counts as a newer source next time.
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

const env = { ...process.env, DEMO: process.env.DEMO ?? '1' };
const child = spawn(process.execPath, [server], { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  if (signal) {
    // Die the same way the server did, so callers see the signal rather than a made-up code.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  else process.exit(code ?? 1);
});
