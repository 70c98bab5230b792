// End-to-end harness: the built proxy (DEMO=1, fixtures) on a free port, and Chromium with Instagram faked at its real origin.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright';
import { metricValue, parsePrometheus } from '../../demo/prometheus.js';
import { chromiumLaunchOptions } from '../support/chromium.mjs';
import { routeInstagram, type FakeInstagramStats } from '../support/fake-instagram/index.mjs';
import { freePort } from '../support/proxy-process.js';

export { freePort };

const ROOT = new URL('../../', import.meta.url);
export const SCREENSHOTS = new URL('test-output/screenshots/', ROOT);


export interface ProxyProcess {
  url: string;
  /** Everything the server wrote to stdout and stderr, line by line. */
  logs: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node proxy/dist/proxy/server.js` as `npm run serve` would, with a minimal environment so the
 * developer's own settings (tokens, origins, limits) cannot change what the tests see.
 */
export async function startProxy(extraEnv: Record<string, string> = {}): Promise<ProxyProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['proxy/dist/proxy/server.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DEMO: '1', UPSTREAM: 'fixtures', HOST: '127.0.0.1', PORT: String(port), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => logs.push(...chunk.split('\n').filter(Boolean)));
  }
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = `http://127.0.0.1:${port}`;

  // The server has no readiness signal but /healthz; poll it briefly, and fail fast if the process dies.
  const deadline = Date.now() + 15_000;
  let ready = false;
  while (!ready) {
    if (child.exitCode !== null) throw new Error(`proxy exited with ${child.exitCode} during boot:\n${logs.join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`proxy did not answer /healthz within 15 s:\n${logs.join('\n')}`);
    }
    ready = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (!ready) await delay(50);
  }
  // The server reads proxy/dist/ once at boot: without the widget script or the demo every page test would
  // fail in confusing ways, so say what is missing instead.
  for (const path of ['/ig-embed.js', '/index.html', '/blocked.html']) {
    const status = await fetch(url + path).then((r) => r.status, () => 0);
    if (status !== 200) {
      child.kill('SIGTERM');
      throw new Error(`proxy answered ${status} for ${path}: run \`npm run build\` first\n${logs.join('\n')}`);
    }
  }
  return {
    url,
    logs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

export interface ConsoleProblem {
  kind: 'console' | 'pageerror';
  text: string;
  /** The resource or script the message is about (for "Failed to load resource", the URL that failed). */
  url: string;
}

export interface Visit {
  context: BrowserContext;
  page: Page;
  instagram: FakeInstagramStats;
  /** Console errors and uncaught exceptions from the page and its frames, in order. */
  problems: ConsoleProblem[];
  /** Every request the page (and its frames) made, by full URL, in order. */
  requests: string[];
  /** Every response the page received, with its status and (lower-case) headers. */
  responses: Array<{ url: string; status: number; headers: Record<string, string> }>;
  close(): Promise<void>;
}

/** Requests to Meta's image CDN (where the 2020 recordings' thumbnails pointed). */
export const META_CDN = /^https:\/\/[^/]*(cdninstagram\.com|fbcdn\.net)\//;

/**
 * Opens a fresh context (empty cache) with Instagram faked, and records console errors and requests.
 * `offline`: no fake; every request that leaves the page's origin fails as it does without a network.
 */
export async function visit(browser: Browser, url: string, options: { colorScheme?: 'light' | 'dark'; offline?: boolean } = {}): Promise<Visit> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    serviceWorkers: 'block',
  });
  const origin = new URL(url).origin;
  const instagram: FakeInstagramStats = options.offline ? { scriptRequests: 0, frameRequests: [] } : await routeInstagram(context);
  if (options.offline) await context.route((u) => u.origin !== origin, (route) => route.abort('internetdisconnected'));
  const page = await context.newPage();
  const problems: ConsoleProblem[] = [];
  const requests: string[] = [];
  const responses: Visit['responses'] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push({ kind: 'console', text: message.text(), url: message.location().url });
  });
  page.on('pageerror', (error) => problems.push({ kind: 'pageerror', text: String(error), url: '' }));
  context.on('request', (request) => requests.push(request.url()));
  context.on('response', (response) => responses.push({ url: response.url(), status: response.status(), headers: response.headers() }));
  await page.goto(url);
  return { context, page, instagram, problems, requests, responses, close: () => context.close() };
}

/** The requests a visit made to the proxy at `origin` for `pathname`, as URLs. */
export function requestsTo(visit: Visit, origin: string, pathname: string): URL[] {
  return visit.requests.map((u) => new URL(u)).filter((u) => u.origin === origin && u.pathname === pathname);
}

/** Resolves once `embed` is rendered showing `shortcode` (Instagram's iframe for it has mounted); returns its state. */
export async function renderedPost(embed: Locator, shortcode: string, timeout = 15_000): Promise<string> {
  await embed.scrollIntoViewIfNeeded();
  const handle = await embed.elementHandle();
  if (!handle) throw new Error('renderedPost: element is gone');
  await embed.page().waitForFunction(
    ([element, code]) => element.getAttribute('state') === 'rendered'
      && element.querySelector(`iframe.instagram-media-rendered[src*="/${code}/embed/"]`) !== null,
    [handle, shortcode] as const,
    { timeout },
  ).catch(() => undefined);
  return (await handle.getAttribute('state')) ?? '';
}

/** The shortcodes of the Instagram iframes inside `embed`, mounted or not. */
export function framesIn(embed: Locator): Promise<string[]> {
  return embed.locator('iframe').evaluateAll((frames) =>
    frames.map((f) => /\/(?:p|reel|tv)\/([^/]+)\/embed\//.exec(f.getAttribute('src') ?? '')?.[1] ?? '(none)'));
}

export const SETTLED = ['rendered', 'fallback'];

/**
 * Scrolls an <ig-embed> into view (it is lazy) and waits until its state is one of `states`.
 * Returns the state it has then, so a test asserts on the value and a timeout shows what happened instead.
 */
export async function settle(embed: Locator, states: string[] = SETTLED, timeout = 15_000): Promise<string> {
  await embed.scrollIntoViewIfNeeded();
  const handle = await embed.elementHandle();
  if (!handle) throw new Error('settle: element is gone');
  // Waited for in the element's own frame: the demo frames some cases in pages of their own.
  const frame = (await handle.ownerFrame()) ?? embed.page().mainFrame();
  await frame
    .waitForFunction(([element, wanted]) => wanted.includes(element.getAttribute('state') ?? ''), [handle, states] as const, { timeout })
    .catch(() => undefined);
  return (await handle.getAttribute('state')) ?? '';
}

/** The proxy's /metrics, parsed. */
export async function metrics(origin: string): Promise<ReturnType<typeof parsePrometheus>> {
  const response = await fetch(`${origin}/metrics`);
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  return parsePrometheus(await response.text());
}

export { metricValue };

/** Writes test-output/screenshots/{name}.png (the whole page unless `fullPage: false`). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  if (options.fullPage ?? true) {
    // Chromium's fullPage capture leaves cross-origin iframes below the first screen unpainted, so the
    // viewport grows to the page instead; two frames let the iframes paint at the new size.
    const viewport = page.viewportSize() ?? { width: 1280, height: 900 };
    await page.setViewportSize({ width: viewport.width, height: await page.evaluate(() => document.documentElement.scrollHeight) });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname });
    await page.setViewportSize(viewport);
    return;
  }
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname });
}

/** Chromium and the built proxy for one suite; `stopDemo` closes whatever of the two did start. */
export interface Demo { browser: Browser; proxy: ProxyProcess }

export async function startDemo(): Promise<Demo> {
  // The browser first: if the proxy then fails to boot, the browser is closed before rethrowing.
  const browser = await launchBrowser();
  try {
    return { browser, proxy: await startProxy() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

export async function stopDemo(demo: Partial<Demo>): Promise<void> {
  await demo.browser?.close();
  await demo.proxy?.stop();
}
