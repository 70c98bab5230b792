import '../../widget/index.js';
import { IgEmbedElement } from '../../widget/element.js';
import { cleanup, embed, equal, nextEvent, post, unique } from './support/helpers.js';

afterEach(cleanup);

describe('when embed.js cannot load', () => {
  it('falls back with script_blocked at once, without waiting for the timeout', async () => {
    IgEmbedElement.scriptSrc = 'https://www.instagram.com/blocked/embed.js';
    const element = embed({ url: post(unique('Blocked')), loading: 'eager', timeout: '60000' });
    const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
    equal(event.detail.reason, 'script_blocked', 'reason');
    equal(element.state, 'fallback', 'state');
    equal(element.querySelector('[data-ig-embed-content]'), null, 'blockquote wrapper removed');
    await element.updateComplete;
    equal(element.shadowRoot?.querySelector('[part=link]')?.getAttribute('href'), element.getAttribute('url'), 'card link');
  });

  it('every later element falls back too, with one attempt per page', async () => {
    const element = embed({ url: post(unique('Blocked')), loading: 'eager' });
    const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
    equal(event.detail.reason, 'script_blocked', 'reason');
    equal(document.querySelectorAll('script[src*="embed.js"]').length, 1, 'script tags');
  });
});
