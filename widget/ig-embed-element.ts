/** The `<ig-embed>` element class: light-DOM Instagram embed with an attributed fallback (no registration here). */
// Lit's ReactiveElement without lit-html templates: our shadow DOM is a box and a small card, and
// lit-html would add 3 KB gzip to a classic script whose budget is 9 KB (measured: 9.9 KB with LitElement).
import { ReactiveElement, css, type PropertyValues } from '@lit/reactive-element';
import { isInstagramHttpsUrl } from '../instagram/embed-markup.js';
import { embedApiPresent, loadEmbedScript, queueProcess, watchEmbed } from './embed-script.js';
import { oembedHref, requestOembed, type FallbackReason, type OembedData } from './oembed-request.js';
import { MAX_EMBED_WIDTH, MIN_EMBED_WIDTH } from '../instagram/embed-width.js';
import { parsePostUrl } from './post-url.js';
import { sanitizeEmbed } from './sanitize.js';
import { defaultStrings, type IgEmbedStrings } from './strings.js';

export type { FallbackReason, OembedData } from './oembed-request.js';
export type { IgEmbedStrings } from './strings.js';

/** `idle` (waiting to be near the viewport) → `loading` → `rendered` | `fallback`. */
export type IgEmbedState = 'idle' | 'loading' | 'rendered' | 'fallback';

export interface IgEmbedFallbackDetail {
  reason: FallbackReason;
}

declare global {
  interface HTMLElementEventMap {
    'ig-embed-load': CustomEvent<{ url: string }>;
    'ig-embed-fallback': CustomEvent<IgEmbedFallbackDetail>;
  }
}

// Instagram's width when the page sets none. The reserved height (--ig-embed-min-height, 640px, about a
// captioned post at that width) is in the styles and in the documented host-page CSS line.
const DEFAULT_WIDTH = 540;

/**
 * Shows one Instagram post. The post's `blockquote.instagram-media` is placed in a light-DOM wrapper
 * (Instagram's embed.js only scans the document, not shadow roots) and slotted into a shadow root that
 * holds the reserved box and the fallback card. The page author's own child (for example a plain link)
 * is the no-JavaScript fallback and is hidden once the element runs.
 *
 * @element ig-embed
 *
 * @attr {string} url - The post, reel or IGTV permalink (required).
 * @attr {string} endpoint - Base URL of the ig-embed proxy. Default: `IgEmbedElement.endpoint`, else the page's origin.
 * @attr {number} maxwidth - 320–658; the embed's maximum width in px (default 540 for the box, Meta's default upstream).
 * @attr {boolean} hidecaption - Ask for the post without its caption.
 * @attr {'lazy'|'eager'} loading - `lazy` (default) waits until the element is within one viewport of the screen.
 * @attr {number} timeout - Milliseconds each wait may take before falling back with `timeout` (default 10000): the proxy's answer, embed.js inserting the iframe, the iframe's mount.
 * @attr {string} author - Author name for the fallback card.
 * @attr {string} author-url - Author profile URL for the fallback card (http or https).
 * @attr {string} thumbnail - Image URL for the fallback card.
 * @attr {string} thumbnail-alt - Alt text for that image.
 * @attr {'idle'|'loading'|'rendered'|'fallback'} state - Read-only, reflected by the element.
 *
 * @fires {CustomEvent<{url: string}>} ig-embed-load - Once, after `state` became `rendered`. Bubbles, composed.
 * @fires {CustomEvent<{reason: FallbackReason}>} ig-embed-fallback - Once, after `state` became `fallback`; `detail.reason` is one of invalid_url, not_embeddable, proxy_error, network, script_blocked, timeout. Bubbles, composed.
 *
 * @slot embed - Filled by the element itself with its light-DOM wrapper (`[data-ig-embed-content]`); not for authors.
 *
 * @csspart frame - The reserved box around the embed or the card.
 * @csspart card - The fallback card (fills the box: header, media, link).
 * @csspart header - The card's top row: avatar and attribution.
 * @csspart avatar - The round avatar: the author's initial, or an Instagram glyph when the author is unknown.
 * @csspart attribution - The author's name over the word "Instagram" (or "Instagram" alone).
 * @csspart author - The author's name (a link when a profile URL is known).
 * @csspart provider - The word "Instagram".
 * @csspart media - The panel between header and link, filling the box: the thumbnail or the message.
 * @csspart thumbnail - The card's image (object-fit: cover; hidden if it fails to load, then the message shows).
 * @csspart message - The Instagram glyph and a short sentence, when there is no thumbnail.
 * @csspart link - The button-like "View this post on Instagram" link.
 *
 * Colour defaults follow the host page's `color-scheme` (light, or dark under `color-scheme: dark`).
 * @cssprop [--ig-embed-min-height=640px] - Height reserved while loading and kept by the fallback.
 * @cssprop [--ig-embed-skeleton=light-dark(#efefef, #262626)] - Background of the box while loading.
 * @cssprop [--ig-embed-background=light-dark(#fff, #121212)] - Card background; also the text colour of the link button.
 * @cssprop [--ig-embed-color=light-dark(#262626, #f5f5f5)] - Card text colour (the panel and muted text are mixed from it).
 * @cssprop [--ig-embed-link-color=light-dark(#0064e0, #4aa3ff)] - Background of the "View this post" link button.
 * @cssprop [--ig-embed-border=1px solid light-dark(#dbdbdb, #363636)] - Card border.
 * @cssprop [--ig-embed-radius=3px] - Corner radius of the box and card.
 * @cssprop [--ig-embed-font=14px/1.4 system-ui, sans-serif] - Card font.
 * @cssprop [--ig-embed-focus=#0095f6] - Focus ring colour.
 *
 * @example
 * <ig-embed url="https://www.instagram.com/p/fA9uwTtkSN/" author="Jane" author-url="https://www.instagram.com/jane/">
 *   <a href="https://www.instagram.com/p/fA9uwTtkSN/">View this post on Instagram</a>
 * </ig-embed>
 */
export class IgEmbedElement extends ReactiveElement {
  /** Page-wide proxy base URL, used when an element has no `endpoint` attribute. */
  static endpoint = '';
  /** Page-wide embed.js URL. */
  static scriptSrc = 'https://www.instagram.com/embed.js';
  /** Page-wide card text; replace or spread over it to translate. */
  static strings: IgEmbedStrings = defaultStrings;

  static override properties = {
    url: {},
    endpoint: {},
    maxwidth: { type: Number },
    hidecaption: { type: Boolean },
    loading: {},
    timeout: { type: Number },
    author: {},
    authorUrl: { attribute: 'author-url' },
    thumbnail: {},
    thumbnailAlt: { attribute: 'thumbnail-alt' },
    strings: { attribute: false },
  };

  // Written compact on purpose: Lit's css`` is shipped as is and counts against the 9 KB budget.
  // --_b is the card background (the button's text takes it), --_m the muted panel mixed from the text colour.
  // Defaults follow the host page's `color-scheme` (light-dark()), so a dark page gets a dark card.
  static override styles = css`
:host{display:block;min-width:326px;--_b:var(--ig-embed-background,light-dark(#fff,#121212))}:host([hidden]),[hidden]{display:none!important}
[part=frame]{box-sizing:border-box;display:flex;flex-direction:column;overflow:hidden;transition:height .25s;
min-height:var(--ig-embed-min-height,640px);border-radius:var(--ig-embed-radius,3px)}
:host(:not([state=rendered],[state=fallback])) [part=frame]{height:var(--ig-embed-min-height,640px);background:var(--ig-embed-skeleton,light-dark(#efefef,#262626))}
::slotted(*){position:relative}
[part=card]{--_m:color-mix(in srgb,currentColor 4%,var(--_b));box-sizing:border-box;flex:1;display:flex;flex-direction:column;overflow:hidden;
background:var(--_b);color:var(--ig-embed-color,light-dark(#262626,#f5f5f5));border:var(--ig-embed-border,1px solid light-dark(#dbdbdb,#363636));
border-radius:var(--ig-embed-radius,3px);font:var(--ig-embed-font,14px/1.4 system-ui,sans-serif)}
[part=header]{display:flex;align-items:center;gap:12px;padding:12px 16px}p{margin:0}
[part=avatar]{box-sizing:border-box;flex:none;display:grid;place-items:center;width:38px;height:38px;border:2px solid transparent;border-radius:50%;
font-weight:600;box-shadow:inset 0 0 0 2px var(--_b);background:linear-gradient(var(--_m),var(--_m)) padding-box,linear-gradient(45deg,#feda75,#fa7e1e,#d62976,#962fbf,#4f5bd5) border-box}
[part=attribution]{display:flex;flex-direction:column;gap:3px;min-width:0;font-weight:600}
[part=author]{color:inherit;text-decoration:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
[part=author]+*{font-weight:400;font-size:.86em}[part=author]+*,[part=message]{color:color-mix(in srgb,currentColor 72%,transparent)}
[part=media]{position:relative;flex:1;min-height:160px;display:grid;place-items:center;background:var(--_m)}
img{position:absolute;inset:0;width:100%;height:100%;object-fit:cover}
[part=message]{display:grid;justify-items:center;gap:12px;padding:24px;text-align:center}
svg{width:48px;height:48px;fill:none;stroke:currentColor;stroke-width:1.5;stroke-linecap:round}[part=avatar] svg{width:20px;height:20px;stroke-width:2}
[part=link]{margin:14px 16px 16px;padding:9px 16px;border-radius:8px;text-align:center;font-weight:600;text-decoration:none;
background:var(--ig-embed-link-color,light-dark(#0064e0,#4aa3ff));color:var(--_b)}
a:hover{text-decoration:underline}a:focus-visible{outline:2px solid var(--ig-embed-focus,#0095f6);outline-offset:2px}`;

  declare url: string;
  declare endpoint: string;
  declare maxwidth: number;
  declare hidecaption: boolean;
  declare loading: 'lazy' | 'eager';
  declare timeout: number;
  declare author: string;
  declare authorUrl: string;
  declare thumbnail: string;
  declare thumbnailAlt: string;
  /** Per-element card text, merged over `IgEmbedElement.strings`. */
  declare strings: Partial<IgEmbedStrings> | undefined;

  private _state: IgEmbedState = 'idle';
  private _run: AbortController | undefined;
  private _key = '';
  private _reason: FallbackReason | undefined;
  private _data: OembedData | undefined;
  private _height = 0;
  private _frame: HTMLElement | undefined;
  private _slot: HTMLSlotElement | undefined;

  /** Where the element is in its life; reflected to the `state` attribute. Read-only. */
  get state(): IgEmbedState {
    return this._state;
  }

  /** Why the element fell back, while `state` is `fallback`. */
  get reason(): FallbackReason | undefined {
    return this._reason;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-added after removal: run again (the first run starts from the first update, so that
    // properties set right after creation are in place).
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._run?.abort();
    this._run = undefined;
  }

  // Runs before render, so the state the run starts with is rendered in this same update.
  protected override willUpdate(): void {
    const key = [this.url, this.endpoint, this.maxwidth, this.hidecaption].join(' ');
    if (this.isConnected && (!this._run || key !== this._key)) {
      this._key = key;
      void this._start();
    }
  }

  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const root = super.createRenderRoot();
    this._slot = h('slot', { name: 'embed' });
    root.append((this._frame = h('div', { part: 'frame' }, this._slot)));
    return root;
  }

  protected override update(changed: PropertyValues<this>): void {
    super.update(changed);
    const frame = this._frame as HTMLElement;
    // The slot stays in place while the embed is shown (re-slotting would disturb the iframe).
    const content = this._state === 'fallback' ? this._card() : (this._slot as HTMLSlotElement);
    if (frame.firstChild !== content) frame.replaceChildren(content);
    // CSSOM, not style attributes, so a strict style-src does not block our own box.
    frame.style.maxWidth = `${this._maxwidth() ?? DEFAULT_WIDTH}px`;
    const growing = this._state === 'idle' || this._state === 'loading';
    frame.style.height = growing && this._height ? `${this._height}px` : '';
    frame.style.minHeight = !growing && this._height ? `${this._height}px` : '';
  }

  /**
   * Resolves when the element may contact the network: at once for `loading="eager"`, else when it
   * comes within one viewport of the screen. A consent gate would extend this (and add a `waiting`
   * state); nothing is requested before it resolves. Never resolves once `signal` aborts.
   */
  protected ready(signal: AbortSignal): Promise<void> {
    if (this.loading === 'eager') return Promise.resolve();
    return new Promise((resolve) => {
      const observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((entry) => entry.isIntersecting)) return;
          observer.disconnect();
          resolve();
        },
        { rootMargin: '100% 0px' },
      );
      observer.observe(this);
      signal.addEventListener('abort', () => observer.disconnect());
    });
  }

  private async _start(): Promise<void> {
    this._run?.abort();
    const run = new AbortController();
    const { signal } = run;
    this._run = run;
    this._data = this._reason = undefined;
    this._height = 0;
    this._setState('idle');

    const post = parsePostUrl(this.url);
    if (!post) return this._fallback(run, 'invalid_url');
    await this.ready(signal);
    if (signal.aborted) return;
    this._setState('loading');
    const endpoint = this.endpoint || IgEmbedElement.endpoint || location.origin;
    const result = await requestOembed(oembedHref(endpoint, post.url, this._maxwidth(), this.hidecaption), signal, this._timeout()).catch(
      () => undefined,
    );
    if (signal.aborted || result === undefined) return;
    if (typeof result === 'string') return this._fallback(run, result);
    this._data = result;

    let quote: HTMLElement | null = null;
    try {
      quote = sanitizeEmbed(result.html, post.url);
    } catch {
      // Trusted Types refused our policy: nothing was inserted.
    }
    if (!quote) return this._fallback(run, 'proxy_error');
    const wrapper = document.createElement('div');
    wrapper.slot = 'embed';
    wrapper.setAttribute('data-ig-embed-content', '');
    wrapper.append(quote);
    this.append(wrapper);

    let timer: ReturnType<typeof setTimeout> | undefined;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const frame = () => wrapper.querySelector<HTMLIFrameElement>('iframe.instagram-media');
    const mounted = () => {
      if (this._run !== run || this._state !== 'loading') return;
      frame()?.style.removeProperty('position');
      this._setState('rendered');
      this.dispatchEvent(new CustomEvent('ig-embed-load', { detail: { url: post.url }, bubbles: true, composed: true }));
      signal.dispatchEvent(new Event('settled'));
    };
    // Meta's embed.js loads three iframes at a time, so the clock starts at our iframe's insertion.
    const observer = new MutationObserver(() => {
      const iframe = frame();
      if (iframe && timer === undefined) {
        clearTimeout(deadline);
        timer = setTimeout(() => this._fallback(run, 'timeout'), this._timeout());
        // Until it mounts, the iframe lies over the blockquote instead of pushing it down (a layout
        // shift inside the box); once embed.js removes the blockquote it takes the same place in flow.
        iframe.style.position = 'absolute';
      }
      if (iframe?.classList.contains('instagram-media-rendered')) mounted();
    });
    observer.observe(wrapper, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
    const unwatch = watchEmbed({
      frame,
      mounted,
      measure: (height) => {
        if (this._state !== 'loading' || !(height > 0)) return;
        // Grow only: the iframe's own border and margin come on top of the measured content.
        const box = this._frame?.offsetHeight ?? 0;
        const next = Math.max(box, Math.ceil(height) + 14);
        if (next > box) {
          this._height = next;
          this.requestUpdate();
        }
      },
    });
    // 'settled' (dispatched on this run's AbortSignal, an EventTarget) stops the watching once the run
    // has an outcome; 'abort' (url change, removal) also takes the light-DOM content away.
    const stop = () => {
      observer.disconnect();
      unwatch();
      clearTimeout(timer);
      clearTimeout(deadline);
    };
    signal.addEventListener('settled', stop);
    signal.addEventListener('abort', () => {
      stop();
      wrapper.remove();
    });
    loadEmbedScript(IgEmbedElement.scriptSrc).then(
      async () => {
        await queueProcess();
        // embed.js ran and was asked to scan, yet may never insert our iframe (a changed or broken
        // embed.js): the same `timeout` bounds the wait for the iframe as for its mount.
        if (this._run !== run || this._state !== 'loading' || frame()) return;
        deadline = setTimeout(() => this._fallback(run, embedApiPresent() ? 'timeout' : 'script_blocked'), this._timeout());
      },
      () => this._fallback(run, 'script_blocked'),
    );
  }

  private _fallback(run: AbortController, reason: FallbackReason): void {
    if (this._run !== run || this._state === 'fallback' || this._state === 'rendered') return;
    run.signal.dispatchEvent(new Event('settled'));
    // Drops the blockquote and any zero-height iframe that never mounted.
    this.querySelector(':scope > [data-ig-embed-content]')?.remove();
    this._reason = reason;
    this._setState('fallback');
    this.dispatchEvent(new CustomEvent('ig-embed-fallback', { detail: { reason }, bubbles: true, composed: true }));
  }

  private _setState(state: IgEmbedState): void {
    this._state = state;
    this.setAttribute('state', state);
    this.requestUpdate();
  }

  private _maxwidth(): number | undefined {
    return this.maxwidth >= MIN_EMBED_WIDTH && this.maxwidth <= MAX_EMBED_WIDTH ? Math.round(this.maxwidth) : undefined;
  }

  private _timeout(): number {
    return this.timeout >= 0 ? this.timeout : 10000;
  }

  private _card(): HTMLElement {
    // Defaults first: a page-wide strings object written before a string was added still works.
    const text = { ...defaultStrings, ...IgEmbedElement.strings, ...this.strings };
    const post = parsePostUrl(this.url);
    // Deleted or private posts: show nothing that came from upstream, only what the page author gave.
    const upstream = this._reason === 'not_embeddable' ? undefined : this._data;
    const thumbnail = this.thumbnail || (upstream?.thumbnail_url?.startsWith('https://') ? upstream.thumbnail_url : '');
    const author = this.author || upstream?.author_name || post?.username;
    const authorUrl = /^https?:\/\//.test(this.authorUrl ?? '')
      ? this.authorUrl
      : upstream?.author_url && isInstagramHttpsUrl(upstream.author_url)
        ? upstream.author_url
        : post?.username && `https://www.instagram.com/${post.username}/`;
    const initial = author?.match(/[\p{L}\p{N}]/u)?.[0];
    const attribution = h('p', { part: 'attribution' }, h('span', { part: 'provider' }, text.provider));
    if (author) attribution.prepend(authorUrl ? link('author', authorUrl, author) : h('span', { part: 'author' }, author));
    const message = h('div', { part: 'message' }, glyph(), h('p', {}, this._reason === 'not_embeddable' ? text.unavailable : text.failed));
    const media = h('div', { part: 'media' }, message);
    if (thumbnail) {
      const image = h('img', { part: 'thumbnail', src: thumbnail, alt: this.thumbnailAlt || text.thumbnailAlt, referrerpolicy: 'no-referrer' });
      message.hidden = true;
      // A broken image goes and the message takes its place; the card stays.
      image.onerror = () => {
        image.hidden = true;
        message.hidden = false;
      };
      media.prepend(image);
    }
    const card = h(
      'div',
      { part: 'card' },
      h('div', { part: 'header' }, h('span', { part: 'avatar', 'aria-hidden': 'true' }, initial?.toUpperCase() ?? glyph()), attribution),
      media,
    );
    if (post) card.append(link('link', post.url, text.view));
    return card;
  }
}

/** Builds an element from text and nodes only: no HTML parsing, so nothing here can inject markup. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string>, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** Instagram's camera outline as one path: no external asset, nothing parsed. */
function glyph(): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  path.setAttribute('d', 'M7 2h10a5 5 0 0 1 5 5v10a5 5 0 0 1-5 5H7a5 5 0 0 1-5-5V7a5 5 0 0 1 5-5zm9 10a4 4 0 1 1-8 0 4 4 0 0 1 8 0zm1.5-5.5h.01');
  svg.append(path);
  return svg;
}

function link(part: string, href: string, label: string): HTMLAnchorElement {
  return h('a', { part, href, target: '_blank', rel: 'noopener' }, label);
}
