import '../../widget/index.js';
import { cleanup, container, embed, equal, nextEvent, post, proxyCalls, unique } from './support/helpers.js';

afterEach(cleanup);

describe('loading="lazy" (the default)', () => {
  it('fetches nothing for an element far below the fold until it is scrolled near', async () => {
    const near = unique('Near');
    const far = unique('Far');
    const nearElement = embed({ url: post(near) });
    const spacer = container().appendChild(document.createElement('div'));
    spacer.style.height = `${window.innerHeight * 4}px`;
    const farElement = embed({ url: post(far) });
    await nextEvent(nearElement, 'ig-embed-load');
    let calls = await proxyCalls();
    equal(`${calls.includes(near)} ${calls.includes(far)}`, 'true false', 'near fetched, far not');
    equal(farElement.state, 'idle', 'far element state');
    farElement.scrollIntoView();
    await nextEvent(farElement, 'ig-embed-load');
    calls = await proxyCalls();
    equal(calls.filter((c) => c === far).length, 1, 'far fetched once after scrolling');
    window.scrollTo(0, 0);
  });

  it('starts within one viewport of the screen (rootMargin), before the element is visible', async () => {
    const spacer = container().appendChild(document.createElement('div'));
    spacer.style.height = `${Math.round(window.innerHeight * 1.5)}px`;
    const element = embed({ url: post(unique('Margin')) });
    await nextEvent(element, 'ig-embed-load');
    equal(element.getBoundingClientRect().top > window.innerHeight, true, 'below the fold');
  });
});
