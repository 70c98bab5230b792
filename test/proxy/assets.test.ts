// Static files: manifest reading, cache lifetimes, the demo only when asked, ETag/304, and a missing or broken build as a warning.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, describe, test } from 'node:test';
import { toResponse } from '../../proxy/answer.js';
import { assetAnswer, defaultDistDir, loadStaticAssets, MANIFEST_PATH, type StaticAsset, type StaticAssets } from '../../proxy/assets.js';
import { parseConfig } from '../../proxy/config.js';

const SCRIPT = `(()=>{${'customElements.define("ig-embed",class extends HTMLElement{});'.repeat(20)}})();\n`;
/** What scripts/script-manifest.mjs writes for these bytes: their SRI hash and gzip -9 size. */
const sri = (code: string | Buffer) => `sha384-${createHash('sha384').update(code).digest('base64')}`;
const gzipBytes = (code: string | Buffer) => gzipSync(code, { level: 9 }).byteLength;
const made: string[] = [];
after(() => { for (const dir of made) rmSync(dir, { recursive: true }); });

/** A dist/ directory holding `files` (path → contents); returns its file: URL with a trailing slash. */
function dist(files: Record<string, string | Buffer>): URL {
  const dir = mkdtempSync(join(tmpdir(), 'ig-embed-assets-'));
  made.push(dir);
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
  return pathToFileURL(`${dir}/`);
}

const BUILT = {
  'script/ig-embed.js': SCRIPT,
  'script/ig-embed.0123abcd.js': SCRIPT,
  'script/manifest.json': JSON.stringify({ file: 'ig-embed.js', hashedFile: 'ig-embed.0123abcd.js', integrity: sri(SCRIPT), gzipBytes: gzipBytes(SCRIPT) }),
  'demo/index.html': `<!doctype html><title>demo</title>${'<p>An embedded post.</p>'.repeat(20)}`,
  'demo/cms.html': '<!doctype html><title>cms</title>',
  'demo/assets/app-1234.js': 'console.log(1);'.repeat(20),
  'demo/favicon.svg': `<svg xmlns="http://www.w3.org/2000/svg">${'<path d="M0 0h1v1z"/>'.repeat(20)}</svg>`,
  'demo/photo.png': Buffer.alloc(2048, 0x89),
  'demo/.DS_Store': 'junk',
};

function load(files: Record<string, string | Buffer>, demo: boolean) {
  const warnings: string[] = [];
  const assets = loadStaticAssets({ distDir: dist(files), demo, warn: (msg) => warnings.push(msg) });
  return { assets, warnings };
}

const summary = (a: StaticAsset | undefined) => a && { type: a.contentType, cache: a.cacheControl, gzip: a.variant.gzip !== undefined };

describe('loadStaticAssets', () => {
  test('reads the manifest: /ig-embed.js for 5 minutes, the hashed copy immutable, both compressed', () => {
    const { assets, warnings } = load(BUILT, false);
    assert.deepEqual(warnings, []);
    assert.deepEqual(assets.script, { file: '/ig-embed.js', hashedFile: '/ig-embed.0123abcd.js' });
    assert.deepEqual(summary(assets.get('/ig-embed.js')), { type: 'text/javascript; charset=utf-8', cache: 'public, max-age=300', gzip: true });
    assert.deepEqual(summary(assets.get('/ig-embed.0123abcd.js')), { type: 'text/javascript; charset=utf-8', cache: 'public, max-age=31536000, immutable', gzip: true });
    assert.equal(new TextDecoder().decode(assets.get('/ig-embed.js')?.variant.identity.body), SCRIPT);
  });

  test('serves the consent adapters the manifest lists: plain names for 5 minutes, hashed copies immutable, both compressed', () => {
    const adapter = `(()=>{${'window.addEventListener("CookiebotOnAccept",()=>{});'.repeat(20)}})();\n`;
    const { assets, warnings } = load({
      ...BUILT,
      'script/ig-embed.consent-cookiebot.js': adapter,
      'script/ig-embed.consent-cookiebot.89abcdef.js': adapter,
      'script/ig-embed.consent-tcf.js': 'tcf',
      'script/manifest.json': JSON.stringify({
        file: 'ig-embed.js', hashedFile: 'ig-embed.0123abcd.js', integrity: sri(SCRIPT), gzipBytes: gzipBytes(SCRIPT),
        consent: {
          cookiebot: { file: 'ig-embed.consent-cookiebot.js', hashedFile: 'ig-embed.consent-cookiebot.89abcdef.js', integrity: sri(adapter), gzipBytes: gzipBytes(adapter) },
          // Its hashed copy was not built: the plain name is still served.
          tcf: { file: 'ig-embed.consent-tcf.js', hashedFile: 'ig-embed.consent-tcf.00000000.js' },
        },
      }),
    }, false);
    assert.deepEqual(warnings, []);
    assert.deepEqual(assets.consentAdapters, ['/ig-embed.consent-cookiebot.js', '/ig-embed.consent-cookiebot.89abcdef.js', '/ig-embed.consent-tcf.js']);
    assert.deepEqual(summary(assets.get('/ig-embed.consent-cookiebot.js')), { type: 'text/javascript; charset=utf-8', cache: 'public, max-age=300', gzip: true });
    assert.deepEqual(summary(assets.get('/ig-embed.consent-cookiebot.89abcdef.js')), { type: 'text/javascript; charset=utf-8', cache: 'public, max-age=31536000, immutable', gzip: true });
    assert.equal(new TextDecoder().decode(assets.get('/ig-embed.consent-cookiebot.js')?.variant.identity.body), adapter);
    assert.equal(new TextDecoder().decode(assets.get('/ig-embed.consent-tcf.js')?.variant.identity.body), 'tcf');
    assert.equal(assets.get('/ig-embed.consent-tcf.00000000.js'), undefined);
  });

  test('adapter names are file names, never paths, and never replace ig-embed.js or a file the demo build holds', () => {
    const { assets } = load({
      ...BUILT,
      'script/evil.js': 'EVIL',
      'demo/ig-embed.consent-onetrust.js': 'FROM THE DEMO',
      'script/ig-embed.consent-onetrust.js': 'onetrust',
      'script/manifest.json': JSON.stringify({
        file: 'ig-embed.js', hashedFile: 'ig-embed.0123abcd.js',
        consent: {
          a: { file: '../demo/cms.html' }, b: { file: 'ig-embed.js', hashedFile: 'ig-embed.0123abcd.js' }, c: null, d: 'evil.js',
          onetrust: { file: 'ig-embed.consent-onetrust.js' },
        },
      }),
    }, true);
    assert.deepEqual(assets.consentAdapters, ['/ig-embed.consent-onetrust.js']);
    assert.equal(new TextDecoder().decode(assets.get('/ig-embed.js')?.variant.identity.body), SCRIPT);
    assert.equal(new TextDecoder().decode(assets.get('/ig-embed.consent-onetrust.js')?.variant.identity.body), 'onetrust');
    assert.equal(assets.get('/evil.js'), undefined);
  });

  test('the demo is off unless asked (DEMO=1): no page, no asset, no count', () => {
    assert.equal(parseConfig({}).demo, false);
    const { assets, warnings } = load(BUILT, parseConfig({}).demo);
    assert.deepEqual([assets.demoFiles, assets.get('/'), assets.get('/index.html'), assets.get('/assets/app-1234.js'), warnings],
      [0, undefined, undefined, undefined, []]);
  });

  test('with DEMO=1 the demo is served: pages revalidate, /assets/ is immutable, dotfiles are skipped', () => {
    const { assets } = load(BUILT, parseConfig({ DEMO: '1' }).demo);
    assert.equal(assets.demoFiles, 5);
    assert.equal(assets.get('/'), assets.get('/index.html'));
    assert.equal(assets.get('/cms'), assets.get('/cms.html'));
    assert.deepEqual(summary(assets.get('/')), { type: 'text/html; charset=utf-8', cache: 'no-cache', gzip: true });
    assert.deepEqual(summary(assets.get('/assets/app-1234.js')), { type: 'text/javascript; charset=utf-8', cache: 'public, max-age=31536000, immutable', gzip: true });
    assert.deepEqual(summary(assets.get('/favicon.svg')), { type: 'image/svg+xml', cache: 'no-cache', gzip: true });
    // Already compressed formats are stored once, however compressible (these bytes are).
    assert.deepEqual(summary(assets.get('/photo.png')), { type: 'image/png', cache: 'no-cache', gzip: false });
    assert.equal(assets.get('/.DS_Store'), undefined);
  });

  test('a missing dist/ is a warning, not a crash: the proxy runs without the widget and the demo', () => {
    const { assets, warnings } = load({}, true);
    assert.deepEqual([assets.script, assets.demoFiles, assets.get('/ig-embed.js')], [undefined, 0, undefined]);
    assert.deepEqual(warnings, [
      'widget script missing (no dist/script/ig-embed.js): GET /ig-embed.js answers 404. In the repository, `npm run build` builds it; '
        + 'the ig-embed-proxy package ships it, so from npm the install is incomplete: reinstall the package',
      'DEMO=1 but there is no demo (dist/demo missing): serving no demo pages. The demo is built in the repository (`npm run build`), not shipped in the ig-embed-proxy package',
    ]);
  });

  test('a manifest that is not JSON is a warning; the unhashed script is still served', () => {
    const { assets, warnings } = load({ 'script/manifest.json': '{"file": "ig-emb', 'script/ig-embed.js': SCRIPT }, false);
    assert.deepEqual(assets.script, { file: '/ig-embed.js', hashedFile: undefined });
    assert.deepEqual(warnings, ['dist/script/manifest.json is not valid JSON: serving ig-embed.js without its hashed copy']);
  });

  test('manifest names are file names, never paths: anything else falls back to ig-embed.js and no hashed copy', () => {
    const { assets } = load({
      'script/manifest.json': JSON.stringify({ file: '../demo/secret.js', hashedFile: '/etc/hosts.js' }),
      'script/ig-embed.js': SCRIPT,
      'demo/secret.js': 'SECRET',
    }, false);
    assert.deepEqual(assets.script, { file: '/ig-embed.js', hashedFile: undefined });
    assert.equal(new TextDecoder().decode(assets.get('/ig-embed.js')?.variant.identity.body), SCRIPT);
  });

  test('a manifest naming a hashed copy that was not built serves the script without it', () => {
    const { assets, warnings } = load({ 'script/manifest.json': BUILT['script/manifest.json'], 'script/ig-embed.js': SCRIPT }, false);
    assert.deepEqual([assets.script, assets.get('/ig-embed.0123abcd.js'), warnings], [{ file: '/ig-embed.js', hashedFile: undefined }, undefined, []]);
  });
});

describe('/ig-embed.manifest.json describes the files served, not the build\'s manifest', () => {
  const ADAPTER = `(()=>{${'window.addEventListener("CookiebotOnAccept",()=>{});'.repeat(20)}})();\n`;
  const WITH_ADAPTER = {
    ...BUILT,
    'script/ig-embed.consent-cookiebot.js': ADAPTER,
    'script/ig-embed.consent-cookiebot.89abcdef.js': ADAPTER,
    'script/manifest.json': JSON.stringify({
      file: 'ig-embed.js', hashedFile: 'ig-embed.0123abcd.js', integrity: sri(SCRIPT), gzipBytes: gzipBytes(SCRIPT),
      consent: { cookiebot: { file: 'ig-embed.consent-cookiebot.js', hashedFile: 'ig-embed.consent-cookiebot.89abcdef.js', integrity: sri(ADAPTER), gzipBytes: gzipBytes(ADAPTER) } },
    }),
  };
  const manifestOf = (assets: StaticAssets) => JSON.parse(Buffer.from(assets.get(MANIFEST_PATH)!.variant.identity.body).toString('utf8')) as unknown;
  const served = (assets: StaticAssets, path: string) => Buffer.from(assets.get(path)!.variant.identity.body);
  /** Loads `distDir` as the boot does, with its warnings. */
  const boot = (distDir: URL) => {
    const warnings: string[] = [];
    return { assets: loadStaticAssets({ distDir, demo: false, warn: (msg) => warnings.push(msg) }), warnings };
  };

  test('as built: the build\'s values, file names relative to the manifest, every adapter', () => {
    const { assets, warnings } = boot(dist(WITH_ADAPTER));
    assert.deepEqual(warnings, []);
    assert.deepEqual(manifestOf(assets), {
      file: 'ig-embed.js', hashedFile: 'ig-embed.0123abcd.js', integrity: sri(SCRIPT), gzipBytes: gzipBytes(SCRIPT),
      consent: { cookiebot: { file: 'ig-embed.consent-cookiebot.js', hashedFile: 'ig-embed.consent-cookiebot.89abcdef.js', integrity: sri(ADAPTER), gzipBytes: gzipBytes(ADAPTER) } },
    });
  });

  test('a hashed file changed after the build: integrity and gzipBytes are the served bytes\', with a warning', () => {
    const original = dist(WITH_ADAPTER);
    // A temp copy of the script dir, so the build's files stay as they were.
    const copy = pathToFileURL(`${mkdtempSync(join(tmpdir(), 'ig-embed-assets-copy-'))}/`);
    made.push(fileURLToPath(copy));
    cpSync(fileURLToPath(new URL('script/', original)), fileURLToPath(new URL('script/', copy)), { recursive: true });
    appendFileSync(fileURLToPath(new URL('script/ig-embed.0123abcd.js', copy)), ';');
    appendFileSync(fileURLToPath(new URL('script/ig-embed.consent-cookiebot.89abcdef.js', copy)), '\n');
    const { assets, warnings } = boot(copy);
    const script = served(assets, '/ig-embed.0123abcd.js');
    const adapter = served(assets, '/ig-embed.consent-cookiebot.89abcdef.js');
    assert.equal(script.toString('utf8'), `${SCRIPT};`);
    assert.deepEqual(manifestOf(assets), {
      file: 'ig-embed.js', hashedFile: 'ig-embed.0123abcd.js', integrity: sri(script), gzipBytes: gzipBytes(script),
      consent: { cookiebot: { file: 'ig-embed.consent-cookiebot.js', hashedFile: 'ig-embed.consent-cookiebot.89abcdef.js', integrity: sri(adapter), gzipBytes: gzipBytes(adapter) } },
    });
    assert.notEqual(sri(script), sri(SCRIPT));
    assert.deepEqual(warnings, [
      'dist/script/ig-embed.0123abcd.js changed after the build (its sha384 is not manifest.json\'s): /ig-embed.manifest.json advertises the integrity of the bytes served',
      'dist/script/ig-embed.consent-cookiebot.89abcdef.js changed after the build (its sha384 is not manifest.json\'s): /ig-embed.manifest.json advertises the integrity of the bytes served',
    ]);
  });

  test('a consent adapter file missing: the adapter is not listed (no name that answers 404)', () => {
    for (const missing of ['script/ig-embed.consent-cookiebot.js', 'script/ig-embed.consent-cookiebot.89abcdef.js']) {
      const distDir = dist(WITH_ADAPTER);
      unlinkSync(fileURLToPath(new URL(missing, distDir)));
      const { assets } = boot(distDir);
      assert.deepEqual((manifestOf(assets) as { consent: object }).consent, {}, missing);
      assert.equal(assets.get(`/${missing.slice('script/'.length)}`), undefined, missing);
    }
  });

  test('file is ig-embed.js, where the script is served, whatever the build called it', () => {
    const { assets } = boot(dist({
      'script/widget.js': SCRIPT,
      'script/ig-embed.0123abcd.js': SCRIPT,
      'script/manifest.json': JSON.stringify({ file: 'widget.js', hashedFile: 'ig-embed.0123abcd.js', integrity: sri(SCRIPT) }),
    }));
    assert.equal(served(assets, '/ig-embed.js').toString('utf8'), SCRIPT);
    assert.equal(assets.get('/widget.js'), undefined);
    assert.deepEqual(manifestOf(assets), { file: 'ig-embed.js', hashedFile: 'ig-embed.0123abcd.js', integrity: sri(SCRIPT), gzipBytes: gzipBytes(SCRIPT), consent: {} });
  });

  test('no hashed copy served: no manifest (nothing to pin)', () => {
    const { assets } = boot(dist({ 'script/ig-embed.js': SCRIPT, 'script/manifest.json': JSON.stringify({ file: 'ig-embed.js', hashedFile: 'ig-embed.0123abcd.js' }) }));
    assert.deepEqual([assets.get('/ig-embed.js') !== undefined, assets.get(MANIFEST_PATH)], [true, undefined]);
  });
});

describe('assetAnswer', () => {
  const { assets } = load(BUILT, false);
  const script = assets.get('/ig-embed.js')!;
  const assetResponse = (asset: StaticAsset, acceptEncoding: string | undefined, ifNoneMatch: string | undefined, requestId: string) =>
    toResponse(assetAnswer(asset, { requestId, acceptEncoding, ifNoneMatch }));

  test('200 with the accepted encoding, its ETag, CORS for SRI, nosniff and the request id', async () => {
    const res = assetResponse(script, 'gzip', undefined, 'rid-1');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.fromEntries(res.headers), {
      'content-type': 'text/javascript; charset=utf-8', 'content-length': script.variant.gzip!.length, 'cache-control': 'public, max-age=300',
      etag: script.variant.gzip!.etag, vary: 'Accept-Encoding', 'x-content-type-options': 'nosniff', 'access-control-allow-origin': '*',
      'x-request-id': 'rid-1', 'content-encoding': 'gzip',
    });
    assert.equal(gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8'), SCRIPT);
  });

  test('each encoding has its own ETag; If-None-Match with it (weak, in a list, or *) gives 304 without a body', async () => {
    const plain = assetResponse(script, undefined, undefined, 'r');
    const gz = assetResponse(script, 'gzip', undefined, 'r');
    assert.notEqual(plain.headers.get('etag'), gz.headers.get('etag'));
    for (const inm of [gz.headers.get('etag')!, `W/${gz.headers.get('etag')!}`, `"nope", ${gz.headers.get('etag')!}`, '*']) {
      const again = assetResponse(script, 'gzip', inm, 'r');
      assert.equal(again.status, 304, inm);
      assert.deepEqual([again.headers.get('etag'), again.headers.get('content-length'), again.headers.get('content-encoding'), await again.text()],
        [gz.headers.get('etag'), null, null, '']);
    }
    // The identity ETag does not validate the gzip representation.
    assert.equal(assetResponse(script, 'gzip', plain.headers.get('etag')!, 'r').status, 200);
  });
});

test('defaultDistDir: the package dist/ when running from dist/proxy/, proxy/dist/ beside the sources when running from source', () => {
  assert.equal(defaultDistDir('file:///app/dist/proxy/assets.js').href, 'file:///app/dist/');
  assert.equal(defaultDistDir('file:///repo/proxy/assets.ts').href, 'file:///repo/proxy/dist/');
});
