import '../../widget/index.js';
import { sendKeys } from '@web/test-runner-commands';
import { IgEmbedElement } from '../../widget/element.js';
import { cleanup, container, embed, equal, nextEvent, post, unique } from './support/helpers.js';

afterEach(cleanup);

// A 1×1 PNG, so a thumbnail can load without any network.
const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

async function fallbackOf(attributes: Record<string, string>): Promise<{ element: IgEmbedElement; reason: string; card: ShadowRoot }> {
  const element = embed({ loading: 'eager', ...attributes });
  const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
  await element.updateComplete;
  return { element, reason: event.detail.reason, card: element.shadowRoot as ShadowRoot };
}

function describeLink(link: Element | null | undefined): string {
  return link ? `${link.getAttribute('href')} | ${link.getAttribute('target')} | ${link.getAttribute('rel')} | ${link.textContent}` : 'none';
}

describe('the attributed fallback card', () => {
  it('attributes the author and Instagram and links the canonical post (not_embeddable, author attributes)', async () => {
    const code = unique('Gone');
    const { reason, card } = await fallbackOf({
      url: `https://instagram.com/p/${code}?igshid=abc`,
      author: 'Jane Doe',
      'author-url': 'https://www.instagram.com/janedoe/',
    });
    equal(reason, 'not_embeddable', 'reason');
    equal(describeLink(card.querySelector('[part=link]')), `${post(code)} | _blank | noopener | View this post on Instagram`, 'post link');
    equal(describeLink(card.querySelector('[part=author]')), 'https://www.instagram.com/janedoe/ | _blank | noopener | Jane Doe', 'author link');
    equal(card.querySelector('[part=provider]')?.textContent, 'Instagram', 'provider');
    equal(card.querySelector('[part=thumbnail]'), null, 'no thumbnail');
  });

  it('takes the author from a /{username}/p/… URL', async () => {
    const code = unique('Gone');
    const { card } = await fallbackOf({ url: `https://www.instagram.com/natgeo/p/${code}/` });
    equal(describeLink(card.querySelector('[part=author]')), 'https://www.instagram.com/natgeo/ | _blank | noopener | natgeo', 'author link');
    equal(describeLink(card.querySelector('[part=link]')), `${post(code)} | _blank | noopener | View this post on Instagram`, 'post link');
  });

  it('falls back with timeout when the post never mounts, and removes the zero-height iframe', async () => {
    const element = embed({ url: post(unique('LegacyNever')), loading: 'eager', timeout: '300' });
    let insertedAt = 0;
    const watcher = new MutationObserver(() => {
      if (!insertedAt && element.querySelector('iframe')) insertedAt = performance.now();
    });
    watcher.observe(element, { childList: true, subtree: true });
    const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
    const waited = performance.now() - insertedAt;
    watcher.disconnect();
    equal(event.detail.reason, 'timeout', 'reason');
    equal(waited >= 290 && waited < 1500, true, `timeout measured from iframe insertion (${Math.round(waited)} ms)`);
    equal(element.querySelector('iframe'), null, 'iframe removed');
    equal(element.querySelector('blockquote'), null, 'blockquote removed');
    await element.updateComplete;
    // Legacy upstream data (era B): author_name and a thumbnail on a CDN that fails here.
    const card = element.shadowRoot as ShadowRoot;
    equal(card.querySelector('[part=author]')?.textContent, 'natgeo', 'upstream author');
    const image = card.querySelector<HTMLImageElement>('[part=thumbnail]');
    equal(image?.src.startsWith('https://scontent'), true, 'upstream thumbnail');
    if (!image?.hidden) await nextEvent(image as HTMLImageElement, 'error');
    equal(image?.hidden, true, 'broken thumbnail hidden');
    equal(card.querySelector('[part=link]')?.textContent, 'View this post on Instagram', 'card stays');
  });

  it('shows the page author\'s thumbnail with its alt text', async () => {
    const { card } = await fallbackOf({ url: post(unique('Gone')), thumbnail: PIXEL, 'thumbnail-alt': 'A red boat' });
    const image = card.querySelector<HTMLImageElement>('[part=thumbnail]');
    equal(`${image?.getAttribute('src') === PIXEL} ${image?.alt}`, 'true A red boat');
  });

  it('keeps the reserved box when falling back', async () => {
    const { element } = await fallbackOf({ url: post(unique('Gone')) });
    equal(element.getBoundingClientRect().height, 640, 'height');
  });

  it('can be translated page-wide and per element', async () => {
    const saved = IgEmbedElement.strings;
    IgEmbedElement.strings = { ...saved, provider: 'Instagram (FR)' };
    try {
      const element = embed({ url: post(unique('Gone')), loading: 'eager' });
      element.strings = { view: 'Voir cette publication sur Instagram' };
      await nextEvent(element, 'ig-embed-fallback');
      await element.updateComplete;
      const card = element.shadowRoot as ShadowRoot;
      equal(card.querySelector('[part=link]')?.textContent, 'Voir cette publication sur Instagram', 'link text');
      equal(card.querySelector('[part=provider]')?.textContent, 'Instagram (FR)', 'provider text');
    } finally {
      IgEmbedElement.strings = saved;
    }
  });

  it('has no link for an invalid url, and never links anything but https Instagram URLs', async () => {
    const { reason, card } = await fallbackOf({ url: 'javascript:alert(1)', 'author-url': 'javascript:alert(2)', author: 'X' });
    equal(reason, 'invalid_url', 'reason');
    equal(card.querySelector('[part=link]'), null, 'no post link');
    equal(card.querySelector('a'), null, 'no links at all');
  });

  it('shows a visible focus ring on its links for keyboard users', async () => {
    const { card } = await fallbackOf({ url: post(unique('Gone')) });
    const before = document.createElement('button');
    container().before(before);
    before.focus();
    await sendKeys({ press: 'Tab' });
    const link = card.querySelector('[part=link]') as HTMLElement;
    equal(card.activeElement, link, 'focused link');
    equal(getComputedStyle(link).outlineStyle, 'solid', 'outline');
    before.remove();
  });
});
