/** Instagram's embed.js, once per page: loading, batched process() calls, and routing its messages to elements. */
import { scriptUrl } from './sanitize.js';

declare global {
  interface Window {
    instgrm?: { Embeds?: { process?(): void } };
    __igEmbedLoaded?: (info: { frameId?: string }) => unknown;
  }
}

/** What an element gives the page-level listener so messages from its iframe reach it. */
export interface EmbedSink {
  /** The iframe embed.js inserted for this element, if any yet. */
  frame(): HTMLIFrameElement | null;
  measure(height: number): void;
  mounted(): void;
}

const INSTAGRAM_ORIGIN = 'https://www.instagram.com';
// How long to wait for an embed.js tag someone else inserted, when it may have finished before we looked.
const ADOPT_WAIT_MS = 10000;
const sinks = new Set<EmbedSink>();
let processing: Promise<void> | undefined;
let hooked = false;

/**
 * Resolves when embed.js has run, or at once if `window.instgrm` exists; rejects if the script cannot
 * load (ad blocker, CSP). Page-wide: one `<script>` per URL, reusing one already in the document.
 * Resolving does not promise a usable `window.instgrm` (embed.js may have changed): callers bound the wait.
 */
export function loadEmbedScript(src: string): Promise<void> {
  // On window under a registry symbol, so that every copy of this module on the page (the npm build next
  // to the classic script, two classic scripts on a CMS page) shares one load per embed.js URL. Other
  // bundles, maybe other versions, read it: a change to its shape needs a new key.
  const loads = ((window as unknown as Record<symbol, Map<string, Promise<void>>>)[Symbol.for('ig-embed.loader')] ??= new Map());
  const href = new URL(src, document.baseURI).href;
  let load = loads.get(href);
  if (!load) {
    const existing = [...document.scripts].find((tag) => tag.src === href);
    load = window.instgrm ? Promise.resolve() : existing ? adopt(existing) : inject(src);
    loads.set(href, load);
  }
  return load;
}

function inject(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tag = document.createElement('script');
    tag.async = true;
    tag.src = scriptUrl(src);
    tag.addEventListener('load', () => resolve());
    tag.addEventListener('error', reject);
    document.head.append(tag);
  });
}

/**
 * Waits for a tag the page (or Meta's paste-in embed code) inserted. It may already have loaded or
 * failed, and then fires nothing more: a finished fetch shows in Resource Timing; otherwise the wait is
 * bounded, and the elements' own deadline decides what an absent `window.instgrm` means.
 */
function adopt(tag: HTMLScriptElement): Promise<void> {
  return new Promise((resolve, reject) => {
    tag.addEventListener('load', () => resolve());
    tag.addEventListener('error', reject);
    const done = performance.getEntriesByName(tag.src, 'resource').length > 0;
    setTimeout(resolve, done ? 0 : ADOPT_WAIT_MS);
  });
}

/**
 * Asks embed.js to scan for new blockquotes: at most once per animation frame however many ask, and,
 * while `pending()` says other posts' data is still on its way (up to 200 ms), after it has landed, so
 * that posts whose data arrives together share one scan. Resolves once that scan was attempted (a page
 * in a background tab runs no animation frames, so callers time from here, not from asking).
 */
export function queueProcess(pending: () => number): Promise<void> {
  processing ??= new Promise((resolve) => {
    const since = performance.now();
    const frame = (now: number) => {
      if (pending() && now - since < 200) return void requestAnimationFrame(frame);
      processing = undefined;
      resolve();
      try {
        window.instgrm?.Embeds?.process?.();
      } catch {
        // A changed or broken embed.js: the waiting elements fall back when their deadline passes.
      }
    };
    requestAnimationFrame(frame);
  });
  return processing;
}

/** Whether the page has a usable embed.js API (it may load and still not define one). */
export function embedApiPresent(): boolean {
  return typeof window.instgrm?.Embeds?.process === 'function';
}

function find(source: MessageEventSource | null, frameId?: string): EmbedSink | undefined {
  for (const sink of sinks) {
    const frame = sink.frame();
    if (frame && (source ? frame.contentWindow === source : frame.id === frameId)) return sink;
  }
  return undefined;
}

// Only Instagram's own origin, only JSON strings, and only for the iframe that sent it: any other
// window on the page can post messages too. (One without a source window matches no sink in find().)
function onMessage(event: MessageEvent): void {
  if (event.origin !== INSTAGRAM_ORIGIN || typeof event.data !== 'string') return;
  let message: { type?: unknown; details?: { height?: unknown } };
  try {
    message = JSON.parse(event.data);
  } catch {
    return;
  }
  const sink = find(event.source);
  if (message?.type === 'MEASURE') sink?.measure(Number(message.details?.height));
  else if (message?.type === 'MOUNTED') sink?.mounted();
}

/** Registers an element for messages; the returned function unregisters it (the listener goes with the last one). */
export function watchEmbed(sink: EmbedSink): () => void {
  if (!hooked) {
    hooked = true;
    // embed.js calls window.__igEmbedLoaded after each mount: wrap the page's hook, never replace it.
    const previous = window.__igEmbedLoaded;
    window.__igEmbedLoaded = function (this: unknown, info) {
      find(null, info?.frameId)?.mounted();
      return previous?.call(this, info);
    };
  }
  if (!sinks.size) addEventListener('message', onMessage);
  sinks.add(sink);
  return () => {
    sinks.delete(sink);
    if (!sinks.size) removeEventListener('message', onMessage);
  };
}
