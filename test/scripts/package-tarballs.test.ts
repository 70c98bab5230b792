/**
 * What npm would publish, from `npm pack --dry-run --json` over the built workspaces (npm test builds first):
 * `ig-embed` (widget/) and `ig-embed-proxy` (proxy/). No demo, stamps or tests; source maps only with their
 * sources; a LICENSE; the links npm shows; every path the manifests name is in the tarball; sizes within
 * the named budgets below (raise one only with a reason in the commit).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

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
  const out = spawnSync('npm', ['pack', '-w', workspace, '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
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

for (const workspace of ['widget', 'proxy'] as const) {
  describe(`the ${workspace}/ tarball`, () => {
    const { packed, paths, manifest, dir } = pack(workspace);
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
  const widget = pack('widget');
  const proxy = pack('proxy');

  test('ig-embed depends on Lit\'s reactive element, and on @lit/react and react for ig-embed/react only; no ./proxy export', () => {
    assert.deepEqual(Object.keys(widget.manifest.dependencies ?? {}).sort(), ['@lit/react', '@lit/reactive-element']);
    assert.deepEqual(widget.manifest.peerDependencies, { react: '>=18' });
    assert.deepEqual(widget.manifest.peerDependenciesMeta, { react: { optional: true } });
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

  test('the repository root stays private', () => {
    assert.equal(root.private, true);
  });
});
