import '../../widget/index.js';
import { sendKeys } from '@web/test-runner-commands';
import { IgEmbedElement } from '../../widget/element.js';
import { contrast, paint } from './support/contrast.js';
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

function describeAvatar(card: ShadowRoot): string {
  const avatar = card.querySelector('[part=avatar]');
  const glyph = avatar?.querySelector('svg') ? ' | svg' : '';
  return avatar ? `${avatar.textContent} | ${avatar.getAttribute('aria-hidden')}${glyph}` : 'none';
}

/** The card's message if it is displayed, else ''. */
function visibleMessage(card: ShadowRoot): string {
  const message = card.querySelector<HTMLElement>('[part=message]');
  return message && message.offsetHeight > 0 ? (message.textContent ?? '') : '';
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
    equal(describeAvatar(card), 'J | true', 'avatar: the author\'s initial, hidden from assistive technology');
    equal(visibleMessage(card), 'This post is unavailable.', 'message');
  });

  it('shows a glyph avatar and only "Instagram" when the author is unknown', async () => {
    const { card } = await fallbackOf({ url: post(unique('Gone')) });
    equal(describeAvatar(card), ' | true | svg', 'avatar');
    equal(card.querySelector('[part=author]'), null, 'no author');
    equal(card.querySelector('[part=attribution]')?.textContent, 'Instagram', 'attribution');
  });

  it('says the post could not be loaded for reasons other than not_embeddable', async () => {
    const { reason, card } = await fallbackOf({ url: post(unique('Broken')) });
    equal(reason, 'proxy_error', 'reason');
    equal(visibleMessage(card), 'This post couldn\'t be loaded here.', 'message');
  });

  it('lays the card out in the reserved box: header on top, media across the width, the link at the bottom', async () => {
    const { element, card } = await fallbackOf({ url: post(unique('Gone')), thumbnail: PIXEL });
    // Rounded: Firefox lays text out in fractions of a pixel.
    const rect = (part: string) => {
      const { left, top, width, height, bottom } = (card.querySelector(`[part=${part}]`) as Element).getBoundingClientRect();
      return { left: Math.round(left), top: Math.round(top), width: Math.round(width), height: Math.round(height), bottom: Math.round(bottom) };
    };
    const box = rect('card');
    const media = rect('media');
    const image = rect('thumbnail');
    equal(rect('header').top - box.top, 1, 'header below the top border');
    equal(media.width, box.width - 2, 'media spans the card inside its border');
    equal(`${image.left},${image.top},${image.width},${image.height}`, `${media.left},${media.top},${media.width},${media.height}`, 'thumbnail covers the media');
    equal(box.bottom - rect('link').bottom, 17, 'link 16 px above the bottom border');
    equal(`${box.height} ${element.getBoundingClientRect().height}`, '640 640', 'the card fills the kept box');
  });

  it('takes the author from a /{username}/p/… URL', async () => {
    const code = unique('Gone');
    const { card } = await fallbackOf({ url: `https://www.instagram.com/natgeo/p/${code}/` });
    equal(describeLink(card.querySelector('[part=author]')), 'https://www.instagram.com/natgeo/ | _blank | noopener | natgeo', 'author link');
    equal(describeLink(card.querySelector('[part=link]')), `${post(code)} | _blank | noopener | View this post on Instagram`, 'post link');
  });

  it('falls back with timeout when the post never mounts, and removes the zero-height iframe', async () => {
    const element = embed({ url: post(unique('LegacyNever')), loading: 'eager', timeout: '1000' });
    let insertedAt = 0;
    const watcher = new MutationObserver(() => {
      if (!insertedAt && element.querySelector('iframe')) insertedAt = performance.now();
    });
    watcher.observe(element, { childList: true, subtree: true });
    const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
    const waited = performance.now() - insertedAt;
    watcher.disconnect();
    equal(event.detail.reason, 'timeout', 'reason');
    equal(waited >= 990 && waited < 3000, true, `timeout measured from iframe insertion (${Math.round(waited)} ms)`);
    equal(element.querySelector('iframe'), null, 'iframe removed');
    equal(element.querySelector('blockquote'), null, 'blockquote removed');
    await element.updateComplete;
    // Legacy upstream data (era B): author_name and a thumbnail on a CDN that fails here.
    const card = element.shadowRoot as ShadowRoot;
    equal(card.querySelector('[part=author]')?.textContent, 'natgeo', 'upstream author');
    const image = card.querySelector<HTMLImageElement>('[part=thumbnail]');
    equal(image?.src.startsWith('https://scontent'), true, 'upstream thumbnail');
    equal(visibleMessage(card), '', 'no message while the thumbnail may load');
    if (!image?.hidden) await nextEvent(image as HTMLImageElement, 'error');
    equal(image?.hidden, true, 'broken thumbnail hidden');
    equal(visibleMessage(card), 'This post couldn\'t be loaded here.', 'the message replaces the broken thumbnail');
    equal(card.querySelector('[part=link]')?.textContent, 'View this post on Instagram', 'card stays');
  });

  it('shows the page author\'s thumbnail with its alt text', async () => {
    const { card } = await fallbackOf({ url: post(unique('Gone')), thumbnail: PIXEL, 'thumbnail-alt': 'A red boat' });
    const image = card.querySelector<HTMLImageElement>('[part=thumbnail]');
    equal(`${image?.getAttribute('src') === PIXEL} ${image?.alt}`, 'true A red boat');
    equal(visibleMessage(card), '', 'no message over the thumbnail');
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
      element.strings = { view: 'Voir cette publication sur Instagram', unavailable: 'Cette publication est indisponible.' };
      await nextEvent(element, 'ig-embed-fallback');
      await element.updateComplete;
      const card = element.shadowRoot as ShadowRoot;
      equal(card.querySelector('[part=link]')?.textContent, 'Voir cette publication sur Instagram', 'link text');
      equal(card.querySelector('[part=provider]')?.textContent, 'Instagram (FR)', 'provider text');
      equal(visibleMessage(card), 'Cette publication est indisponible.', 'message text');
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

describe('the fallback card\'s default colours', () => {
  for (const scheme of ['light', 'dark']) {
    it(`have at least 4.5:1 text contrast on a ${scheme} host page, and follow its color-scheme`, async () => {
      container().style.colorScheme = scheme;
      const { card } = await fallbackOf({ url: `https://www.instagram.com/jane/p/${unique('Gone')}/` });
      const ratios = ['author', 'provider', 'message', 'link'].map((part) => {
        const ratio = contrast(card.querySelector(`[part=${part}]`) as Element);
        return `${part} ${ratio >= 4.5 ? 'ok' : ratio.toFixed(2)}`;
      });
      equal(ratios.join(', '), 'author ok, provider ok, message ok, link ok', 'contrast');
      const background = paint([getComputedStyle(card.querySelector('[part=card]') as Element).backgroundColor]).join();
      equal(background, scheme === 'dark' ? '18,18,18' : '255,255,255', 'card background');
    });
  }
});
