/** Small assertions and fixtures shared by the widget tests (no assertion library in this repository). */
import type { IgEmbedElement, IgEmbedState } from '../../../widget/element.js';

export function equal<T>(actual: T, expected: T, what = 'value'): void {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

export function deepEqual(actual: unknown, expected: unknown, what = 'value'): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

export function post(shortcode: string, kind = 'p'): string {
  return `https://www.instagram.com/${kind}/${shortcode}/`;
}

/** Creates `<ig-embed>` with the given attributes in `parent` (default: a fresh container in body). */
export function embed(attributes: Record<string, string>, parent: HTMLElement = container()): IgEmbedElement {
  const element = document.createElement('ig-embed');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  parent.append(element);
  return element;
}

let area: HTMLElement | undefined;
export function container(): HTMLElement {
  area ??= document.body.appendChild(document.createElement('div'));
  return area;
}

export function cleanup(): void {
  area?.remove();
  area = undefined;
}

/** Resolves with the next `type` event from `target`. */
export function nextEvent<T extends Event = CustomEvent>(target: EventTarget, type: string): Promise<T> {
  return new Promise((resolve) => target.addEventListener(type, (event) => resolve(event as T), { once: true }));
}

/** Resolves with the `ig-embed-load` or `ig-embed-fallback` event that ends `element`'s run. */
export function settled(element: IgEmbedElement): Promise<CustomEvent> {
  return Promise.race([nextEvent<CustomEvent>(element, 'ig-embed-load'), nextEvent<CustomEvent>(element, 'ig-embed-fallback')]);
}

/**
 * Resolves with `element`'s state once it is one of `states`, at once if it already is: await the state
 * instead of sleeping. Works for elements in same-origin iframes too. A state change is observed after
 * the event it comes with (`ig-embed-load`, `ig-embed-fallback`) has been dispatched.
 */
export function untilState(element: IgEmbedElement, states: readonly IgEmbedState[]): Promise<IgEmbedState> {
  return new Promise((resolve) => {
    const Observer = element.ownerDocument.defaultView?.MutationObserver ?? MutationObserver;
    const observer = new Observer(() => check());
    const check = () => {
      const state = element.getAttribute('state') as IgEmbedState;
      if (!states.includes(state)) return false;
      observer.disconnect();
      resolve(state);
      return true;
    };
    if (!check()) observer.observe(element, { attributeFilter: ['state'] });
  });
}

/** `untilState` for the end of a run: rendered or fallback. */
export const SETTLED: readonly IgEmbedState[] = ['rendered', 'fallback'];

/** The shortcodes the fake proxy has been asked for so far. */
export async function proxyCalls(): Promise<string[]> {
  const calls = (await (await fetch('/__proxy/calls')).json()) as Array<{ shortcode: string }>;
  return calls.map((call) => call.shortcode);
}

/** A unique shortcode per test run (the fake proxy is shared by all test files). */
let serial = 0;
export function unique(prefix: string): string {
  serial++;
  return `${prefix}${Date.now().toString(36)}${serial}${Math.random().toString(36).slice(2, 6)}`;
}

export function frames(n = 1): Promise<void> {
  return new Promise((resolve) => {
    const step = () => (--n <= 0 ? resolve() : requestAnimationFrame(step));
    requestAnimationFrame(step);
  });
}

export interface FakeInstgrm {
  scriptLoads: number;
  processCalls: number;
}
export function fakeInstgrm(): FakeInstgrm | undefined {
  return (window as { __fakeInstgrm?: FakeInstgrm }).__fakeInstgrm;
}

/**
 * Every request this page and its frames have made so far, by URL, in order, to any host and whatever
 * became of it, as the browser reported them to the test runner (support/request-log.mjs). Left out:
 * `data:` URLs, which never leave the browser (Firefox reports them), and the test server's own live-reload
 * script, which it injects into the HTML pages it serves.
 */
export async function pageRequests(): Promise<string[]> {
  const response = await fetch(`/__requests?n=${unique('n')}`, { cache: 'no-store' });
  if (!response.ok) throw new Error(await response.text());
  const urls = (await response.json()) as string[];
  return urls.filter((url) => !url.startsWith('data:') && new URL(url).pathname !== '/__web-dev-server__web-socket.js');
}

/** Starts a request count: the function it resolves with gives the requests made since, in order. */
export async function recordRequests(): Promise<() => Promise<string[]>> {
  const start = (await pageRequests()).length;
  return async () => (await pageRequests()).slice(start);
}

/** Starts watching the states `element` goes through (observe it before it connects): the function returns them so far, in order (each write counted). */
export function states(element: Element): () => IgEmbedState[] {
  const before: Array<string | null> = [];
  const observer = new MutationObserver((records) => before.push(...records.map((record) => record.oldValue)));
  observer.observe(element, { attributeFilter: ['state'], attributeOldValue: true });
  return () => {
    before.push(...observer.takeRecords().map((record) => record.oldValue));
    return [...before.slice(1), element.getAttribute('state')] as IgEmbedState[];
  };
}

/** What of a run is left in the light DOM: wrapper, blockquote, iframe. */
export function leftovers(element: Element): number {
  return element.querySelectorAll(':scope > [data-ig-embed-content], blockquote, iframe').length;
}

/** Fails with the command to run when the classic script build (`widget/dist/script/<file>`) is missing. */
export async function assertBuilt(files: string[] = ['ig-embed.js']): Promise<void> {
  for (const file of files) {
    const built = await fetch(`/widget/dist/script/${file}`, { method: 'HEAD' });
    if (!built.ok) throw new Error(`widget/dist/script/${file} is missing: run \`npm run build:widget\` first (npm test does)`);
  }
}

/** Opens a test page in an iframe; its load event waits for the scripts the page inserted too. */
export async function openPage<W extends Window = Window & typeof globalThis>(path: string): Promise<{ view: W; frame: HTMLIFrameElement }> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:800px;height:1400px';
  frame.src = path;
  document.body.append(frame);
  await nextEvent(frame, 'load');
  return { view: frame.contentWindow as unknown as W, frame };
}

/** What `run` throws, as `Name: message`, or `no error`. */
export function thrown(run: () => unknown): string {
  try {
    run();
    return 'no error';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}
