import '../../widget/index.js';
import { heightFor } from '../support/fake-instagram/index.mjs';
import { cleanup, embed, equal, nextEvent, post, unique } from './support/helpers.js';

afterEach(cleanup);

function iframeInserted(element: HTMLElement): Promise<HTMLIFrameElement> {
  return new Promise((resolve) => {
    const watcher = new MutationObserver(() => {
      const frame = element.querySelector('iframe');
      if (frame) {
        watcher.disconnect();
        resolve(frame);
      }
    });
    watcher.observe(element, { childList: true, subtree: true });
  });
}

describe('messages from embed iframes', () => {
  it('MEASURE alone is not rendered, and MOUNTED from another origin or window is ignored', async () => {
    const element = embed({ url: post(unique('Never')), loading: 'eager', timeout: '1500' });
    const frame = await iframeInserted(element);
    // A page-level forgery: right shape, wrong source.
    window.postMessage(JSON.stringify({ type: 'MOUNTED', details: {} }), '*');
    // The element's own iframe, navigated to a page of another origin that posts MEASURE and MOUNTED.
    const done = new Promise<void>((resolve) => addEventListener('message', (event) => event.data === 'done' && resolve()));
    frame.src = '/test/widget/pages/post-mounted.html';
    await done;
    equal(element.state, 'loading', 'state after forged messages');
    const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
    equal(event.detail.reason, 'timeout', 'reason');
  });

  it('MEASURE from the element\'s iframe grows the reserved box smoothly, never shrinking it', async () => {
    const code = unique('LateTall');
    const element = embed({ url: post(code), loading: 'eager' });
    await iframeInserted(element);
    const frame = element.shadowRoot?.querySelector('[part=frame]') as HTMLElement;
    equal(getComputedStyle(frame).transitionProperty, 'height', 'transition');
    await nextEvent(element, 'ig-embed-load');
    const expected = Math.max(640, heightFor(code) + 14);
    equal(frame.getBoundingClientRect().height, expected, 'box height');
  });
});
