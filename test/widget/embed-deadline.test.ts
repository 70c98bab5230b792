// embed.js that loads but never inserts this element's iframe: the `timeout` deadline still ends the wait.
import '../../widget/index.js';
import { IgEmbedElement } from '../../widget/element.js';
import { cleanup, embed, equal, fakeInstgrm, nextEvent, post, unique } from './support/helpers.js';

afterEach(cleanup);

// Each case needs the page to have no window.instgrm yet; they run in order, one embed.js variant each.
async function fallbackWith(scriptSrc: string): Promise<{ reason: string; elapsed: number; element: HTMLElement }> {
  IgEmbedElement.scriptSrc = scriptSrc;
  const element = embed({ url: post(unique('Deadline')), loading: 'eager', timeout: '1000' });
  const started = performance.now();
  const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
  return { reason: event.detail.reason, elapsed: performance.now() - started, element };
}

describe('when embed.js loads but never inserts an iframe', () => {
  it('falls back with script_blocked after the timeout if embed.js defined no window.instgrm', async () => {
    const { reason, elapsed, element } = await fallbackWith('https://www.instagram.com/empty/embed.js');
    equal(reason, 'script_blocked', 'reason');
    equal(fakeInstgrm()?.scriptLoads, 1, 'embed.js ran');
    equal(elapsed >= 1000, true, `waited the timeout (${Math.round(elapsed)} ms)`);
    equal(element.querySelector('[data-ig-embed-content]'), null, 'blockquote wrapper removed');
  });

  it('falls back with timeout if window.instgrm exists but process() inserts nothing', async () => {
    delete (window as { instgrm?: unknown }).instgrm;
    const { reason, elapsed } = await fallbackWith('https://www.instagram.com/noop/embed.js');
    equal(reason, 'timeout', 'reason');
    equal(fakeInstgrm()?.scriptLoads, 2, 'embed.js ran');
    equal((fakeInstgrm()?.processCalls ?? 0) >= 1, true, 'process() was called');
    equal(elapsed >= 1000, true, `waited the timeout (${Math.round(elapsed)} ms)`);
  });

  it('falls back with timeout if process() throws, and the error does not escape to the page', async () => {
    delete (window as { instgrm?: unknown }).instgrm;
    const errors: string[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.message);
    addEventListener('error', onError);
    const processBefore = fakeInstgrm()?.processCalls ?? 0;
    const { reason } = await fallbackWith('https://www.instagram.com/throws/embed.js');
    removeEventListener('error', onError);
    equal(reason, 'timeout', 'reason');
    equal((fakeInstgrm()?.processCalls ?? 0) > processBefore, true, 'process() was called');
    equal(errors.join(), '', 'uncaught errors');
  });
});
