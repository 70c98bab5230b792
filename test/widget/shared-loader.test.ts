// Several independent copies of the widget on one page (npm build + two classic scripts, as on a CMS page
// with several widgets) share one embed.js load, even when all ask before window.instgrm exists.
import '../../widget/index.js';
import { IgEmbedElement } from '../../widget/element.js';
import { cleanup, container, equal, fakeInstgrm, nextEvent, post, settled, unique } from './support/helpers.js';

afterEach(cleanup);

type PageWindow = Window & { IgEmbed?: { IgEmbedElement: typeof IgEmbedElement } };
// Answered after 300 ms, so every copy asks for it before it has run.
const SLOW_EMBED_JS = 'https://www.instagram.com/embed.js?delay=300&shared-loader';

/** Runs one more copy of the built classic script and registers its class under `name`. */
async function classicCopy(name: string): Promise<typeof IgEmbedElement> {
  const built = await fetch('/widget/dist/script/ig-embed.js', { method: 'HEAD' });
  if (!built.ok) throw new Error('widget/dist/script/ig-embed.js is missing: run `npm run build:widget` first (npm test does)');
  const tag = document.createElement('script');
  tag.src = `/widget/dist/script/ig-embed.js?copy=${name}`;
  tag.dataset.scriptSrc = SLOW_EMBED_JS;
  document.head.append(tag);
  await nextEvent(tag, 'load');
  const copy = (window as PageWindow).IgEmbed?.IgEmbedElement;
  if (!copy || copy === IgEmbedElement) throw new Error(`the classic script ${name} did not run as its own copy`);
  customElements.define(name, copy);
  return copy;
}

function create(name: string): IgEmbedElement {
  const element = document.createElement(name) as IgEmbedElement;
  element.setAttribute('url', post(unique('Shared')));
  element.setAttribute('loading', 'eager');
  container().append(element);
  return element;
}

let copyA: typeof IgEmbedElement;
let copyB: typeof IgEmbedElement;
const errors: string[] = [];
const onError = (event: ErrorEvent) => errors.push(event.message);

before(async () => {
  addEventListener('error', onError);
  IgEmbedElement.scriptSrc = SLOW_EMBED_JS;
  copyA = await classicCopy('ig-embed-a');
  copyB = await classicCopy('ig-embed-b');
  removeEventListener('error', onError);
});

describe('several copies of the widget on one page', () => {
  it('run side by side: the classic scripts next to the npm build throw nothing and keep the first ig-embed', () => {
    equal(errors.join(), '', 'errors while the classic scripts ran (ig-embed already defined)');
    equal(copyA.scriptSrc, SLOW_EMBED_JS, 'data-script-src read by copy A');
    equal(copyA === copyB, false, 'independent copies');
    equal(customElements.get('ig-embed'), IgEmbedElement, 'registered class');
  });

  it('share a failed load: a second copy falls back at once instead of waiting on the failed tag', async () => {
    const blocked = 'https://www.instagram.com/blocked/embed.js?shared-loader';
    IgEmbedElement.scriptSrc = copyA.scriptSrc = blocked;
    try {
      const first = await nextEvent<CustomEvent<{ reason: string }>>(create('ig-embed'), 'ig-embed-fallback');
      equal(first.detail.reason, 'script_blocked', 'first copy');
      const started = performance.now();
      const second = await nextEvent<CustomEvent<{ reason: string }>>(create('ig-embed-a'), 'ig-embed-fallback');
      equal(second.detail.reason, 'script_blocked', 'second copy');
      equal(performance.now() - started < 1000, true, 'second copy fell back at once');
      equal(document.querySelectorAll(`script[src="${blocked}"]`).length, 1, 'blocked embed.js tags');
    } finally {
      IgEmbedElement.scriptSrc = copyA.scriptSrc = SLOW_EMBED_JS;
    }
  });

  it('load embed.js once for 4 elements of 3 independent copies asking before it has run', async () => {
    const elements = ['ig-embed', 'ig-embed', 'ig-embed-a', 'ig-embed-b'].map(create);
    const results = await Promise.all(elements.map(settled));
    equal(results.map((event) => event.type).join(), Array(4).fill('ig-embed-load').join(), 'all rendered');
    equal(document.querySelectorAll(`script[src="${SLOW_EMBED_JS}"]`).length, 1, 'embed.js tags');
    equal(fakeInstgrm()?.scriptLoads, 1, 'embed.js executions');
  });

  it('IgEmbedElement.define registers a subclass under its own name and leaves a taken name to its first class', () => {
    class Subclass extends IgEmbedElement {}
    Subclass.define('ig-embed-subclass');
    Subclass.define('ig-embed-subclass');
    Subclass.define();
    equal(customElements.get('ig-embed-subclass'), Subclass, 'registered under the new name, once');
    equal(customElements.get('ig-embed'), IgEmbedElement, 'ig-embed keeps its first class');
    equal(document.createElement('ig-embed-subclass') instanceof Subclass, true, 'upgrades to the subclass');
  });

  it('importing the registering module again is harmless', async () => {
    // Another URL is another module instance: define.ts's registration runs a second time (with the
    // same class, since its own imports resolve to the modules already loaded).
    const again = new URL('../../widget/define.ts?second-import', import.meta.url).href;
    await import(again);
    equal(customElements.get('ig-embed'), IgEmbedElement, 'registered class');
  });
});
