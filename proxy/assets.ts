// Static files from the build (the widget script, and the demo when DEMO=1), read and compressed once at boot.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** One file's entry in the build's manifest.json (scripts/script-manifest.mjs); read as untrusted. */
interface BuiltEntry { file?: unknown; hashedFile?: unknown; integrity?: unknown; gzipBytes?: unknown }
type BuiltManifest = BuiltEntry & { consent?: unknown };

/** Run-time discovery of the integrity-pinned script line: GET /ig-embed.manifest.json (no-cache: it changes with each deploy). */
export const MANIFEST_PATH = '/ig-embed.manifest.json';

/**
 * The body of /ig-embed.manifest.json: `{file, hashedFile, integrity, gzipBytes}` of ig-embed.js, file names
 * relative to the manifest's own URL (so they hold under a sub-path mount too), and `consent.<adapter>` the
 * same for each adapter. Nothing (no route) when the build's manifest lacks the hashed copy or its hash.
 */
function discoveryManifest(manifest: BuiltManifest, hashedServed: boolean): string | undefined {
  const describe = (entry: BuiltEntry | null | undefined) => {
    const file = safeScriptName(entry?.file);
    const hashedFile = safeScriptName(entry?.hashedFile);
    const integrity = typeof entry?.integrity === 'string' && /^sha(256|384|512)-[A-Za-z0-9+/=]+$/.test(entry.integrity) ? entry.integrity : undefined;
    const gzipBytes = Number.isSafeInteger(entry?.gzipBytes) ? entry?.gzipBytes as number : undefined;
    return file && hashedFile && integrity && gzipBytes !== undefined ? { file, hashedFile, integrity, gzipBytes } : undefined;
  };
  const main = describe(manifest);
  if (!main || !hashedServed) return undefined;
  const consent: Record<string, ReturnType<typeof describe>> = {};
  if (manifest.consent && typeof manifest.consent === 'object') {
    for (const [name, entry] of Object.entries(manifest.consent as Record<string, BuiltEntry | null>)) {
      const described = /^[a-z0-9-]{1,32}$/.test(name) ? describe(entry) : undefined;
      if (described) consent[name] = described;
    }
  }
  return `${JSON.stringify({ ...main, consent }, null, 2)}\n`;
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
  /** Serves `name` from dist/script at `/name` when it is a plain file name and was built. */
  const serveScript = (name: string | undefined, cacheControl: string): boolean => {
    if (!name || !existsSync(scriptDir + name)) return false;
    files.set(`/${name}`, asset(new Uint8Array(readFileSync(scriptDir + name)), name, cacheControl));
    return true;
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
      const bytes = new Uint8Array(readFileSync(scriptDir + file));
      files.set('/ig-embed.js', asset(bytes, file, SHORT));
      script = { file: '/ig-embed.js', hashedFile: serveScript(hashed, IMMUTABLE) ? `/${hashed}` : undefined };
      // The consent adapters ig-embed.js loads from its own directory (data-consent="<adapter>"): like
      // it, the plain names short-lived and the hashed copies immutable.
      const consent = manifest.consent && typeof manifest.consent === 'object' ? Object.values(manifest.consent) : [];
      for (const entry of consent as Array<{ file?: unknown; hashedFile?: unknown } | null>) {
        for (const [name, cacheControl] of [[safeScriptName(entry?.file), SHORT], [safeScriptName(entry?.hashedFile), IMMUTABLE]] as const) {
          // Never in place of a file already served (a broken manifest naming ig-embed.js, say).
          if (name && !files.has(`/${name}`) && serveScript(name, cacheControl)) consentAdapters.push(`/${name}`);
        }
      }
      const discovery = discoveryManifest(manifest, script.hashedFile !== undefined);
      if (discovery) files.set(MANIFEST_PATH, asset(new TextEncoder().encode(discovery), MANIFEST_PATH, REVALIDATE));
    }
  }
  if (!script) warn('widget script not built (dist/script missing): GET /ig-embed.js answers 404 until `npm run build`');

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
