// Console diagnostics: one warning per fallback reason per page (this file is one page), saying what to look at.
import '../../widget/index.js';
import { IgEmbedElement } from '../../widget/element.js';
import { cleanup, embed, equal, nextEvent, post, unique } from './support/helpers.js';

const warnings: unknown[][] = [];
const originalWarn = console.warn;
before(() => {
  // The seam is the console itself: what a developer would see in devtools.
  console.warn = (...args: unknown[]) => void warnings.push(args);
});
after(() => {
  console.warn = originalWarn;
});
afterEach(cleanup);

/** Falls back two elements made by `attributes` one after the other; returns them with their reasons. */
async function twoFallbacks(attributes: () => Record<string, string>): Promise<{ elements: IgEmbedElement[]; reasons: string }> {
  const elements: IgEmbedElement[] = [];
  const reasons: string[] = [];
  for (let i = 0; i < 2; i++) {
    const element = embed({ loading: 'eager', ...attributes() });
    elements.push(element);
    reasons.push((await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback')).detail.reason);
  }
  return { elements, reasons: reasons.join() };
}

/** Takes the warnings written so far: each as its text, and whether its second argument is `element`. */
function takeWarnings(element: Element): string[] {
  return warnings.splice(0).map(([text, subject]) => `${String(text)} | ${subject === element ? 'the first element' : String(subject)}`);
}

const proxy = location.origin;

describe('console diagnostics for fallbacks', () => {
  it('origin_not_allowed names the page\'s origin and ALLOWED_ORIGINS, once for two elements', async () => {
    const { elements, reasons } = await twoFallbacks(() => ({ url: post(unique('Refused')) }));
    equal(reasons, 'origin_not_allowed,origin_not_allowed', 'reasons');
    equal(takeWarnings(elements[0] as Element).join('\n'),
      `ig-embed: origin_not_allowed (${location.origin}): add it to the proxy's ALLOWED_ORIGINS | the first element`);
  });

  it('proxy_error points at the proxy\'s log', async () => {
    const { elements, reasons } = await twoFallbacks(() => ({ url: post(unique('Broken')) }));
    equal(reasons, 'proxy_error,proxy_error', 'reasons');
    equal(takeWarnings(elements[0] as Element).join('\n'), `ig-embed: proxy_error (${proxy}): see the proxy's log | the first element`);
  });

  it('network names the proxy that could not be reached and the CSP connect-src', async () => {
    const { elements, reasons } = await twoFallbacks(() => ({ url: post(unique('Any')), endpoint: 'http://127.0.0.1:9' }));
    equal(reasons, 'network,network', 'reasons');
    equal(takeWarnings(elements[0] as Element).join('\n'),
      'ig-embed: network (http://127.0.0.1:9): proxy down? CSP connect-src? | the first element');
  });

  it('timeout points at the proxy\'s log, Instagram and the CSP frame-src', async () => {
    const { elements, reasons } = await twoFallbacks(() => ({ url: post(unique('Hang')), timeout: '300' }));
    equal(reasons, 'timeout,timeout', 'reasons');
    equal(takeWarnings(elements[0] as Element).join('\n'),
      `ig-embed: timeout (${proxy}): see the proxy's log; Instagram down? CSP frame-src? | the first element`);
  });

  it('invalid_url quotes the url as written', async () => {
    const { elements, reasons } = await twoFallbacks(() => ({ url: `https://www.instagram.com/${unique('profile')}/` }));
    equal(reasons, 'invalid_url,invalid_url', 'reasons');
    equal(takeWarnings(elements[0] as Element).join('\n'),
      `ig-embed: invalid_url ("${elements[0]?.url}"): not a post URL | the first element`);
  });

  it('script_blocked names the embed.js URL, an ad blocker and the CSP script-src', async () => {
    const saved = IgEmbedElement.scriptSrc;
    IgEmbedElement.scriptSrc = 'https://www.instagram.com/blocked/embed.js';
    try {
      const { elements, reasons } = await twoFallbacks(() => ({ url: post(unique('Post')) }));
      equal(reasons, 'script_blocked,script_blocked', 'reasons');
      equal(takeWarnings(elements[0] as Element).join('\n'),
        'ig-embed: script_blocked (https://www.instagram.com/blocked/embed.js): ad blocker? CSP script-src? | the first element');
    } finally {
      IgEmbedElement.scriptSrc = saved;
    }
  });

  it('not_embeddable writes nothing: a deleted or private post is not a fault to fix', async () => {
    const { reasons } = await twoFallbacks(() => ({ url: post(unique('Gone')) }));
    equal(reasons, 'not_embeddable,not_embeddable', 'reasons');
    // The warning would have been written right after the event, in the same task: nothing to wait for.
    equal(takeWarnings(document.body).join('\n'), '', 'warnings');
  });

  it('a reason already reported stays quiet for the rest of the page', async () => {
    const { reasons } = await twoFallbacks(() => ({ url: post(unique('Broken')) }));
    equal(reasons, 'proxy_error,proxy_error', 'reasons');
    equal(takeWarnings(document.body).join('\n'), '', 'warnings');
  });
});
