/** The `<ig-embed>` element class: light-DOM Instagram embed with an attributed fallback (no registration here). */
// Lit's ReactiveElement without lit-html templates: our shadow DOM is a box and a small card, and
// lit-html would add 3 KB gzip to a classic script whose budget is 9 KB (measured: 9.9 KB with LitElement).
import { ReactiveElement, unsafeCSS, type PropertyValues } from '@lit/reactive-element';
import { MAX_EMBED_WIDTH, MIN_EMBED_WIDTH } from '../instagram/embed-width.js';
import { warnOnce } from './diagnostics.js';
import { h } from './dom.js';
import { runEmbed } from './embed-run.js';
import { consentCard, consentStyles } from './consent-card.js';
import { cardStyles, fallbackCard } from './fallback-card.js';
import { oembedHref, type FallbackReason, type OembedData } from './oembed-request.js';
import { parsePostUrl } from './post-url.js';
import { defaultStrings, type IgEmbedStrings } from './strings.js';

export type { FallbackReason, OembedData } from './oembed-request.js';
export type { IgEmbedStrings } from './strings.js';

/** `idle` (waiting to be near the viewport) → `consent` (gated elements only) → `loading` → `rendered` | `fallback`. */
export type IgEmbedState =
  | 'idle'
  | 'consent'
  | 'loading'
  | 'rendered'
  | 'fallback';

/** The `detail` of `ig-embed-load`: the canonical post URL that rendered. */
export interface IgEmbedLoadDetail {
  url: string;
}

/** The `detail` of `ig-embed-fallback`. */
export interface IgEmbedFallbackDetail {
  reason: FallbackReason;
}

/** A visitor allowed Instagram on a consent card: for this post (`element`), or for the site (`page`, the remember box). */
export interface IgEmbedConsentDetail {
  url: string;
  scope: 'element' | 'page';
}

declare global {
  interface HTMLElementEventMap {
    'ig-embed-load': CustomEvent<IgEmbedLoadDetail>;
    'ig-embed-fallback': CustomEvent<IgEmbedFallbackDetail>;
    'ig-embed-consent': CustomEvent<IgEmbedConsentDetail>;
  }
}

// Instagram's width when the page sets none. The reserved height (--ig-embed-min-height, 640px, about a
// captioned post at that width) is in the styles and in the documented host-page CSS line.
const DEFAULT_WIDTH = 540;

// Page-wide consent (issue 15): granted by `grantConsent()` or the remember box, for every element of
// this class on the page. The connected elements are kept for grant and revoke to reach them.
const CONSENT_KEY = 'ig-embed:consent';
let pageConsent = false;
const connected = new Set<IgEmbedElement>();

/** The remembered choice, read only when the page opted in (storage may be disabled: then there is none). */
function remembered(): boolean {
  try {
    return IgEmbedElement.consentRemember && localStorage.getItem(CONSENT_KEY) === 'granted';
  } catch {
    return false;
  }
}

/**
 * Shows one Instagram post. The post's `blockquote.instagram-media` is placed in a light-DOM wrapper
 * (Instagram's embed.js only scans the document, not shadow roots) and slotted into a shadow root that
 * holds the reserved box and the fallback card. The page author's own child (for example a plain link)
 * is the no-JavaScript fallback and is hidden once the element runs. While `idle` or `loading` the element
 * has `aria-busy="true"`; Instagram's iframe gets a `title` (`strings.frameTitleBy` / `frameTitle`).
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
 * @attr {'required'|'granted'} consent - `required`: nothing is requested until the visitor or the page gives consent (the consent card shows meanwhile); `granted`: no gate for this element. Default: `IgEmbedElement.consent`.
 * @attr {'idle'|'consent'|'loading'|'rendered'|'fallback'} state - Read-only, reflected by the element.
 *
 * @fires {CustomEvent<IgEmbedLoadDetail>} ig-embed-load - Once per run, after `state` became `rendered`. Bubbles, composed.
 * @fires {CustomEvent<IgEmbedFallbackDetail>} ig-embed-fallback - Once per run, after `state` became `fallback`; `detail.reason` is one of invalid_url, not_embeddable, origin_not_allowed, proxy_error, network, script_blocked, timeout. Bubbles, composed.
 * @fires {CustomEvent<IgEmbedConsentDetail>} ig-embed-consent - A visitor allowed Instagram on the consent card: `element` for this post, `page` with the remember box ticked. Before `state` leaves `consent`. Bubbles, composed.
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
 * @csspart consent - The consent card, in the fallback card's box and style (header, media and link parts as there).
 * @csspart consent-button - The consent card's button, which loads the post.
 * @csspart consent-remember - The consent card's "Always allow Instagram on this site" checkbox and its label (only with `IgEmbedElement.consentRemember`).
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
  /** Page-wide consent gate for elements without a `consent` attribute: `'required'` gates them. Default `''`: no gate. */
  static consent: 'required' | 'granted' | '' = '';
  /** Offer "Always allow Instagram on this site" on consent cards (stored in localStorage when ticked). Off: nothing is stored or read. */
  static consentRemember = false;

  /** Consent for the whole page: every gated element loads, and so does any added later. */
  static grantConsent(): void {
    pageConsent = true;
    for (const element of connected) element._admit?.();
  }

  /**
   * Withdraws consent: every gated element that got past the gate goes back to `consent` (its iframe and
   * blockquote removed), grants on cards are forgotten and the remembered choice is deleted. Cookies Meta
   * has already set stay: only the visitor's browser can delete them.
   */
  static revokeConsent(): void {
    pageConsent = false;
    try {
      localStorage.removeItem(CONSENT_KEY);
    } catch {
      // Storage disabled: nothing can have been remembered.
    }
    for (const element of connected) {
      element._granted = undefined;
      if (element._admitted) void element._start();
    }
  }

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
    consent: {},
    strings: { attribute: false },
  };

  /**
   * Registers the class as `tag` in `registry`, unless that name is taken: importing the registering
   * module twice, or the classic script next to the npm build, keeps the first class and throws nothing.
   * @example IgEmbedElement.define(); // <ig-embed>
   */
  static define(tag = 'ig-embed', registry: CustomElementRegistry = customElements): void {
    if (!registry.get(tag)) registry.define(tag, this);
  }

  // The box around the embed or the card, then the cards' styles (fallback-card.ts, consent-card.ts): one
  // stylesheet from our own constant text. unsafeCSS, not css``: css`` only adds checks for interpolated
  // values, which this text has none of, and they cost 160 B gzip in the classic script. Written compact on
  // purpose, each line continued with `\` (no newline in the text): it is shipped as is and counts against
  // that script's budget.
  static override styles = unsafeCSS(
    `:host{display:block;min-width:326px}:host([hidden]),[hidden]{display:none!important}\
[part=frame]{box-sizing:border-box;display:flex;flex-direction:column;overflow:hidden;transition:height .25s;\
min-height:var(--ig-embed-min-height,640px);border-radius:var(--ig-embed-radius,3px)}\
:host(:not([state=rendered],[state=fallback])) [part=frame]{height:var(--ig-embed-min-height,640px);background:var(--ig-embed-skeleton,light-dark(#efefef,#262626))}\
::slotted(*){position:relative}\
${cardStyles}\
${consentStyles}`,
  );

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
  declare consent: 'required' | 'granted' | '';
  /** Per-element card text, merged over `IgEmbedElement.strings`. */
  declare strings: Partial<IgEmbedStrings> | undefined;

  private _state: IgEmbedState = 'idle';
  private _run: AbortController | undefined;
  private _key: string | undefined;
  private _reason: FallbackReason | undefined;
  private _data: OembedData | undefined;
  /** The reserved box's height from MEASURE (px), once there is one. */
  private _height: number | undefined;
  private _frame: HTMLElement | undefined;
  private _slot: HTMLSlotElement | undefined;
  /** Ends this run's wait in `consent`. */
  private _admit: (() => void) | undefined;
  /** This run was gated and got past the gate (revoking consent restarts it). */
  private _admitted: boolean | undefined;
  /** The post a visitor allowed on this element's card. */
  private _granted: string | undefined;

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
    connected.add(this);
    // Re-added after removal: run again. On the first connect the first update is still pending (the
    // first run starts from it, so that properties set right after creation are in place): nothing more.
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    connected.delete(this);
    this._run?.abort();
    this._run = undefined;
  }

  // Runs before render, so the state the run starts with is rendered in this same update.
  protected override willUpdate(): void {
    const key = [this.url, this.endpoint, this.maxwidth, this.hidecaption, this.consent].join(' ');
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
    const text = this._text();
    const content = this._state === 'fallback'
      ? fallbackCard(this, this._reason, this._data, text)
      : this._state === 'consent'
        ? consentCard(this, text, IgEmbedElement.consentRemember, (remember) => this._grant(remember))
        : (this._slot as HTMLSlotElement);
    if (frame.firstChild !== content) frame.replaceChildren(content);
    // CSSOM, not style attributes, so a strict style-src does not block our own box.
    frame.style.maxWidth = `${this._maxwidth() ?? DEFAULT_WIDTH}px`;
    const growing = this._state === 'idle' || this._state === 'loading';
    frame.style.height = growing && this._height ? `${this._height}px` : '';
    frame.style.minHeight = !growing && this._height ? `${this._height}px` : '';
  }

  /**
   * Resolves when the element may contact the network as far as its position goes: at once for
   * `loading="eager"`, else when it comes within one viewport of the screen. The consent gate comes
   * after it; nothing is requested before both have passed. Never resolves once `signal` aborts.
   */
  protected ready(signal: AbortSignal): Promise<void> {
    if (this.loading === 'eager') return Promise.resolve();
    return new Promise((resolve) => {
      const observer = new IntersectionObserver(
        (entries) => {
          if (!entries.find((entry) => entry.isIntersecting)) return;
          observer.disconnect();
          resolve();
        },
        { rootMargin: '100% 0px' },
      );
      observer.observe(this);
      signal.addEventListener('abort', () => observer.disconnect());
    });
  }

  /** One life for the current url: idle → ready (near the viewport) → consent, if gated → loading → the run's outcome → its event. */
  private async _start(): Promise<void> {
    this._run?.abort();
    const { signal } = (this._run = new AbortController());
    this._data = this._reason = this._admit = this._height = this._admitted = undefined;
    this._setState('idle');

    const post = parsePostUrl(this.url);
    if (!post) return this._fallback('invalid_url');
    await this.ready(signal);
    if (signal.aborted) return;
    // The gate: the element's own attribute wins over the page-wide setting.
    if (this.consent === 'required' || (this.consent !== 'granted' && IgEmbedElement.consent === 'required')) {
      if (!pageConsent && this._granted !== post.url && !remembered()) {
        this._setState('consent');
        await new Promise<void>((resolve) => (this._admit = resolve));
        if (signal.aborted) return;
      }
      this._admitted = true;
    }
    this._setState('loading');
    const endpoint = this._endpoint();
    const outcome = await runEmbed(
      {
        host: this,
        post: post.url,
        href: oembedHref(endpoint, post.url, this._maxwidth(), this.hidecaption),
        timeout: this.timeout >= 0 ? this.timeout : 10000,
        scriptSrc: IgEmbedElement.scriptSrc,
        received: (data) => (this._data = data),
        // Grows the reserved box to a MEASURE height, never shrinking it (the iframe's own border and
        // margin come on top); the frame exists from the first connect, before any run can measure.
        measured: (height) => {
          const next = Math.ceil(height) + 14;
          if (next <= (this._frame as HTMLElement).offsetHeight) return;
          this._height = next;
          this.requestUpdate();
        },
        // "Instagram post by {author}", the author as the card would name it, else "Instagram post".
        title: (data) => {
          const author = this.author || data.author_name || post.username;
          const text = this._text();
          return author ? text.frameTitleBy.replace('{author}', () => author) : text.frameTitle;
        },
      },
      signal,
    ).catch(() => undefined);
    // Aborted: a newer run, or the removal, owns the element now and nothing is announced.
    if (signal.aborted || !outcome) return;
    if (outcome !== 'rendered') return this._fallback(outcome);
    this._setState('rendered');
    this.dispatchEvent(new CustomEvent('ig-embed-load', { detail: { url: post.url }, bubbles: true, composed: true }));
  }

  /** The consent card's button: this post, or (remember ticked) the whole page and the next visits. */
  private _grant(remember: boolean): void {
    const url = parsePostUrl(this.url)?.url as string;
    this._granted = url;
    const scope = remember ? 'page' : 'element';
    this.dispatchEvent(new CustomEvent('ig-embed-consent', { detail: { url, scope }, bubbles: true, composed: true }));
    // A listener may have revoked it at once (a consent manager saying no): then nothing loads.
    if (this._granted !== url) return;
    if (!remember) return this._admit?.();
    try {
      localStorage.setItem(CONSENT_KEY, 'granted');
    } catch {
      // Storage disabled: this page is allowed, later pages ask again.
    }
    IgEmbedElement.grantConsent();
  }

  private _fallback(reason: FallbackReason): void {
    this._reason = reason;
    this._setState('fallback');
    this.dispatchEvent(new CustomEvent('ig-embed-fallback', { detail: { reason }, bubbles: true, composed: true }));
    // After the event: a page's console wrapper that throws cannot cost it.
    warnOnce(reason, this, this._endpoint(), IgEmbedElement.scriptSrc);
  }

  private _setState(state: IgEmbedState): void {
    this._state = state;
    this.setAttribute('state', state);
    // Assistive technology waits for the post (or the card) instead of reading an empty box.
    this.ariaBusy = state === 'idle' || state === 'loading' ? 'true' : null;
    this.requestUpdate();
  }

  // Defaults first, so a page-wide strings object written before a string was added still works.
  /** Card text: defaults first, so a page-wide strings object written before a string was added still works. */
  private _text(): IgEmbedStrings {
    return { ...defaultStrings, ...IgEmbedElement.strings, ...this.strings };
  }

  private _endpoint(): string {
    return this.endpoint || IgEmbedElement.endpoint || location.origin;
  }

  private _maxwidth(): number | undefined {
    return this.maxwidth >= MIN_EMBED_WIDTH && this.maxwidth <= MAX_EMBED_WIDTH ? Math.round(this.maxwidth) : undefined;
  }
}
