import '../../widget/index.js';
import { cleanup, embed, equal, nextEvent, post, proxyCalls, unique } from './support/helpers.js';

afterEach(cleanup);

async function fallbackReason(code: string, url = post(code)): Promise<{ reason: string; state: string; calls: number }> {
  const element = embed({ url, loading: 'eager' });
  const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
  return { reason: event.detail.reason, state: element.state, calls: (await proxyCalls()).filter((c) => c === code).length };
}

describe('proxy answers that end in the fallback card', () => {
  it('maps 404 not_embeddable to reason not_embeddable', async () => {
    const code = unique('Gone');
    equal(JSON.stringify(await fallbackReason(code)), JSON.stringify({ reason: 'not_embeddable', state: 'fallback', calls: 1 }));
  });

  it('maps 502 upstream_error to reason proxy_error', async () => {
    const code = unique('Broken');
    equal(JSON.stringify(await fallbackReason(code)), JSON.stringify({ reason: 'proxy_error', state: 'fallback', calls: 1 }));
  });

  it('maps 403 origin_not_allowed to reason origin_not_allowed, not proxy_error', async () => {
    const code = unique('Refused');
    equal(JSON.stringify(await fallbackReason(code)), JSON.stringify({ reason: 'origin_not_allowed', state: 'fallback', calls: 1 }));
  });

  it('maps a destroyed connection to reason network', async () => {
    // Chromium retries a GET once when a reused keep-alive connection dies, so the call count is 1 or 2.
    const { reason, state } = await fallbackReason(unique('Drop'));
    equal(`${reason} ${state}`, 'network fallback');
  });

  it('maps the proxy\'s invalid_url code to reason invalid_url', async () => {
    const code = unique('Invalid');
    equal(JSON.stringify(await fallbackReason(code)), JSON.stringify({ reason: 'invalid_url', state: 'fallback', calls: 1 }));
  });

  it('falls back with invalid_url for a profile URL without asking the proxy', async () => {
    const code = unique('Profile');
    const result = await fallbackReason(code, `https://www.instagram.com/${code}/`);
    equal(JSON.stringify(result), JSON.stringify({ reason: 'invalid_url', state: 'fallback', calls: 0 }));
  });

  it('maps a proxy that cannot be reached to reason network', async () => {
    const element = embed({ url: post(unique('Any')), loading: 'eager', endpoint: 'http://127.0.0.1:9' });
    const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
    equal(event.detail.reason, 'network');
  });

  it('retries a 429 with Retry-After: 1 once and then renders', async () => {
    const code = unique('Busy');
    const element = embed({ url: post(code), loading: 'eager' });
    const started = performance.now();
    await nextEvent(element, 'ig-embed-load');
    equal((await proxyCalls()).filter((c) => c === code).length, 2, 'proxy calls');
    equal(performance.now() - started >= 1000, true, 'waited for Retry-After');
  });

  it('retries a 503 once, then falls back with proxy_error', async () => {
    const code = unique('Closed');
    equal(JSON.stringify(await fallbackReason(code)), JSON.stringify({ reason: 'proxy_error', state: 'fallback', calls: 2 }));
  });
});

describe('hostile embed HTML', () => {
  it('executes nothing, while the clean part of the blockquote arrives', async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
    const element = embed({ url: post(unique('Hostile')), loading: 'eager' });
    let inserted = '';
    const watcher = new MutationObserver(() => {
      const wrapper = element.querySelector('[data-ig-embed-content]');
      if (wrapper && !inserted) inserted = wrapper.innerHTML;
    });
    watcher.observe(element, { childList: true });
    await nextEvent(element, 'ig-embed-load');
    watcher.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 200)); // proves absence: no injected handler runs, given 200 ms to
    equal((window as { __hostileRan?: number }).__hostileRan, undefined, 'hostile code ran');
    equal(/<script|<iframe|<img|<form|<input|onerror|onclick|srcdoc|javascript:|url\(|id="hostile/i.test(inserted), false, `dangerous markup in ${inserted.slice(0, 80)}`);
    equal(inserted.startsWith('<blockquote class="instagram-media" data-instgrm-captioned="" data-instgrm-permalink="https://www.instagram.com/p/Hostile'), true, 'clean blockquote');
    equal(inserted.includes('<p>kept text</p>'), true, 'clean paragraph kept');
    equal(inserted.includes('View this post on Instagram'), true, 'Meta text kept');
    equal(violations.length, 0, 'CSP violations');
  });
});
