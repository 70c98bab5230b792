// The built classic script (npm run build:widget) on CMS-style pages: it configures itself from its own tag.
import type { IgEmbedElement } from '../../widget/element.js';
import { deepEqual, equal, nextEvent, recordRequests, SETTLED, untilState } from './support/helpers.js';

type PageWindow = Window & { IgEmbed?: { IgEmbedElement: typeof IgEmbedElement } };

async function open(path: string): Promise<{ view: PageWindow; element: IgEmbedElement; frame: HTMLIFrameElement }> {
  const built = await fetch('/widget/dist/script/ig-embed.js', { method: 'HEAD' });
  if (!built.ok) throw new Error('widget/dist/script/ig-embed.js is missing: run `npm run build:widget` first (npm test does)');
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:800px;height:900px';
  frame.src = path;
  document.body.append(frame);
  await nextEvent(frame, 'load');
  const view = frame.contentWindow as PageWindow;
  const element = view.document.querySelector('ig-embed') as IgEmbedElement;
  await untilState(element, SETTLED);
  return { view, element, frame };
}

describe('the classic script build', () => {
  it('registers <ig-embed>, uses the directory it was loaded from as endpoint and data-script-src for embed.js', async () => {
    const requests = await recordRequests();
    const { view, element, frame } = await open('/test/widget/pages/cms.html');
    equal(element.state, 'rendered', 'state');
    // Loaded from /widget/dist/script/ig-embed.js: a proxy mounted under a sub-path answers beside its script.
    equal(view.IgEmbed?.IgEmbedElement.endpoint, `${location.origin}/widget/dist/script/`, 'endpoint');
    deepEqual((await requests()).map((href) => new URL(href).pathname).filter((path) => path.endsWith('/instagram_oembed')), ['/widget/dist/script/instagram_oembed'], 'the oEmbed request');
    equal(view.document.querySelectorAll('script[src="https://www.instagram.com/embed.js?set-by-data-script-src"]').length, 1, 'embed.js tag');
    frame.remove();
  });

  it('takes data-endpoint over its own origin', async () => {
    const { view, element, frame } = await open('/test/widget/pages/cms-endpoint.html');
    equal(view.IgEmbed?.IgEmbedElement.endpoint, 'http://127.0.0.1:9', 'endpoint');
    equal(`${element.state} ${element.reason}`, 'fallback network', 'state and reason');
    frame.remove();
  });
});
