// What the example and type-test suites share: the packed tarball, a copy of a project that installs it, commands
// with a deadline, and a static server for a built site that forwards /instagram_oembed to the proxy.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The folder whose package.json is the element package `ig-embed`. */
export const ELEMENT_PACKAGE = join(ROOT, 'widget');

export interface Result { code: number | null; output: string }

/**
 * Runs a command in `cwd` and resolves with its exit code and everything it printed; kills it after `timeoutMs`.
 * The test tools must never download a browser, and installs share npm's one cache (`--prefer-offline`).
 */
export async function run(command: string, args: string[], cwd: string, timeoutMs = 300_000): Promise<Result> {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', PUPPETEER_SKIP_DOWNLOAD: '1', CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = await once(child, 'close');
  clearTimeout(timer);
  return { code: code as number | null, output };
}

/** Like run, but throws with the output unless the command exits 0. */
export async function mustRun(command: string, args: string[], cwd: string, timeoutMs?: number): Promise<string> {
  const result = await run(command, args, cwd, timeoutMs);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.code}:\n${result.output}`);
  return result.output;
}

export interface Workspace {
  dir: string;
  /** Copies `source` (a folder of the repository) into the workspace and installs it, with `ig-embed` from the tarball. */
  install(source: string): Promise<string>;
  remove(): Promise<void>;
}

/** A temporary folder with the packed element package in it (`--silent`: prepack's banner would join the JSON in `run`'s one output). */
export async function workspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'ig-embed-examples-'));
  const packed = JSON.parse(await mustRun('npm', ['pack', '--json', '--silent', '--pack-destination', dir], ELEMENT_PACKAGE)) as Array<{ filename: string }>;
  const tarball = join(dir, packed[0]!.filename);
  return {
    dir,
    async install(source) {
      const into = join(dir, source.replaceAll('/', '-'));
      await cp(resolve(ROOT, source), into, {
        recursive: true,
        filter: (path) => !/[\\/](node_modules|dist|\.astro)([\\/]|$)/.test(path),
      });
      const manifestPath = join(into, 'package.json');
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { dependencies?: Record<string, string> };
      if (!manifest.dependencies?.['ig-embed']) throw new Error(`${source}/package.json does not depend on ig-embed`);
      manifest.dependencies['ig-embed'] = `file:${tarball}`;
      await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
      await mustRun('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], into);
      return into;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
};

export interface Site { url: string; close(): Promise<void> }

/**
 * Serves a built site on 127.0.0.1 and forwards `/instagram_oembed` to the proxy, as a site that mounts the
 * proxy on its own origin does: the element's default endpoint is the page's origin.
 */
export async function serveSite(root: string, proxyUrl: string): Promise<Site> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    if (url.pathname === '/instagram_oembed') {
      const upstream = await fetch(proxyUrl + url.pathname + url.search, { headers: { accept: req.headers.accept ?? '*/*' } });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await upstream.arrayBuffer()));
      return;
    }
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root)) return void res.writeHead(403).end();
    const file = path.endsWith('/') ? join(path, 'index.html') : path;
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('serveSite: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
