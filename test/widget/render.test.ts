import '../../widget/index.js';
import { IgEmbedElement } from '../../widget/element.js';
import { cleanup, embed, equal, fakeInstgrm, nextEvent, post, proxyCalls, settled, unique } from './support/helpers.js';

afterEach(cleanup);

describe('the rendered path', () => {
  it('puts the blockquote in the light DOM where embed.js finds it, then reports rendered', async () => {
    const code = unique('Render');
    const element = embed({ url: post(code), loading: 'eager' });
    const states: string[] = [];
    const seen = new MutationObserver(() => states.push(element.getAttribute('state') ?? ''));
    seen.observe(element, { attributeFilter: ['state'] });
    const events: string[] = [];
    element.addEventListener('ig-embed-load', (event) => events.push(`${event.type}:${element.state}`));
    element.addEventListener('ig-embed-fallback', (event) => events.push(event.type));
    await nextEvent(element, 'ig-embed-load');
    // Proves absence: no state change and no second event follow ig-embed-load within 100 ms (embed.js's
    // own MOUNTED handler, which removes the blockquote, has run by then too: it runs in the same task).
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen.disconnect();
    equal(states.join(','), 'idle,loading,rendered', 'state sequence');
    equal(events.join(','), 'ig-embed-load:rendered', 'events');
    const wrapper = element.querySelector(':scope > [data-ig-embed-content]');
    equal(wrapper?.getAttribute('slot'), 'embed', 'wrapper slot');
    const iframe = wrapper?.querySelector('iframe');
    equal(iframe?.className, 'instagram-media instagram-media-rendered', 'iframe class');
    equal(iframe?.getAttribute('src')?.startsWith(`https://www.instagram.com/p/${code}/embed/captioned/?cr=1&v=14&wp=`), true, 'iframe src');
    equal(wrapper?.querySelector('blockquote'), null, 'embed.js removed the blockquote after MOUNTED');
    equal(element.shadowRoot?.querySelector<HTMLSlotElement>('slot[name=embed]')?.assignedElements()[0], wrapper, 'slotted wrapper');
    equal((await proxyCalls()).filter((c) => c === code).length, 1, 'proxy fetches');
  });

  it('loads embed.js once and calls process() at most 5 times for 20 posts arriving together', async () => {
    const before = fakeInstgrm();
    const processBefore = before?.processCalls ?? 0;
    const elements = Array.from({ length: 20 }, () => embed({ url: post(unique('Many')), loading: 'eager' }));
    const results = await Promise.all(elements.map(settled));
    equal(results.map((event) => event.type).join(), Array(20).fill('ig-embed-load').join(), 'all rendered');
    equal(fakeInstgrm()?.scriptLoads, 1, 'script executions');
    equal(document.querySelectorAll('script[src$="embed.js"]').length, 1, 'script tags');
    const calls = (fakeInstgrm()?.processCalls ?? 0) - processBefore;
    if (calls > 5) throw new Error(`process() called ${calls} times`);
  });

  it('hides the author\'s no-JS child and keeps it in the DOM', async () => {
    const element = document.createElement('ig-embed');
    element.setAttribute('url', post(unique('Child')));
    element.loading = 'eager';
    element.innerHTML = '<a href="https://www.instagram.com/p/x/">View this post on Instagram</a>';
    document.body.append(element);
    await settled(element);
    const link = element.querySelector(':scope > a') as HTMLElement;
    equal(link.assignedSlot, null, 'author child is not slotted');
    equal(link.getBoundingClientRect().height, 0, 'author child is not rendered');
    element.remove();
  });

  it('exposes the static configuration', () => {
    equal(IgEmbedElement.scriptSrc, 'https://www.instagram.com/embed.js', 'default embed.js');
    equal(customElements.get('ig-embed'), IgEmbedElement, 'registered class');
  });
});
