import '../../widget/index.js';
import { cleanup, container, embed, equal, nextEvent, post, proxyCalls, settled, unique, untilState } from './support/helpers.js';

afterEach(cleanup);

/** Only to prove that something does NOT happen within `ms` (every use says what). */
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function record(element: HTMLElement): string[] {
  const events: string[] = [];
  element.addEventListener('ig-embed-load', () => events.push('load'));
  element.addEventListener('ig-embed-fallback', (event) => events.push(`fallback:${(event as CustomEvent).detail.reason}`));
  return events;
}

describe('races', () => {
  it('changing url mid-flight aborts the old request and renders only the new post', async () => {
    const slow = unique('Slow');
    const fresh = unique('Fresh');
    const element = embed({ url: post(slow), loading: 'eager' });
    const events = record(element);
    await untilState(element, ['loading']);
    element.url = post(fresh);
    await nextEvent(element, 'ig-embed-load');
    await delay(600); // proves absence: the slow answer (400 ms) would have landed by now, and nothing follows
    equal(events.join(), 'load', 'events');
    equal(element.querySelectorAll('[data-ig-embed-content]').length, 1, 'one wrapper');
    equal(element.querySelector('iframe')?.src.includes(`/p/${fresh}/embed/`), true, 'iframe of the new post');
    equal(element.state, 'rendered', 'state');
  });

  it('changing url after rendering re-renders the new post', async () => {
    const element = embed({ url: post(unique('First')), loading: 'eager' });
    await nextEvent(element, 'ig-embed-load');
    const second = unique('Second');
    element.setAttribute('url', post(second));
    await nextEvent(element, 'ig-embed-load');
    equal(element.querySelectorAll('iframe').length, 1, 'one iframe');
    equal(element.querySelector('iframe')?.src.includes(`/p/${second}/embed/`), true, 'iframe of the new post');
  });

  it('removal mid-flight aborts its work and fires nothing; re-adding renders', async () => {
    const element = embed({ url: post(unique('Slow')), loading: 'eager' });
    const events = record(element);
    await untilState(element, ['loading']);
    equal(element.state, 'loading', 'state before removal');
    element.remove();
    await delay(600); // proves absence: the slow answer (400 ms) would have landed by now, and no event fires
    equal(events.join(), '', 'events after removal');
    equal(element.querySelector('[data-ig-embed-content]'), null, 'no content inserted');
    container().append(element);
    await nextEvent(element, 'ig-embed-load');
    equal(events.join(), 'load', 'events after re-adding');
  });

  it('removal while the iframe loads cancels the timeout and removes the iframe', async () => {
    const element = embed({ url: post(unique('Never')), loading: 'eager', timeout: '1000' });
    const events = record(element);
    await new Promise<void>((resolve) => {
      const watcher = new MutationObserver(() => element.querySelector('iframe') && resolve());
      watcher.observe(element, { childList: true, subtree: true });
    });
    element.remove();
    await delay(1200); // proves absence: the 1000 ms mount timeout would have fired by now
    equal(events.join(), '', 'events');
    equal(element.querySelector('iframe'), null, 'iframe removed');
  });

  it('identical requests share one fetch, and one element leaving does not cancel the other', async () => {
    const code = unique('Slow');
    const leaving = embed({ url: post(code), loading: 'eager' });
    const staying = embed({ url: post(code), loading: 'eager' });
    // Loading means the element has asked for its data: both share the fetch before one leaves.
    await Promise.all([untilState(leaving, ['loading']), untilState(staying, ['loading'])]);
    leaving.remove();
    const event = await settled(staying);
    equal(event.type, 'ig-embed-load', 'staying element rendered');
    equal((await proxyCalls()).filter((c) => c === code).length, 1, 'proxy calls');
  });

  it('different maxwidth or hidecaption make different requests', async () => {
    const code = unique('Variant');
    const elements = [
      embed({ url: post(code), loading: 'eager' }),
      embed({ url: post(code), loading: 'eager', maxwidth: '400' }),
      embed({ url: post(code), loading: 'eager', hidecaption: '' }),
      embed({ url: `https://instagram.com/someone/p/${code}/?igshid=1`, loading: 'eager' }),
    ];
    await Promise.all(elements.map(settled));
    const calls = (await (await fetch('/__proxy/calls')).json()) as Array<{ shortcode: string; search: string }>;
    const searches = calls.filter((c) => c.shortcode === code).map((c) => c.search).sort();
    const url = encodeURIComponent(post(code));
    equal(
      searches.join('\n'),
      [`url=${url}&omitscript=true`, `url=${url}&omitscript=true&hidecaption=true`, `url=${url}&omitscript=true&maxwidth=400`].join('\n'),
    );
  });
});
