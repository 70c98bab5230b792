// What assistive technology is told: aria-busy while the box waits, a name for Instagram's iframe, and a
// card that reads the same whatever text styles the host page lets it inherit.
import '../../widget/index.js';
import { cleanup, container, deepEqual, embed, equal, nextEvent, post, unique, untilState } from './support/helpers.js';
import type { IgEmbedElement } from '../../widget/element.js';

afterEach(cleanup);

/** Resolves with `element`'s aria-busy as it is when the run's event is dispatched (state already final). */
function busyAtEnd(element: IgEmbedElement): Promise<string> {
  return new Promise((resolve) => {
    const report = (event: Event) => resolve(`${event.type}: ${element.state} aria-busy=${element.getAttribute('aria-busy')}`);
    element.addEventListener('ig-embed-load', report, { once: true });
    element.addEventListener('ig-embed-fallback', report, { once: true });
  });
}

describe('aria-busy', () => {
  it('is "true" while idle and loading, and gone once the post is rendered', async () => {
    const spacer = container().appendChild(document.createElement('div'));
    spacer.style.height = `${window.innerHeight * 4}px`;
    const element = embed({ url: post(unique('Slow')) });
    await untilState(element, ['idle']);
    equal(element.getAttribute('aria-busy'), 'true', 'idle');
    const end = busyAtEnd(element);
    element.scrollIntoView();
    await untilState(element, ['loading']);
    equal(element.getAttribute('aria-busy'), 'true', 'loading');
    equal(await end, 'ig-embed-load: rendered aria-busy=null');
    window.scrollTo(0, 0);
  });

  it('is gone once the card is shown, including for an invalid url decided at once', async () => {
    const gone = embed({ url: post(unique('Gone')), loading: 'eager' });
    equal(await busyAtEnd(gone), 'ig-embed-fallback: fallback aria-busy=null', 'not embeddable');
    const invalid = embed({ url: 'https://example.com/', loading: 'eager' });
    await untilState(invalid, ['fallback']);
    equal(invalid.getAttribute('aria-busy'), null, 'invalid url');
  });

  it('comes back when a new url starts a new run', async () => {
    const element = embed({ url: post(unique('Gone')), loading: 'eager' });
    await untilState(element, ['fallback']);
    element.url = post(unique('Slow'));
    await untilState(element, ['loading']);
    equal(element.getAttribute('aria-busy'), 'true', 'loading again');
    equal(await busyAtEnd(element), 'ig-embed-load: rendered aria-busy=null');
  });
});

describe('the title of Instagram\'s iframe', () => {
  async function titleOf(attributes: Record<string, string>, strings?: IgEmbedElement['strings']): Promise<string | null | undefined> {
    const element = embed({ loading: 'eager', ...attributes });
    element.strings = strings;
    await nextEvent(element, 'ig-embed-load');
    return element.querySelector('iframe.instagram-media')?.getAttribute('title');
  }

  it('is "Instagram post" when the author is unknown', async () => {
    equal(await titleOf({ url: post(unique('Title')) }), 'Instagram post');
  });

  it('names the author from the author attribute, the URL\'s username, or the proxy\'s legacy author_name', async () => {
    deepEqual(
      [
        await titleOf({ url: post(unique('Title')), author: 'Jane Doe' }),
        await titleOf({ url: `https://www.instagram.com/janedoe/p/${unique('Title')}/` }),
        await titleOf({ url: post(unique('Legacy')) }),
        await titleOf({ url: post(unique('Legacy')), author: 'Page author' }),
      ],
      ['Instagram post by Jane Doe', 'Instagram post by janedoe', 'Instagram post by natgeo', 'Instagram post by Page author'],
    );
  });

  it('is translated with the strings, and an author name is inserted literally', async () => {
    const strings = { frameTitle: 'Publication Instagram', frameTitleBy: 'Publication Instagram de {author}' };
    deepEqual(
      [await titleOf({ url: post(unique('Title')) }, strings), await titleOf({ url: post(unique('Title')), author: "$& $' $$" }, strings)],
      ['Publication Instagram', "Publication Instagram de $& $' $$"],
    );
  });

  it('is there before the post mounts (assistive technology meets the frame as soon as it is inserted)', async () => {
    const element = embed({ url: post(unique('LateTitle')), loading: 'eager' });
    const named = new Promise<string>((resolve) => {
      const watcher = new MutationObserver(() => {
        const iframe = element.querySelector('iframe.instagram-media');
        if (!iframe?.hasAttribute('title')) return;
        watcher.disconnect();
        resolve(`${iframe.getAttribute('title')} rendered=${iframe.classList.contains('instagram-media-rendered')} state=${element.state}`);
      });
      watcher.observe(element, { childList: true, subtree: true, attributeFilter: ['title'] });
    });
    // Late…: MOUNTED comes 600 ms after the iframe loads.
    equal(await named, 'Instagram post rendered=false state=loading');
  });
});

describe('the card\'s text on a host page with unusual inherited text styles', () => {
  // Inherited text properties a host page may set, to values that would visibly change the card. Left
  // out on purpose: hyphens and overflow-wrap (they act only where a word would overflow, by the page's
  // language) and direction (a right-to-left page gets a right-to-left card).
  const HOSTILE = 'text-align:center;letter-spacing:4px;word-spacing:12px;text-transform:uppercase;line-height:3;'
    + 'font-style:italic;font-weight:900;font-variant:small-caps;text-indent:40px;white-space:pre;text-shadow:1px 1px red;'
    + 'font-feature-settings:"smcp";font-kerning:none;font-stretch:condensed;word-break:break-all';
  const PROPERTIES = ['textAlign', 'letterSpacing', 'wordSpacing', 'textTransform', 'lineHeight', 'fontStyle', 'fontWeight',
    'fontVariantCaps', 'textIndent', 'whiteSpace', 'textShadow', 'fontFeatureSettings', 'fontKerning', 'fontStretch', 'wordBreak'] as const;

  /** The card's parts under a host of `style`: their computed text properties and their boxes relative to the card. */
  async function cardUnder(style: string): Promise<Record<string, string>> {
    const host = container().appendChild(document.createElement('div'));
    host.style.cssText = style;
    const element = embed({ url: `https://www.instagram.com/janedoe/p/${unique('Gone')}/`, loading: 'eager' }, host);
    await nextEvent(element, 'ig-embed-fallback');
    await element.updateComplete;
    const root = element.shadowRoot as ShadowRoot;
    const origin = (root.querySelector('[part=card]') as Element).getBoundingClientRect();
    const described: Record<string, string> = {};
    for (const part of ['card', 'author', 'provider', 'message', 'link']) {
      const node = root.querySelector(`[part=${part}]`) as HTMLElement;
      const text = part === 'message' ? (node.querySelector('p') as HTMLElement) : node;
      const computed = getComputedStyle(text);
      const box = text.getBoundingClientRect();
      described[part] = `${PROPERTIES.map((name) => computed[name]).join(' | ')} @ ${Math.round(box.left - origin.left)},${Math.round(box.top - origin.top)} ${Math.round(box.width)}x${Math.round(box.height)}`;
    }
    return described;
  }

  it('reads and lays out exactly as on a plain page', async () => {
    const plain = await cardUnder('');
    const hostile = await cardUnder(HOSTILE);
    deepEqual(hostile, plain);
    // The plain card is the reference: the author's name starts at the left, after the avatar.
    equal(plain.author?.startsWith('start | normal | 0px | none | 19.6px | normal | 600 | normal | 0px | '), true, plain.author);
  });
});
