// A page that enforces Trusted Types (CSP header require-trusted-types-for 'script') still gets its embed.
import type { IgEmbedElement } from '../../widget/element.js';
import { equal, nextEvent, SETTLED, untilState } from './support/helpers.js';

type FrameWindow = Window & { violations: string[] };

describe('Trusted Types', () => {
  it('renders with no Trusted Types violation when the CSP allows only the ig-embed policy', async () => {
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width:800px;height:900px';
    frame.src = '/test/widget/pages/trusted-types.tt.html';
    document.body.append(frame);
    await nextEvent(frame, 'load');
    const view = frame.contentWindow as FrameWindow;
    const element = view.document.querySelector('ig-embed') as IgEmbedElement;
    await untilState(element, SETTLED);
    equal(element.state, 'rendered', 'state');
    equal(JSON.stringify(view.violations), '[]', 'violations');
    equal(view.document.querySelectorAll('script[src="https://www.instagram.com/embed.js"]').length, 1, 'embed.js tag');
    let enforced = false;
    try {
      view.document.body.insertAdjacentHTML('beforeend', '<b>x</b>');
    } catch (error) {
      enforced = error instanceof (view as unknown as { TypeError: typeof TypeError }).TypeError;
    }
    equal(enforced, true, 'the page really enforces Trusted Types');
    frame.remove();
  });
});
