// Mounted under a sub-path (`app.route('/ig', proxy)`) in a user's Hono app, over real HTTP: the oEmbed
// route, the widget's files and the discovery manifest all live under /ig, and nothing leaks to /.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { createProxy, type ProxyApp } from '../../proxy/app.js';
import { canaryConfig, oembedPath, POST } from './harness.js';

const silent = { info() {}, warn() {}, error() {} };
const SCRIPT = `(()=>{${'customElements.define("ig-embed",class extends HTMLElement{});'.repeat(20)}})();\n`;
const ADAPTER = '(()=>{window.addEventListener("CookiebotOnAccept",()=>{})})();\n';
const sri = (code: string) => `sha384-${createHash('sha384').update(code).digest('base64')}`;

/** A build output like scripts/script-manifest.mjs writes it, with the integrity of the real bytes. */
function builtDist(manifest?: object): URL {
  const dir = mkdtempSync(join(tmpdir(), 'ig-embed-subpath-'));
  mkdirSync(join(dir, 'script'));
  writeFileSync(join(dir, 'script/ig-embed.js'), SCRIPT);
  writeFileSync(join(dir, 'script/ig-embed.0123abcd.js'), SCRIPT);
  writeFileSync(join(dir, 'script/ig-embed.consent-cookiebot.js'), ADAPTER);
  writeFileSync(join(dir, 'script/ig-embed.consent-cookiebot.4567cdef.js'), ADAPTER);
  writeFileSync(join(dir, 'script/manifest.json'), JSON.stringify(manifest ?? {
    file: 'ig-embed.js', hashedFile: 'ig-embed.0123abcd.js', integrity: sri(SCRIPT), gzipBytes: gzipSync(SCRIPT, { level: 9 }).byteLength,
    consent: { cookiebot: { file: 'ig-embed.consent-cookiebot.js', hashedFile: 'ig-embed.consent-cookiebot.4567cdef.js', integrity: sri(ADAPTER), gzipBytes: gzipSync(ADAPTER, { level: 9 }).byteLength } },
  }));
  made.push(dir);
  return pathToFileURL(`${dir}/`);
}

const made: string[] = [];
let server: ServerType;
let base: string;
let proxy: ProxyApp;

before(async () => {
  proxy = createProxy(canaryConfig({ UPSTREAM: 'fixtures' }), { log: silent, distDir: builtDist() });
  const app = new Hono();
  app.get('/', (c) => c.text('my site'));
  app.route('/ig', proxy);
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  proxy.close();
  server.close();
  await once(server, 'close');
  for (const dir of made) rmSync(dir, { recursive: true });
});

describe('mounted with app.route("/ig", proxy), over HTTP', () => {
  test('the oEmbed route answers under /ig', async () => {
    const res = await fetch(`${base}/ig${oembedPath(POST)}`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { provider_name: string }).provider_name, 'Instagram');
  });

  test('the widget script, its hashed copy and the consent adapters are served under /ig, and not at the root', async () => {
    for (const path of ['/ig-embed.js', '/ig-embed.0123abcd.js', '/ig-embed.consent-cookiebot.js', '/ig-embed.consent-cookiebot.4567cdef.js']) {
      const res = await fetch(`${base}/ig${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(await res.text(), path.includes('consent') ? ADAPTER : SCRIPT, path);
      assert.equal((await fetch(`${base}${path}`)).status, 404, `${path} at the root`);
    }
    assert.equal(await (await fetch(`${base}/`)).text(), 'my site');
  });

  test('GET /ig/ig-embed.manifest.json: {file, hashedFile, integrity, gzipBytes} (no-cache), and the integrity holds for the hashed file', async () => {
    const res = await fetch(`${base}/ig/ig-embed.manifest.json`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const manifest = (await res.json()) as { file: string; hashedFile: string; integrity: string; gzipBytes: number; consent: Record<string, unknown> };
    assert.deepEqual(Object.keys(manifest), ['file', 'hashedFile', 'integrity', 'gzipBytes', 'consent']);
    assert.deepEqual([manifest.file, manifest.hashedFile, manifest.gzipBytes], ['ig-embed.js', 'ig-embed.0123abcd.js', gzipSync(SCRIPT, { level: 9 }).byteLength]);
    // The names are relative to the manifest's URL: resolved against it they reach the files under /ig.
    const hashed = await (await fetch(new URL(manifest.hashedFile, res.url))).text();
    assert.equal(manifest.integrity, sri(hashed));
    assert.deepEqual(Object.keys(manifest.consent), ['cookiebot']);
    const again = await fetch(`${base}/ig/ig-embed.manifest.json`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    assert.equal(again.status, 304);
  });
});

test('a build manifest without the integrity still gets the manifest route, with the served bytes\' integrity', async () => {
  const half = createProxy(canaryConfig(), { log: silent, distDir: builtDist({ file: 'ig-embed.js', hashedFile: 'ig-embed.0123abcd.js' }) });
  assert.equal((await half.request('/ig-embed.js')).status, 200);
  const res = await half.request('/ig-embed.manifest.json');
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { integrity: string }).integrity, sri(SCRIPT));
  half.close();
});
