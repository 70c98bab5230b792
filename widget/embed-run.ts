/** One embed run, as one async function: the proxy's data → the sanitised blockquote in the light DOM → embed.js → mounted, or why not. */
import { h } from './dom.js';
import { embedApiPresent, loadEmbedScript, queueProcess, watchEmbed } from './embed-script.js';
import { fetchesInFlight, requestOembed, type FallbackReason, type OembedData } from './oembed-request.js';
import { sanitizeEmbed } from './sanitize.js';

/** How a run ends: the post is shown, or the reason for the fallback card. */
export type EmbedOutcome = 'rendered' | FallbackReason;

export interface EmbedJob {
  /** Receives the light-DOM wrapper (embed.js scans the document, not shadow roots): the element itself. */
  host: HTMLElement;
  /** The canonical post URL; the embed's permalink must name this post. */
  post: string;
  /** The proxy URL to ask (`oembedHref`). */
  href: string;
  /** Milliseconds for each wait: the proxy's answer, embed.js inserting the iframe, the iframe's mount. */
  timeout: number;
  /** The embed.js URL. */
  scriptSrc: string;
  /** The proxy's data, as soon as it is here (the fallback card attributes from it). */
  received(data: OembedData): void;
  /** A MEASURE height from this post's iframe, while it has not mounted. */
  measured(height: number): void;
  /** The accessible name for Instagram's iframe, from the page's attributes and the proxy's data. */
  title(data: OembedData): string;
}

/**
 * Runs one embed to its outcome. Rejects with the signal's reason when `signal` aborts (url change,
 * removal); from then on nothing of the run is left: timers, observers and the light-DOM wrapper are
 * gone. A fallback outcome has removed the wrapper too; a rendered one keeps it until `signal` aborts.
 */
export async function runEmbed(job: EmbedJob, signal: AbortSignal): Promise<EmbedOutcome> {
  const data = await requestOembed(job.href, signal, job.timeout);
  if (typeof data === 'string') return data;
  job.received(data);
  let quote: HTMLElement | null = null;
  try {
    quote = sanitizeEmbed(data.html, job.post);
  } catch {
    // Trusted Types refused our policy: nothing was inserted.
  }
  if (!quote) return 'proxy_error';
  const wrapper = h('div', { slot: 'embed', 'data-ig-embed-content': '' }, quote);
  job.host.append(wrapper);
  signal.addEventListener('abort', () => wrapper.remove());
  const outcome = await mount(wrapper, job, job.title(data), signal);
  // Drops the blockquote and any zero-height iframe that never mounted.
  if (outcome !== 'rendered') wrapper.remove();
  return outcome;
}

/**
 * Has embed.js turn the blockquote in `wrapper` into a mounted iframe. Every wait is bounded by
 * `job.timeout`, so a run cannot stay loading: from the scan to the iframe's insertion, and from the
 * insertion to the mount (Meta's embed.js loads three iframes at a time, so that clock starts at our
 * iframe's insertion, not at the scan). The download of embed.js itself ends with load or error.
 */
function mount(wrapper: HTMLElement, job: EmbedJob, title: string, signal: AbortSignal): Promise<EmbedOutcome> {
  return new Promise((resolve, reject) => {
    let done = false;
    let mountClock: ReturnType<typeof setTimeout> | undefined;
    let insertClock: ReturnType<typeof setTimeout> | undefined;
    const frame = () => wrapper.querySelector<HTMLIFrameElement>('iframe.instagram-media');
    // The one exit, whatever ended the wait: it unhooks every watcher at once, so none calls back after it.
    const end = (outcome?: EmbedOutcome) => {
      if (done) return;
      done = true;
      observer.disconnect();
      unwatch();
      clearTimeout(mountClock);
      clearTimeout(insertClock);
      if (outcome) resolve(outcome);
      else reject(signal.reason);
    };
    const mounted = () => {
      const iframe = frame();
      if (iframe) iframe.style.position = '';
      end('rendered');
    };
    const observer = new MutationObserver(() => {
      const iframe = frame();
      if (iframe && mountClock === undefined) {
        clearTimeout(insertClock);
        mountClock = setTimeout(end, job.timeout, 'timeout');
        // Until it mounts, the iframe lies over the blockquote instead of pushing it down (a layout
        // shift inside the box); once embed.js removes the blockquote it takes the same place in flow.
        iframe.style.position = 'absolute';
        // embed.js gives its iframe no name, so a screen reader would announce a bare "frame"
        // (WCAG 4.1.2); a title embed.js sets itself is kept.
        iframe.title ||= title;
      }
      if (iframe?.classList.contains('instagram-media-rendered')) mounted();
    });
    observer.observe(wrapper, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
    const unwatch = watchEmbed({
      frame,
      mounted,
      measure: (height) => {
        if (height > 0) job.measured(height);
      },
    });
    // Left in place after the end: it finds the wait over and does nothing.
    signal.addEventListener('abort', () => end());
    loadEmbedScript(job.scriptSrc).then(
      async () => {
        // Scans wait briefly while other posts' data is still arriving, so that they share one.
        await queueProcess(fetchesInFlight);
        // embed.js ran and was asked to scan, yet may never insert our iframe (a changed or broken
        // embed.js): the same `timeout` bounds the wait for the iframe as for its mount.
        if (done || frame()) return;
        insertClock = setTimeout(() => end(embedApiPresent() ? 'timeout' : 'script_blocked'), job.timeout);
      },
      () => end('script_blocked'),
    );
  });
}
