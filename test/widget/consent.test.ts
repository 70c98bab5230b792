// The consent gate (issue 15): nothing is requested before consent, per element, page-wide and from the script tag.
import '../../widget/index.js';
import { sendKeys } from '@web/test-runner-commands';
import { IgEmbedElement, type IgEmbedConsentDetail } from '../../widget/element.js';
import { contrast, paint } from './support/contrast.js';
import {
  assertBuilt, cleanup, container, deepEqual, embed, equal, leftovers, nextEvent, openPage, post, recordRequests, SETTLED, states, unique, untilState,
} from './support/helpers.js';

// A 1×1 PNG, so a thumbnail can load without any network.
const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

// How long a gated element is watched for a request it must not make. It has nothing left to wait for
// once it shows the card, so a request would come at once; the wait only proves that none does.
const ABSENCE_MS = 300;
const absence = () => new Promise((resolve) => setTimeout(resolve, ABSENCE_MS));

/** Names a request by what it is for: the proxy's data, Instagram's script or a post's iframe; anything else by its URL. */
function label(href: string): string {
  const url = new URL(href);
  const shortcode = (value: string | null) => /\/(?:p|reel|tv)\/([^/]+)\//.exec(value ?? '')?.[1];
  if (url.origin === location.origin && url.pathname.endsWith('/instagram_oembed')) return `proxy ${shortcode(url.searchParams.get('url'))}`;
  if (url.hostname === 'www.instagram.com' && url.pathname.endsWith('/embed.js')) return 'embed.js';
  if (url.hostname === 'www.instagram.com' && url.pathname.includes('/embed/')) return `frame ${shortcode(url.pathname)}`;
  return url.origin === location.origin ? url.pathname : href;
}

function part(element: Element, name: string): HTMLElement | null {
  return (element.shadowRoot as ShadowRoot).querySelector<HTMLElement>(`[part~=${name}]`);
}

/** Clicks the consent card's button (ticking the remember box first, if asked) and returns the consent event. */
async function allow(element: IgEmbedElement, remember = false): Promise<CustomEvent<IgEmbedConsentDetail>> {
  await element.updateComplete;
  if (remember) (part(element, 'consent-remember')?.querySelector('input') as HTMLInputElement).click();
  const event = nextEvent<CustomEvent<IgEmbedConsentDetail>>(element, 'ig-embed-consent');
  (part(element, 'consent-button') as HTMLButtonElement).click();
  return event;
}

beforeEach(() => localStorage.clear());
afterEach(() => {
  IgEmbedElement.revokeConsent();
  IgEmbedElement.consent = '';
  IgEmbedElement.consentRemember = false;
  cleanup();
});

describe('consent="required" on an element', () => {
  it('makes no request of any kind before consent; one click loads that post only', async () => {
    const [a, b] = [unique('GatedA'), unique('GatedB')];
    const requests = await recordRequests();
    const first = embed({ url: post(a), loading: 'eager', consent: 'required' });
    const second = embed({ url: post(b), loading: 'eager', consent: 'required' });
    equal(await untilState(first, ['consent']), 'consent', 'first');
    equal(await untilState(second, ['consent']), 'consent', 'second');
    await absence();
    deepEqual(await requests(), [], 'requests before consent');
    equal(leftovers(first) + leftovers(second), 0, 'nothing in the light DOM');

    const consent = await allow(first);
    deepEqual(consent.detail, { url: post(a), scope: 'element' }, 'ig-embed-consent detail');
    equal(`${consent.bubbles} ${consent.composed}`, 'true true', 'bubbles, composed');
    await nextEvent(first, 'ig-embed-load');
    // The same log sees what a run requests: so it would have seen a request before consent too.
    const after = (await requests()).map(label);
    deepEqual(after.filter((l) => l !== 'embed.js'), [`proxy ${a}`, `frame ${a}`], 'the granted post is requested, and only it');
    equal(after.filter((l) => l === 'embed.js').length <= 1, true, 'embed.js at most once');
    await absence();
    equal(second.state, 'consent', 'the other post still waits');
    deepEqual((await requests()).map(label).filter((l) => l.endsWith(b)), [], 'nothing for the other post');
  });

  it('announces consent while still in state consent, then runs idle → consent → loading → rendered with one ig-embed-load', async () => {
    const element = document.createElement('ig-embed');
    const seen = states(element);
    const events: string[] = [];
    for (const type of ['ig-embed-consent', 'ig-embed-load', 'ig-embed-fallback']) {
      element.addEventListener(type, () => events.push(`${type} (${element.state})`));
    }
    element.setAttribute('url', post(unique('Order')));
    element.setAttribute('loading', 'eager');
    element.setAttribute('consent', 'required');
    container().append(element);
    await untilState(element, ['consent']);
    await allow(element);
    await untilState(element, SETTLED);
    deepEqual(seen(), ['idle', 'consent', 'loading', 'rendered'], 'states');
    deepEqual(events, ['ig-embed-consent (consent)', 'ig-embed-load (rendered)'], 'events');
  });

  it('waits, as lazy elements do, until it is near the viewport before showing its card', async () => {
    const requests = await recordRequests();
    const spacer = container().appendChild(document.createElement('div'));
    spacer.style.height = `${window.innerHeight * 4}px`;
    const element = embed({ url: post(unique('GatedFar')), consent: 'required' });
    await element.updateComplete;
    equal(element.state, 'idle', 'far below the fold');
    element.scrollIntoView();
    equal(await untilState(element, ['consent']), 'consent', 'near the viewport');
    await absence();
    deepEqual(await requests(), [], 'requests');
    window.scrollTo(0, 0);
  });

  it('asks again for another post (a url change), and an invalid url falls back at once without a card', async () => {
    const element = embed({ url: post(unique('First')), loading: 'eager', consent: 'required' });
    await untilState(element, ['consent']);
    await allow(element);
    await nextEvent(element, 'ig-embed-load');
    element.url = post(unique('Second'));
    equal(await untilState(element, ['consent']), 'consent', 'a new post');
    element.url = 'https://example.com/not-a-post';
    const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
    equal(event.detail.reason, 'invalid_url', 'reason');
  });
});

describe('the page-wide gate (IgEmbedElement.consent)', () => {
  it('gates every element without its own attribute; consent="granted" exempts one; grantConsent() loads the rest and any added later', async () => {
    IgEmbedElement.consent = 'required';
    const [a, b, free, later] = [unique('PageA'), unique('PageB'), unique('Exempt'), unique('Later')];
    const requests = await recordRequests();
    const gated = [embed({ url: post(a), loading: 'eager' }), embed({ url: post(b), loading: 'eager' })];
    const exempt = embed({ url: post(free), loading: 'eager', consent: 'granted' });
    await nextEvent(exempt, 'ig-embed-load');
    for (const element of gated) equal(await untilState(element, ['consent']), 'consent', element.url);
    await absence();
    deepEqual((await requests()).map(label).filter((l) => l !== 'embed.js'), [`proxy ${free}`, `frame ${free}`], 'only the exempt post');

    const loads = gated.map((element) => nextEvent(element, 'ig-embed-load'));
    IgEmbedElement.grantConsent();
    await Promise.all(loads);
    const added = document.createElement('ig-embed');
    const seen = states(added);
    added.setAttribute('url', post(later));
    added.setAttribute('loading', 'eager');
    container().append(added);
    await nextEvent(added, 'ig-embed-load');
    deepEqual(seen(), ['idle', 'loading', 'rendered'], 'an element added after grantConsent() is not gated');
    const proxied = (await requests()).map(label).filter((l) => l.startsWith('proxy'));
    deepEqual(proxied.sort(), [a, b, free, later].map((code) => `proxy ${code}`).sort(), 'one proxy request per post');
  });

  it('fires no ig-embed-consent for grantConsent(): the page gave it, not a visitor on a card', async () => {
    IgEmbedElement.consent = 'required';
    const element = embed({ url: post(unique('NoEvent')), loading: 'eager' });
    let announced = 0;
    element.addEventListener('ig-embed-consent', () => announced++);
    await untilState(element, ['consent']);
    IgEmbedElement.grantConsent();
    await nextEvent(element, 'ig-embed-load');
    equal(announced, 0, 'ig-embed-consent events');
  });
});

describe('IgEmbedElement.revokeConsent()', () => {
  it('called by an ig-embed-consent listener, keeps the post behind its card and requests nothing', async () => {
    const element = embed({ url: post(unique('Vetoed')), loading: 'eager', consent: 'required' });
    await untilState(element, ['consent']);
    const requests = await recordRequests();
    element.addEventListener('ig-embed-consent', () => IgEmbedElement.revokeConsent(), { once: true });
    await allow(element);
    await absence();
    equal(element.state, 'consent', 'state');
    deepEqual(await requests(), [], 'requests');
  });

  it('puts every gated element back into consent without its iframe and blockquote; a new grant is a new run with its own ig-embed-load', async () => {
    IgEmbedElement.consent = 'required';
    const gated = [embed({ url: post(unique('RevokeA')), loading: 'eager' }), embed({ url: post(unique('RevokeB')), loading: 'eager', consent: 'required' })];
    const exempt = embed({ url: post(unique('Kept')), loading: 'eager', consent: 'granted' });
    const loads = new Map<Element, number>();
    for (const element of [...gated, exempt]) element.addEventListener('ig-embed-load', () => loads.set(element, (loads.get(element) ?? 0) + 1));
    await nextEvent(exempt, 'ig-embed-load');
    for (const element of gated) await untilState(element, ['consent']);
    // One visitor click, one page grant: revoking undoes both.
    await allow(gated[1] as IgEmbedElement);
    IgEmbedElement.grantConsent();
    for (const element of gated) await untilState(element, ['rendered']);
    equal(gated.every((element) => element.querySelector('iframe.instagram-media') !== null), true, 'iframes before revoking');

    IgEmbedElement.revokeConsent();
    for (const element of gated) equal(await untilState(element, ['consent']), 'consent', element.url);
    deepEqual(gated.map(leftovers), [0, 0], 'no wrapper, blockquote or iframe left');
    equal(`${exempt.state} ${leftovers(exempt) > 0}`, 'rendered true', 'the exempt element keeps its post');

    IgEmbedElement.grantConsent();
    for (const element of gated) await untilState(element, ['rendered']);
    deepEqual(gated.map((element) => loads.get(element)), [2, 2], 'ig-embed-load once per run');
    equal(loads.get(exempt), 1, 'the exempt element ran once');
  });
});

describe('remembering consent (opt-in)', () => {
  it('without IgEmbedElement.consentRemember offers no checkbox and stores nothing', async () => {
    const element = embed({ url: post(unique('Forget')), loading: 'eager', consent: 'required' });
    await untilState(element, ['consent']);
    await element.updateComplete;
    equal(part(element, 'consent-remember'), null, 'no checkbox');
    await allow(element);
    await nextEvent(element, 'ig-embed-load');
    equal(`${localStorage.length} ${sessionStorage.length} "${document.cookie}"`, '0 0 ""', 'localStorage, sessionStorage, cookies');
  });

  it('with consentRemember, an unticked box stores nothing; a ticked one stores the choice and loads every gated post', async () => {
    IgEmbedElement.consentRemember = true;
    const once = embed({ url: post(unique('Unticked')), loading: 'eager', consent: 'required' });
    await untilState(once, ['consent']);
    await allow(once);
    await nextEvent(once, 'ig-embed-load');
    equal(localStorage.length, 0, 'nothing stored for an unticked box');

    const gated = [embed({ url: post(unique('TickA')), loading: 'eager', consent: 'required' }), embed({ url: post(unique('TickB')), loading: 'eager', consent: 'required' })];
    for (const element of gated) await untilState(element, ['consent']);
    const label = part(gated[0] as IgEmbedElement, 'consent-remember');
    equal(label?.textContent, 'Always allow Instagram on this site', 'checkbox label');
    const loads = gated.map((element) => nextEvent(element, 'ig-embed-load'));
    const consent = await allow(gated[0] as IgEmbedElement, true);
    deepEqual(consent.detail, { url: (gated[0] as IgEmbedElement).url, scope: 'page' }, 'ig-embed-consent detail');
    await Promise.all(loads);
    deepEqual({ ...localStorage }, { 'ig-embed:consent': 'granted' }, 'localStorage');

    IgEmbedElement.revokeConsent();
    deepEqual({ ...localStorage }, {}, 'revokeConsent() deletes it');
  });

  it('later pages skip the gate only if they opted in too (the script tag\'s data-consent-remember)', async () => {
    await assertBuilt();
    localStorage.setItem('ig-embed:consent', 'granted');
    const opted = await open('/test/widget/pages/consent-remember.html');
    const element = opted.view.document.querySelector('ig-embed') as IgEmbedElement;
    equal(await untilState(element, SETTLED), 'rendered', 'remembered: no card');
    opted.frame.remove();
    const plain = await open('/test/widget/pages/consent.html');
    const gated = plain.view.document.querySelector('ig-embed') as IgEmbedElement;
    equal(await untilState(gated, ['consent', ...SETTLED]), 'consent', 'a page without the opt-in ignores the stored choice');
    plain.frame.remove();
  });
});

type PageWindow = Window & { IgEmbed: { IgEmbedElement: typeof IgEmbedElement } };

const open = (path: string) => openPage<PageWindow>(path);

describe('data-consent="required" on the classic script tag', () => {
  it('requests nothing but the page and the script itself before consent; a click loads one post, grantConsent() the other', async () => {
    await assertBuilt();
    const requests = await recordRequests();
    const { view, frame } = await open('/test/widget/pages/consent.html');
    const [a, b] = Array.from(view.document.querySelectorAll('ig-embed'));
    for (const element of [a, b] as IgEmbedElement[]) equal(await untilState(element, ['consent']), 'consent', element.url);
    await absence();
    deepEqual((await requests()).map(label), ['/test/widget/pages/consent.html', '/widget/dist/script/ig-embed.js'], 'requests before consent');

    await allow(a as IgEmbedElement);
    equal(await untilState(a as IgEmbedElement, SETTLED), 'rendered', 'the clicked post');
    equal((b as IgEmbedElement).state, 'consent', 'the other post waits');
    view.IgEmbed.IgEmbedElement.grantConsent();
    equal(await untilState(b as IgEmbedElement, SETTLED), 'rendered', 'after grantConsent()');
    deepEqual((await requests()).map(label).slice(2), ['proxy ScriptConsentA', 'embed.js', 'frame ScriptConsentA', 'proxy ScriptConsentB', 'frame ScriptConsentB'], 'requests after consent');
    frame.remove();
  });
});

describe('the consent card', () => {
  it('attributes the author and Instagram, links the post and the privacy policy without a referrer, and says what loading sends', async () => {
    const code = unique('Card');
    const element = embed({ url: `https://www.instagram.com/natgeo/p/${code}/?igsh=x`, loading: 'eager', consent: 'required' });
    await untilState(element, ['consent']);
    await element.updateComplete;
    const card = part(element, 'consent') as HTMLElement;
    const links = Array.from(card.querySelectorAll('a')).map((a) => `${a.getAttribute('part') ?? '-'} ${a.href} ${a.target} ${a.rel} ${a.textContent}`);
    deepEqual(links, [
      'author https://www.instagram.com/natgeo/ _blank noopener noreferrer natgeo',
      '- https://privacycenter.instagram.com/policy _blank noopener noreferrer Privacy policy',
      `link ${post(code)} _blank noopener noreferrer View this post on Instagram`,
    ], 'links');
    equal(part(element, 'provider')?.textContent, 'Instagram', 'provider');
    equal(card.querySelector(':scope > p')?.textContent, 'Loading this post sends data to Instagram (Meta). Privacy policy', 'notice');
    const button = part(element, 'consent-button') as HTMLButtonElement;
    equal(`${button.localName} ${button.type} ${button.textContent}`, 'button button Load post', 'button');
    equal(element.getBoundingClientRect().height, 640, 'the reserved box');
    const rect = (name: string) => (part(element, name) as HTMLElement).getBoundingClientRect();
    equal(rect('link').bottom <= rect('consent').bottom && rect('consent-button').bottom <= rect('link').top, true, 'button, then link, inside the box');
  });

  it('shows the page author\'s thumbnail, but none from a Meta host (and requests none)', async () => {
    const requests = await recordRequests();
    const own = embed({ url: post(unique('Thumb')), loading: 'eager', consent: 'required', thumbnail: PIXEL, 'thumbnail-alt': 'A red boat' });
    const hosts = ['https://scontent.cdninstagram.com/v/a.jpg', 'https://scontent.xx.fbcdn.net/b.jpg', 'https://www.facebook.com/c.png',
      'https://connect.facebook.net/d.gif', 'https://www.instagram.com/e.jpg', '//SCONTENT.CDNINSTAGRAM.COM./f.jpg'];
    const meta = hosts.map((thumbnail) => embed({ url: post(unique('MetaThumb')), loading: 'eager', consent: 'required', thumbnail }));
    for (const element of [own, ...meta]) await untilState(element, ['consent']);
    await absence();
    deepEqual(await requests(), [], 'requests');
    const image = part(own, 'thumbnail') as HTMLImageElement;
    equal(`${image.getAttribute('src') === PIXEL} ${image.alt}`, 'true A red boat', 'the page author\'s thumbnail');
    deepEqual(meta.map((element) => part(element, 'thumbnail')), hosts.map(() => null), 'no thumbnail from Meta');
  });

  it('can be translated', async () => {
    const element = embed({ url: post(unique('Translated')), loading: 'eager', consent: 'required' });
    element.strings = { consentNotice: 'Beim Laden gehen Daten an Instagram (Meta).', privacyPolicy: 'Datenschutz', consentButton: 'Beitrag laden' };
    await untilState(element, ['consent']);
    await element.updateComplete;
    equal(part(element, 'consent')?.querySelector(':scope > p')?.textContent, 'Beim Laden gehen Daten an Instagram (Meta). Datenschutz', 'notice');
    equal(part(element, 'consent-button')?.textContent, 'Beitrag laden', 'button');
  });

  it('shows a visible focus ring on its button for keyboard users', async () => {
    const element = embed({ url: post(unique('Focus')), loading: 'eager', consent: 'required' });
    await untilState(element, ['consent']);
    await element.updateComplete;
    const button = part(element, 'consent-button') as HTMLElement;
    // The last focusable part before the button is the privacy link: start there and Tab once.
    (part(element, 'consent')?.querySelector(':scope > p a') as HTMLElement).focus();
    await sendKeys({ press: 'Tab' });
    equal(element.shadowRoot?.activeElement, button, 'focused button');
    equal(getComputedStyle(button).outlineStyle, 'solid', 'outline');
  });
});

describe('the consent card\'s default colours', () => {
  for (const scheme of ['light', 'dark']) {
    it(`have at least 4.5:1 text contrast on a ${scheme} host page`, async () => {
      IgEmbedElement.consentRemember = true;
      container().style.colorScheme = scheme;
      const element = embed({ url: `https://www.instagram.com/jane/p/${unique('Colours')}/`, loading: 'eager', consent: 'required' });
      await untilState(element, ['consent']);
      await element.updateComplete;
      const card = part(element, 'consent') as HTMLElement;
      const targets: Array<[string, Element | null]> = [
        ['author', part(element, 'author')], ['provider', part(element, 'provider')], ['notice', card.querySelector(':scope > p')],
        ['privacy link', card.querySelector(':scope > p a')], ['remember', part(element, 'consent-remember')],
        ['button', part(element, 'consent-button')], ['link', part(element, 'link')],
      ];
      const ratios = targets.map(([name, target]) => {
        const ratio = contrast(target as Element);
        return `${name} ${ratio >= 4.5 ? 'ok' : ratio.toFixed(2)}`;
      });
      equal(ratios.join(', '), 'author ok, provider ok, notice ok, privacy link ok, remember ok, button ok, link ok', 'contrast');
      const background = paint([getComputedStyle(card).backgroundColor]).join();
      equal(background, scheme === 'dark' ? '18,18,18' : '255,255,255', 'card background');
    });
  }
});
