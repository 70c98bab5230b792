/** Instagram's embed.js, once per page: loading, batched process() calls, and routing its messages to elements. */
import { fetchesInFlight } from './oembed-request.js';
import { scriptUrl } from './sanitize.js';

declare global {
  interface Window {
    instgrm?: { Embeds: { process(): void } };
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
const sinks = new Set<EmbedSink>();
let script: Promise<void> | undefined;
let processQueued = false;
let hooked = false;

/** Resolves when `window.instgrm` is usable; rejects if the script cannot load (ad blocker, CSP). */
export function loadEmbedScript(src: string): Promise<void> {
  script ??= window.instgrm
    ? Promise.resolve()
    : new Promise((resolve, reject) => {
        const tag = document.createElement('script');
        tag.async = true;
        tag.src = scriptUrl(src);
        tag.onload = () => resolve();
        tag.onerror = reject;
        document.head.append(tag);
      });
  return script;
}

/**
 * Asks embed.js to scan for new blockquotes: at most once per animation frame however many ask, and,
 * while other posts' data is still on its way (up to 200 ms), after it has landed, so that posts whose
 * data arrives together share one scan.
 */
export function queueProcess(): void {
  if (processQueued) return;
  processQueued = true;
  const since = performance.now();
  const frame = (now: number) => {
    if (fetchesInFlight() && now - since < 200) return void requestAnimationFrame(frame);
    processQueued = false;
    window.instgrm?.Embeds.process();
  };
  requestAnimationFrame(frame);
}

function find(source: MessageEventSource | null, frameId?: string): EmbedSink | undefined {
  for (const sink of sinks) {
    const frame = sink.frame();
    if (frame && (source ? frame.contentWindow === source : frame.id === frameId)) return sink;
  }
  return undefined;
}

// Only Instagram's own origin, only JSON strings, and only for the iframe that sent it: any other
// window on the page can post messages too.
function onMessage(event: MessageEvent): void {
  if (event.origin !== INSTAGRAM_ORIGIN || typeof event.data !== 'string' || !event.source) return;
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
