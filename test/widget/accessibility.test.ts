// What assistive technology is told: aria-busy while the box waits, and a name for Instagram's iframe.
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
