// Both tarballs as a user gets them, in fresh projects (`node scripts/package-install-check.mjs`, run by .ci/run):
// packs ig-embed and ig-embed-proxy, then for the oldest and the newest hono 4.x of the tested range, installs
// them into a new project with that hono, type-checks a user app that mounts createProxy under /ig (tsc,
// strict, lib checks on: one copy of Hono, the user's), runs it over real HTTP on 127.0.0.1, and runs the bin.
// Needs the build (`npm run build`) and the npm registry (or npm's cache) for the packages' dependencies.
/* global fetch */
import { spawn, spawnSync } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('../', import.meta.url));
const proxyManifest = JSON.parse(readFileSync(`${root}proxy/package.json`, 'utf8'));
const rootManifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
/** The ends of the peer range ig-embed-proxy declares: its floor, and the version the repository's own tests use. */
// HONO_VERSIONS=4.5.0,4.6.20 tries others (to move the floor).
const HONO_VERSIONS = process.env.HONO_VERSIONS?.split(',')
  ?? [proxyManifest.peerDependencies.hono.replace(/^\^/, ''), rootManifest.devDependencies.hono.replace(/^\^/, '')];
const POST = 'https://www.instagram.com/p/fA9uwTtkSN/';

function run(cmd, args, cwd, options = {}) {
  const out = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 300_000, ...options });
  if (out.status !== 0 && !options.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${out.status ?? out.signal}\n${out.stdout}\n${out.stderr}`);
  }
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'ig-embed-install-'));
const failures = [];
try {
  // With the workspaces' prepack (scripts/prepack-check.mjs), as `npm publish` runs it.
  const packed = JSON.parse(run('npm', ['pack', '-w', 'widget', '-w', 'proxy', '--json', '--pack-destination', work], root).stdout);
  const tarball = (name) => join(work, packed.find((p) => p.name === name).filename);
  for (const p of packed) console.log(`install-check: packed ${p.name}@${p.version}: ${p.size} B, ${p.entryCount} files`);

  for (const hono of HONO_VERSIONS) {
    const app = join(work, `app-hono-${hono}`);
    mkdirSync(join(app, 'src'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({
      name: 'user-app', private: true, type: 'module',
      dependencies: {
        hono, '@hono/node-server': proxyManifest.dependencies['@hono/node-server'],
        'ig-embed': `file:${tarball('ig-embed')}`, 'ig-embed-proxy': `file:${tarball('ig-embed-proxy')}`,
        '@types/node': rootManifest.devDependencies['@types/node'],
      },
    }, null, 2));
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, lib: ['ES2023', 'DOM'],
        types: ['node'], skipLibCheck: false, outDir: 'out',
      },
      include: ['src'],
    }, null, 2));
    // The user's app: its own Hono, the proxy mounted under /ig, and the element's types.
    writeFileSync(join(app, 'src/server.ts'), `import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { createProxy, parseConfig, type ProxyApp } from 'ig-embed-proxy';

const proxy: ProxyApp = createProxy(parseConfig({ UPSTREAM: 'fixtures', ALLOWED_ORIGINS: '*' }));
const app = new Hono();
app.get('/', (c) => c.text('my site'));
app.route('/ig', proxy);
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(JSON.stringify({ port: info.port })));
`);
    writeFileSync(join(app, 'src/page.ts'), `import 'ig-embed';
import type { IgEmbedElement } from 'ig-embed/element';
import { connectCookiebot } from 'ig-embed/consent/cookiebot';

const element: IgEmbedElement = document.createElement('ig-embed');
void connectCookiebot;
element.url = '${POST}';
export { element };
`);
    console.log(`install-check: hono@${hono}: npm install`);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app);
    const honoCopies = run('npm', ['ls', 'hono', '--all', '--parseable'], app).stdout.trim().split('\n').filter((line) => line.endsWith('/hono'));
    const installed = JSON.parse(readFileSync(join(app, 'node_modules/hono/package.json'), 'utf8')).version;
    if (honoCopies.length !== 1 || installed !== hono) failures.push(`hono@${hono}: ${honoCopies.length} copies of hono, ${installed} at the top`);

    const tsc = run(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', '.'], app, { allowFail: true });
    if (tsc.status !== 0) failures.push(`hono@${hono}: the user app does not type-check:\n${tsc.stdout}${tsc.stderr}`);
    else console.log(`install-check: hono@${hono}: the user app type-checks (tsc, skipLibCheck off)`);

    if (tsc.status === 0) failures.push(...await serveAndProbe(app, hono));

    const version = run(join(app, 'node_modules/.bin/ig-embed-proxy'), ['--version'], app, { allowFail: true });
    if (version.stdout !== `${proxyManifest.version}\n`) failures.push(`hono@${hono}: ig-embed-proxy --version printed ${JSON.stringify(version.stdout)}`);
    const check = run(join(app, 'node_modules/.bin/ig-embed-proxy'), ['--check'], app, { allowFail: true, env: { PATH: process.env.PATH, PORT: 'eighty' } });
    if (check.status !== 1 || check.stderr !== 'ig-embed: Invalid PORT: expected an integer port 0–65535.\n') failures.push(`hono@${hono}: --check gave ${check.status}: ${check.stderr}`);
    // The package ships no demo: --check says so for DEMO=1, as the boot would (its static files' warnings).
    const demo = run(join(app, 'node_modules/.bin/ig-embed-proxy'), ['--check'], app, { allowFail: true, env: { PATH: process.env.PATH, DEMO: '1', ALLOWED_ORIGINS: '*' } });
    const demoWarnings = demo.stderr.split('\n').filter((line) => line.includes('DEMO=1 but there is no demo'));
    if (demo.status !== 0 || demoWarnings.length !== 1) failures.push(`hono@${hono}: DEMO=1 --check gave ${demo.status}: ${demo.stderr}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Starts the compiled user app and checks the mounted proxy's routes over HTTP; the problems found. */
async function serveAndProbe(app, hono) {
  const problems = [];
  const child = spawn(process.execPath, ['out/server.js'], { cwd: app, env: { PATH: process.env.PATH } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  try {
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`hono@${hono}: the user app did not start: ${stderr}`)), 20_000);
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const match = /\{"port":(\d+)\}/.exec(stdout);
        if (match) { clearTimeout(timer); resolve(Number(match[1])); }
      });
      child.on('exit', (code) => reject(new Error(`hono@${hono}: the user app exited (${code}): ${stderr}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const get = (path) => fetch(base + path).then(async (r) => ({ status: r.status, body: await r.text(), type: r.headers.get('content-type') }));
    const expect = (what, ok) => { if (!ok) problems.push(`hono@${hono}: ${what}`); };
    const oembed = await get(`/ig/instagram_oembed?url=${encodeURIComponent(POST)}`);
    expect(`GET /ig/instagram_oembed answered ${oembed.status}`, oembed.status === 200 && JSON.parse(oembed.body).provider_name === 'Instagram');
    const script = await get('/ig/ig-embed.js');
    expect(`GET /ig/ig-embed.js answered ${script.status}`, script.status === 200 && script.body.includes('ig-embed'));
    const manifest = await get('/ig/ig-embed.manifest.json');
    expect(`GET /ig/ig-embed.manifest.json answered ${manifest.status}`, manifest.status === 200 && JSON.parse(manifest.body).integrity?.startsWith('sha384-'));
    // What it advertises must hold for the bytes this installed proxy serves: a browser checks `integrity` against them.
    const advertised = manifest.status === 200 ? JSON.parse(manifest.body) : { consent: {} };
    for (const [name, entry] of [['ig-embed', advertised], ...Object.entries(advertised.consent ?? {})].filter(([, e]) => e?.hashedFile)) {
      const res = await fetch(new URL(entry.hashedFile, `${base}/ig/ig-embed.manifest.json`));
      const bytes = Buffer.from(await res.arrayBuffer());
      const integrity = `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
      expect(`${name}: GET /ig/${entry.hashedFile} answered ${res.status}`, res.status === 200);
      expect(`${name}: the manifest advertises ${entry.integrity}, the served ${entry.hashedFile} is ${integrity}`, entry.integrity === integrity);
      const gzipBytes = gzipSync(bytes, { level: 9 }).length;
      expect(`${name}: the manifest advertises gzipBytes ${entry.gzipBytes}, the served bytes are ${gzipBytes} gzip -9`, entry.gzipBytes === gzipBytes);
    }
    expect('GET /ig-embed.js at the root is not 404', (await get('/ig-embed.js')).status === 404);
    expect('GET / is not the user\'s page', (await get('/')).body === 'my site');
    if (problems.length === 0) console.log(`install-check: hono@${hono}: the mounted proxy answers /ig/instagram_oembed, /ig/ig-embed.js and /ig/ig-embed.manifest.json over HTTP, whose integrity and gzipBytes hold for the files it serves (${1 + Object.keys(advertised.consent ?? {}).length} checked)`);
  } catch (err) {
    problems.push(String(err.message ?? err));
  } finally {
    child.kill('SIGTERM');
  }
  return problems;
}

for (const failure of failures) console.error(`install-check: FAILED: ${failure}`);
if (failures.length) process.exit(1);
console.log(`install-check: both tarballs install, type-check and serve with hono ${HONO_VERSIONS.join(' and ')}`);
