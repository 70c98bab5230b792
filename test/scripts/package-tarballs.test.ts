/**
 * What npm would publish, from `npm pack --dry-run --json` over the built workspaces (npm test builds first):
 * `ig-embed` (widget/) and `ig-embed-proxy` (proxy/). No demo, stamps or tests; source maps only with their
 * sources; a LICENSE; the links npm shows; every path the manifests name is in the tarball; sizes within
 * the named budgets below (raise one only with a reason in the commit).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { createProxy } from '../../proxy/app.js';
import { parseConfig } from '../../proxy/config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Compressed (.tgz) and unpacked bytes each package may reach. Today: ig-embed ~63 KB / 245 KB, ig-embed-proxy ~124 KB / 415 KB. */
const BUDGETS = {
  'ig-embed': { tarballBytes: 80_000, unpackedBytes: 300_000 },
  'ig-embed-proxy': { tarballBytes: 150_000, unpackedBytes: 500_000 },
} as const;

interface Packed { name: string; version: string; size: number; unpackedSize: number; entryCount: number; files: Array<{ path: string }> }
interface Manifest {
  name: string; version: string; license: string; private?: boolean;
  repository?: { type: string; url: string; directory: string }; homepage?: string; bugs?: { url: string };
  main?: string; types?: string; exports?: Record<string, string | Record<string, string>>; bin?: Record<string, string>;
  customElements?: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string>; engines?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function pack(workspace: 'widget' | 'proxy'): { packed: Packed; paths: Set<string>; manifest: Manifest; dir: string } {
  const dir = `${ROOT}${workspace}/`;
  if (!existsSync(`${dir}dist`)) throw new Error(`${workspace}/dist is missing: run \`npm run build\` first (npm test does)`);
  // With its scripts: the prepack check (scripts/prepack-check.mjs) passes on a built tree.
  const out = spawnSync('npm', ['pack', '-w', workspace, '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(out.status, 0, out.stderr);
  const [packed] = JSON.parse(out.stdout) as Packed[];
  return { packed: packed!, paths: new Set(packed!.files.map((f) => f.path)), manifest: JSON.parse(readFileSync(`${dir}package.json`, 'utf8')) as Manifest, dir };
}

const root = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as Manifest;
const license = readFileSync(`${ROOT}LICENSE`, 'utf8');

/** Every file target named by `exports` (wildcards as their folder), `main`, `types` and `bin`. */
function namedPaths(manifest: Manifest): string[] {
  const targets = Object.values(manifest.exports ?? {}).flatMap((value) => (typeof value === 'string' ? [value] : Object.values(value)));
  return [...targets, manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})]
    .filter((path): path is string => path !== undefined)
    .map((path) => path.replace(/^\.\//, ''));
}

/** Each workspace packed once (`npm pack --dry-run` runs its prepack), for every test below. */
const packs = { widget: pack('widget'), proxy: pack('proxy') } as const;

for (const workspace of ['widget', 'proxy'] as const) {
  describe(`the ${workspace}/ tarball`, () => {
    const { packed, paths, manifest, dir } = packs[workspace];
    const budget = BUDGETS[manifest.name as keyof typeof BUDGETS];

    test(`is ${manifest.name}@${root.version}, under its size budget (sizes printed)`, (t) => {
      t.diagnostic(`${packed.name}@${packed.version}: ${packed.size} B packed, ${packed.unpackedSize} B unpacked, ${packed.entryCount} files`);
      assert.equal(packed.version, root.version);
      assert.ok(budget, `no budget named for ${manifest.name}`);
      assert.ok(packed.size <= budget.tarballBytes, `${packed.size} B packed, over the ${budget.tarballBytes} B budget`);
      assert.ok(packed.unpackedSize <= budget.unpackedBytes, `${packed.unpackedSize} B unpacked, over the ${budget.unpackedBytes} B budget`);
    });

    test('holds no demo, build stamp, test or TypeScript source', () => {
      const strays = [...paths].filter((path) => /(^|\/)(demo|tests?|__tests__|fixtures\/.*\.ts)(\/|$)|\.build-stamp|\.tsbuildinfo|\.test\.|\.spec\.|(?<!\.d)\.ts$/.test(path));
      assert.deepEqual(strays, []);
    });

    test('has source maps only with their sources (today: none)', () => {
      for (const map of [...paths].filter((path) => path.endsWith('.map'))) {
        const { sources, sourcesContent } = JSON.parse(readFileSync(`${dir}${map}`, 'utf8')) as { sources: string[]; sourcesContent?: string[] };
        const base = new URL(map, 'file:///pkg/');
        const missing = sources.filter((source, i) => sourcesContent?.[i] == null && !paths.has(new URL(source, base).pathname.slice('/pkg/'.length)));
        assert.deepEqual(missing, [], `${map} names sources the tarball lacks`);
      }
    });

    test('has the MIT LICENSE file and the repository, homepage and bugs links', () => {
      assert.ok(paths.has('LICENSE'));
      assert.equal(readFileSync(`${dir}LICENSE`, 'utf8'), license, `${workspace}/LICENSE is a copy of the root LICENSE`);
      assert.match(license, /^MIT License\n/);
      assert.equal(manifest.license, 'MIT');
      assert.deepEqual(manifest.repository, { type: 'git', url: 'git+https://github.com/ig-embed/ig-embed.git', directory: workspace });
      assert.equal(manifest.homepage, 'https://github.com/ig-embed/ig-embed#readme');
      assert.deepEqual(manifest.bugs, { url: 'https://github.com/ig-embed/ig-embed/issues' });
      assert.ok(paths.has('README.md'));
    });

    test('ships every file its package.json names', () => {
      const missing = namedPaths(manifest).filter((path) => (path.endsWith('*') ? ![...paths].some((p) => p.startsWith(path.slice(0, -1))) : !paths.has(path)));
      assert.deepEqual(missing, []);
    });
  });
}

describe('the two packages', () => {
  const { widget, proxy } = packs;

  test('ig-embed installs Lit\'s reactive element alone; @lit/react and react are optional peers for ig-embed/react; no ./proxy export', () => {
    assert.deepEqual(Object.keys(widget.manifest.dependencies ?? {}), ['@lit/reactive-element']);
    assert.deepEqual(widget.manifest.peerDependencies, { '@lit/react': '^1.0.8', react: '>=18' });
    assert.deepEqual(widget.manifest.peerDependenciesMeta, { '@lit/react': { optional: true }, react: { optional: true } });
    // The one shipped module that imports them is the ig-embed/react entry: the others pull Lit alone.
    const importers = [...widget.paths]
      .filter((path) => path.endsWith('.js') && /\bfrom\s*["'](?:@lit\/react|react)["']/.test(readFileSync(`${widget.dir}${path}`, 'utf8')));
    assert.deepEqual(importers, ['dist/widget/react.js']);
    assert.equal(widget.manifest.exports?.['./proxy'], undefined);
  });

  test('custom-elements.json names modules that are in the ig-embed tarball', () => {
    assert.equal(widget.manifest.customElements, 'custom-elements.json');
    assert.ok(widget.paths.has('custom-elements.json'));
    const cem = JSON.parse(readFileSync(`${widget.dir}custom-elements.json`, 'utf8')) as { modules: unknown[] };
    const named = new Set<string>();
    const walk = (node: unknown, key?: string): void => {
      if (Array.isArray(node)) node.forEach((item) => walk(item));
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, k);
      else if ((key === 'path' || key === 'module') && typeof node === 'string' && !node.startsWith('.')) named.add(node);
    };
    walk(cem.modules);
    assert.ok(named.has('dist/widget/ig-embed-element.js'), 'the element\'s module');
    assert.deepEqual([...named].filter((path) => !widget.paths.has(path)), []);
  });

  test('ig-embed-proxy has hono as a peer only, its bin, engines, and the widget\'s classic scripts', () => {
    assert.equal(proxy.manifest.dependencies?.hono, undefined);
    assert.match(proxy.manifest.peerDependencies?.hono ?? '', /^\^4\./);
    assert.deepEqual(proxy.manifest.bin, { 'ig-embed-proxy': './dist/proxy/cli.js' });
    assert.match(readFileSync(`${proxy.dir}dist/proxy/cli.js`, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    assert.equal(proxy.manifest.engines?.node, root.engines?.node);
    const scripts = [...widget.paths].filter((path) => path.startsWith('dist/script/'));
    assert.ok(scripts.includes('dist/script/ig-embed.js') && scripts.includes('dist/script/manifest.json'));
    // The same files, byte for byte: the proxy serves the script this build made.
    for (const path of scripts) {
      assert.ok(proxy.paths.has(path), path);
      assert.ok(readFileSync(`${widget.dir}${path}`).equals(readFileSync(`${proxy.dir}${path}`)), `${path} differs`);
    }
  });

  test('the built proxy advertises in /ig-embed.manifest.json the sha384 and gzip -9 size of the bytes it serves, as the build\'s manifest.json says', async () => {
    type Entry = { file: string; hashedFile: string; integrity: string; gzipBytes: number };
    const built = JSON.parse(readFileSync(`${proxy.dir}dist/script/manifest.json`, 'utf8')) as Entry & { consent: Record<string, Entry> };
    const served = createProxy(parseConfig({ UPSTREAM: 'fixtures' }), { log: { info() {}, warn() {}, error() {} }, distDir: pathToFileURL(`${proxy.dir}dist/`) });
    try {
      const advertised = await (await served.request('/ig-embed.manifest.json')).json() as Entry & { consent: Record<string, Entry> };
      assert.deepEqual(Object.keys(advertised.consent), Object.keys(built.consent));
      for (const [name, entry] of [['ig-embed', advertised], ...Object.entries(advertised.consent)] as Array<[string, Entry]>) {
        const bytes = Buffer.from(await (await served.request(`/${entry.hashedFile}`)).arrayBuffer());
        assert.equal(entry.integrity, `sha384-${createHash('sha384').update(bytes).digest('base64')}`, name);
        assert.equal(entry.gzipBytes, gzipSync(bytes, { level: 9 }).byteLength, name);
        assert.ok(bytes.equals(Buffer.from(await (await served.request(`/${entry.file}`)).arrayBuffer())), `${name}: ${entry.file} is its hashed copy`);
      }
      const { consent: _builtConsent, ...builtMain } = built;
      const { consent: _advertisedConsent, ...advertisedMain } = advertised;
      assert.deepEqual([advertisedMain, advertised.consent], [builtMain, built.consent]);
    } finally {
      served.close();
    }
  });

  test('the repository root stays private', () => {
    assert.equal(root.private, true);
  });
});

test('packing a workspace that is not built fails in prepack, with one line naming what is missing', () => {
  for (const workspace of ['widget', 'proxy'] as const) {
    // The workspace's package.json and the check it runs, in the same places, with no build beside them.
    const tree = mkdtempSync(join(tmpdir(), 'ig-embed-prepack-'));
    try {
      mkdirSync(join(tree, workspace));
      mkdirSync(join(tree, 'scripts'));
      copyFileSync(`${ROOT}${workspace}/package.json`, join(tree, workspace, 'package.json'));
      copyFileSync(`${ROOT}scripts/prepack-check.mjs`, join(tree, 'scripts/prepack-check.mjs'));
      const out = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: join(tree, workspace), encoding: 'utf8', timeout: 60_000 });
      const { name, files } = JSON.parse(readFileSync(`${ROOT}${workspace}/package.json`, 'utf8')) as { name: string; files: string[] };
      assert.equal(out.status, 1, workspace);
      const lines = out.stderr.split('\n').filter((line) => line.includes('cannot pack'));
      assert.deepEqual(lines, [`${name}: cannot pack: ${files.join(', ')} missing (not built): run \`npm run build\` at the repository root first`]);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  }
});
