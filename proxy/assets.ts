// Static files from the build (the widget script, and the demo when DEMO=1), read and compressed once at boot.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Answer, AnswerRequest } from './answer.js';
import { buildVariant, negotiate, type Variant } from './representation.js';

export interface StaticAsset {
  readonly contentType: string;
  readonly cacheControl: string;
  readonly variant: Variant;
}

export interface StaticAssets {
  /** The asset served at `pathname` (already decoded by nobody: the raw request path), if any. */
  get(pathname: string): StaticAsset | undefined;
  /** Every path served, each relative to where the proxy is mounted (routes.ts gives each its route). */
  readonly paths: string[];
  /** What was found at boot, for the boot log. */
  readonly script: { file: string; hashedFile: string | undefined } | undefined;
  /** The consent adapters' files served (plain and hashed paths), in the manifest's order. */
  readonly consentAdapters: string[];
  readonly demoFiles: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt', '.webmanifest', '.ico']);

const SHORT = 'public, max-age=300';
const IMMUTABLE = 'public, max-age=31536000, immutable';
// Demo pages change with every build; revalidating (ETag → 304) is cheap.
const REVALIDATE = 'no-cache';

/**
 * Where the build output lives (the package's dist/: script/ copied from the widget's build, and demo/ in
 * the repository only): the parent of this module when it runs from dist/proxy/ (the package, `npm run
 * serve`), and `./dist/` beside the sources when it runs from proxy/ (tsx, tests).
 */
export function defaultDistDir(moduleUrl: string = import.meta.url): URL {
  const here = new URL('./', moduleUrl);
  return here.pathname.endsWith('/dist/proxy/') ? new URL('../', here) : new URL('./dist/', here);
}

function asset(bytes: Uint8Array<ArrayBuffer>, path: string, cacheControl: string): StaticAsset {
  const ext = extname(path).toLowerCase();
  return {
    contentType: TYPES[ext] ?? 'application/octet-stream',
    cacheControl,
    variant: buildVariant(bytes, '', COMPRESSIBLE.has(ext)),
  };
}

function safeScriptName(name: unknown): string | undefined {
  return typeof name === 'string' && /^[A-Za-z0-9_-][A-Za-z0-9._-]*\.js$/.test(name) ? name : undefined;
}

/** One file's entry in the build's manifest.json (scripts/script-manifest.mjs); read as untrusted, for its file names only. */
interface BuiltEntry { file?: unknown; hashedFile?: unknown; integrity?: unknown }
type BuiltManifest = BuiltEntry & { consent?: unknown };

/** Run-time discovery of the integrity-pinned script line: GET /ig-embed.manifest.json (no-cache: it changes with each deploy). */
export const MANIFEST_PATH = '/ig-embed.manifest.json';

/** One served script in the discovery manifest: names relative to the manifest's URL, hash and size of the bytes served. */
interface Described { file: string; hashedFile: string; integrity: string; gzipBytes: number }

/**
 * `{file, hashedFile, integrity, gzipBytes}` for a script served at `/file` with its hashed copy at `/hashedFile`,
 * from the bytes loaded (what a browser checks against `integrity`), never from the build's manifest: a file
 * changed after the build must not be advertised with the old hash. gzipBytes is gzip -9 of those bytes, as the
 * build's budget counts it (scripts/script-manifest.mjs).
 */
function describeServed(file: string, hashedFile: string, hashedBytes: Uint8Array): Described {
  return {
    file,
    hashedFile,
    integrity: `sha384-${createHash('sha384').update(hashedBytes).digest('base64')}`,
    gzipBytes: gzipSync(hashedBytes, { level: 9 }).byteLength,
  };
}

function walk(dir: string, prefix: string, out: Array<[string, string]>): void {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const full = `${dir}/${name}`;
    if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`, out);
    else out.push([`${prefix}${name}`, full]);
  }
}

/**
 * Reads dist/script (always, when built) and dist/demo (when `demo`) into memory. Missing output is
 * not an error (the proxy works without the widget); `warn` says what is missing.
 */
export function loadStaticAssets(options: { distDir: URL; demo: boolean; warn?: (msg: string) => void }): StaticAssets {
  const files = new Map<string, StaticAsset>();
  const warn = options.warn ?? (() => {});
  let script: StaticAssets['script'];
  const consentAdapters: string[] = [];
  let demoFiles = 0;

  const scriptDir = fileURLToPath(new URL('script/', options.distDir));
  /** Serves `name` from dist/script at `/name` when it is a plain file name, was built and is not served already; its bytes. */
  const serveScript = (name: string | undefined, cacheControl: string): Uint8Array<ArrayBuffer> | undefined => {
    // Never in place of a file already served (a broken manifest naming ig-embed.js as an adapter, say).
    if (!name || files.has(`/${name}`) || !existsSync(scriptDir + name)) return undefined;
    const bytes = new Uint8Array(readFileSync(scriptDir + name));
    files.set(`/${name}`, asset(bytes, name, cacheControl));
    return bytes;
  };
  const manifestPath = `${scriptDir}manifest.json`;
  if (existsSync(manifestPath)) {
    let manifest: BuiltManifest = {};
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest ?? {};
    } catch {
      // A half-written build must not stop the proxy; the unhashed script is still worth serving.
      warn('dist/script/manifest.json is not valid JSON: serving ig-embed.js without its hashed copy');
    }
    // Names only, never paths: the manifest decides which files under dist/script are read.
    const file = safeScriptName(manifest.file) ?? 'ig-embed.js';
    const hashed = safeScriptName(manifest.hashedFile);
    if (existsSync(scriptDir + file)) {
      files.set('/ig-embed.js', asset(new Uint8Array(readFileSync(scriptDir + file)), file, SHORT));
      const hashedBytes = hashed === undefined ? undefined : serveScript(hashed, IMMUTABLE);
      script = { file: '/ig-embed.js', hashedFile: hashedBytes ? `/${hashed}` : undefined };
      // The consent adapters ig-embed.js loads from its own directory (data-consent="<adapter>"): like
      // it, the plain names short-lived and the hashed copies immutable.
      const consent: Record<string, Described> = {};
      const builtIntegrity = new Map<string, unknown>([[hashed ?? '', manifest.integrity]]);
      const entries = manifest.consent && typeof manifest.consent === 'object' ? Object.entries(manifest.consent as Record<string, BuiltEntry | null>) : [];
      for (const [name, entry] of entries) {
        const plain = safeScriptName(entry?.file);
        const hashedAdapter = safeScriptName(entry?.hashedFile);
        const plainBytes = serveScript(plain, SHORT);
        if (plainBytes) consentAdapters.push(`/${plain}`);
        const hashedAdapterBytes = serveScript(hashedAdapter, IMMUTABLE);
        if (hashedAdapterBytes) consentAdapters.push(`/${hashedAdapter}`);
        // Listed only when both files are served: the manifest names no file that answers 404.
        if (plainBytes && hashedAdapterBytes && /^[a-z0-9-]{1,32}$/.test(name)) {
          consent[name] = describeServed(plain!, hashedAdapter!, hashedAdapterBytes);
          builtIntegrity.set(hashedAdapter!, entry?.integrity);
        }
      }
      if (hashedBytes) {
        // `file` is what the proxy serves (always /ig-embed.js), whatever name the build gave it.
        const served = { ...describeServed('ig-embed.js', hashed!, hashedBytes), consent };
        for (const described of [served, ...Object.values(consent)]) {
          const built = builtIntegrity.get(described.hashedFile);
          if (typeof built === 'string' && built !== described.integrity) {
            warn(`dist/script/${described.hashedFile} changed after the build (its sha384 is not manifest.json's): ${MANIFEST_PATH} advertises the integrity of the bytes served`);
          }
        }
        files.set(MANIFEST_PATH, asset(new TextEncoder().encode(`${JSON.stringify(served, null, 2)}\n`), MANIFEST_PATH, REVALIDATE));
      }
    }
  }
  if (!script) {
    warn('widget script missing (no dist/script/ig-embed.js): GET /ig-embed.js answers 404. In the repository, `npm run build` builds it; '
      + 'the ig-embed-proxy package ships it, so from npm the install is incomplete: reinstall the package');
  }

  if (options.demo) {
    const demoDir = fileURLToPath(new URL('demo/', options.distDir));
    if (existsSync(demoDir)) {
      const list: Array<[string, string]> = [];
      walk(demoDir.replace(/\/$/, ''), '/', list);
      for (const [path, full] of list) {
        // The widget's scripts come from dist/script, whatever the demo build holds.
        if (path === '/ig-embed.js' || path === MANIFEST_PATH || path === script?.hashedFile || consentAdapters.includes(path)) continue;
        // Vite puts content-hashed files under /assets/.
        const cacheControl = path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE;
        const a = asset(new Uint8Array(readFileSync(full)), path, cacheControl);
        files.set(path, a);
        if (path.endsWith('/index.html')) files.set(path.slice(0, -'index.html'.length), a);
        else if (path.endsWith('.html')) files.set(path.slice(0, -'.html'.length), a);
        demoFiles++;
      }
    } else {
      // The demo is in no published package: from npm, DEMO=1 serves the proxy and the widget without it.
      warn('DEMO=1 but there is no demo (dist/demo missing): serving no demo pages. The demo is built in the repository (`npm run build`), not shipped in the ig-embed-proxy package');
    }
  }

  return {
    get: (pathname) => files.get(pathname),
    paths: [...files.keys()],
    script,
    consentAdapters,
    demoFiles,
  };
}

/** The answer to GET for `asset`: the representation Accept-Encoding allows, or 304 when If-None-Match holds its ETag. */
export function assetAnswer(asset: StaticAsset, request: AnswerRequest): Answer {
  const answer = negotiate(asset.variant, asset.contentType, request);
  answer.headers.push(
    'cache-control', asset.cacheControl,
    'vary', 'Accept-Encoding',
    'x-content-type-options', 'nosniff',
    // Public files: readable cross-origin, so `<script crossorigin integrity=…>` works anywhere.
    'access-control-allow-origin', '*',
    'x-request-id', request.requestId,
  );
  return answer;
}
