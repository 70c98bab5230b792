// A page that has its own <script src=".../embed.js"> (Meta's paste-in embed code) before window.instgrm
// exists: ig-embed waits for that tag instead of adding a second one.
import '../../widget/index.js';
import { IgEmbedElement } from '../../widget/element.js';
import { cleanup, embed, equal, fakeInstgrm, nextEvent, post, settled, unique } from './support/helpers.js';

afterEach(cleanup);

function pageTag(src: string): HTMLScriptElement {
  const tag = document.createElement('script');
  tag.async = true;
  tag.src = src;
  document.body.append(tag);
  return tag;
}

describe('a page with its own embed.js tag', () => {
  it('that already ran without defining window.instgrm: falls back with script_blocked after the timeout', async () => {
    const src = 'https://www.instagram.com/empty/embed.js?page-tag';
    await nextEvent(pageTag(src), 'load');
    IgEmbedElement.scriptSrc = src;
    const element = embed({ url: post(unique('PageTag')), loading: 'eager', timeout: '1000' });
    const started = performance.now();
    const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
    equal(event.detail.reason, 'script_blocked', 'reason');
    equal(performance.now() - started < 4000, true, 'not left waiting for a load event that already happened');
    equal(document.querySelectorAll(`script[src="${src}"]`).length, 1, 'embed.js tags');
    equal(fakeInstgrm()?.scriptLoads, 1, 'embed.js executions');
  });

  it('still loading: reuses it for every element, and all render', async () => {
    const src = 'https://www.instagram.com/embed.js?delay=300&page-tag';
    pageTag(src);
    IgEmbedElement.scriptSrc = src;
    const elements = [0, 1, 2].map(() => embed({ url: post(unique('PageTag')), loading: 'eager' }));
    const results = await Promise.all(elements.map(settled));
    equal(results.map((event) => event.type).join(), 'ig-embed-load,ig-embed-load,ig-embed-load', 'all rendered');
    equal(document.querySelectorAll(`script[src="${src}"]`).length, 1, 'embed.js tags');
    equal(fakeInstgrm()?.scriptLoads, 2, 'embed.js executions (one per tag on the page)');
  });
});
