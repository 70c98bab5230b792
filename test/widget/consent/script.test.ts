// The classic script with data-consent="<adapter>": it turns the gate on and loads the adapter file from its own directory (issue 16).
import type { IgEmbedElement } from '../../../widget/element.js';
import { absence } from '../support/adapter-suite.js';
import { CookiebotStub } from '../support/cmp-stubs/cookiebot.js';
import { assertBuilt, deepEqual, equal, openPage, recordRequests, SETTLED, untilState } from '../support/helpers.js';

/** Opens a page of the classic script in an iframe, with its <ig-embed> elements. */
async function open(path: string): Promise<{ view: Window & typeof globalThis; elements: IgEmbedElement[]; frame: HTMLIFrameElement }> {
  const { view, frame } = await openPage(path);
  return { view, elements: Array.from(view.document.querySelectorAll('ig-embed')), frame };
}

/** Same-origin requests by path and query, anything else by its URL. (The pages' script URLs differ by query, so the browser's cache of one page does not hide another's requests.) */
const paths = (urls: string[]) => urls.map((href) => (new URL(href).origin === location.origin ? `${new URL(href).pathname}${new URL(href).search}` : href));

describe('data-consent="<adapter>" on the classic script tag', () => {
  before(() => assertBuilt(['ig-embed.js', 'ig-embed.consent-cookiebot.js']));

  it('gates every post and loads ig-embed.consent-cookiebot.js from its own directory; Cookiebot\'s consent to data-consent-category renders them', async () => {
    const requests = await recordRequests();
    const { view, elements, frame } = await open('/test/widget/pages/consent-cookiebot.html');
    for (const element of elements) equal(await untilState(element, ['consent']), 'consent', element.url);
    await absence();
    deepEqual(paths(await requests()), ['/test/widget/pages/consent-cookiebot.html', '/widget/dist/script/ig-embed.js?cookiebot', '/widget/dist/script/ig-embed.consent-cookiebot.js'], 'requests before consent');

    const cookiebot = new CookiebotStub(view);
    cookiebot.load({ marketing: true });
    await absence();
    deepEqual(elements.map((element) => element.state), ['consent', 'consent'], 'marketing is not the category the tag named');
    cookiebot.submit({ preferences: true });
    for (const element of elements) equal(await untilState(element, SETTLED), 'rendered', element.url);
    cookiebot.submit({});
    for (const element of elements) equal(await untilState(element, ['consent']), 'consent', `${element.url} after withdrawal`);
    frame.remove();
  });

  it('works as a tag of its own before ig-embed.js (the form that can carry integrity), its own options winning', async () => {
    const requests = await recordRequests();
    const { view, elements: [element], frame } = await open('/test/widget/pages/consent-cookiebot-pinned.html');
    equal(await untilState(element as IgEmbedElement, ['consent']), 'consent', 'gated');
    const cookiebot = new CookiebotStub(view);
    cookiebot.load({ marketing: true });
    await absence();
    equal((element as IgEmbedElement).state, 'consent', 'marketing, named by the ig-embed.js tag, does not count');
    cookiebot.submit({ statistics: true });
    equal(await untilState(element as IgEmbedElement, SETTLED), 'rendered', 'statistics, named by the adapter\'s tag');
    deepEqual(paths(await requests()).slice(0, 3), ['/test/widget/pages/consent-cookiebot-pinned.html', '/widget/dist/script/ig-embed.consent-cookiebot.js?pinned', '/widget/dist/script/ig-embed.js?pinned'], 'requests');
    frame.remove();
  });

  it('loads the adapter under Trusted Types through the ig-embed policy, with no violation', async () => {
    const { view, elements: [element], frame } = await open('/test/widget/pages/consent-cookiebot.tt.html');
    equal(await untilState(element as IgEmbedElement, ['consent']), 'consent', 'gated');
    // Only the adapter opens the gate on this page: rendering after Cookiebot's yes proves it ran.
    new CookiebotStub(view).load({ marketing: true });
    equal(await untilState(element as IgEmbedElement, SETTLED), 'rendered', 'after consent');
    equal(view.document.querySelectorAll('script[src$="/widget/dist/script/ig-embed.consent-cookiebot.js"]').length, 1, 'the adapter tag');
    deepEqual((view as unknown as { violations: string[] }).violations, [], 'violations');
    frame.remove();
  });

  it('keeps the posts behind their cards when the adapter named does not exist', async () => {
    const requests = await recordRequests();
    const { elements: [element], frame } = await open('/test/widget/pages/consent-unknown.html');
    equal(await untilState(element as IgEmbedElement, ['consent', ...SETTLED]), 'consent', 'state');
    await absence();
    deepEqual(paths(await requests()), ['/test/widget/pages/consent-unknown.html', '/widget/dist/script/ig-embed.js?unknown', '/widget/dist/script/ig-embed.consent-cookiebott.js'], 'requests');
    frame.remove();
  });
});
