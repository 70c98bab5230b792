// A page that already runs Instagram's embed.js and its own __igEmbedLoaded hook, before ig-embed loads.
import { cleanup, embed, equal, fakeInstgrm, nextEvent, post, unique } from './support/helpers.js';

afterEach(cleanup);

const pageHookCalls: string[] = [];

before(async () => {
  const hook = (info: { frameId: string }) => pageHookCalls.push(info.frameId);
  (window as { __igEmbedLoaded?: unknown }).__igEmbedLoaded = hook;
  const script = document.createElement('script');
  script.src = 'https://www.instagram.com/embed.js?page-own-copy';
  document.head.append(script);
  await nextEvent(script, 'load');
  await import('../../widget/index.js');
});

describe('a page that already has window.instgrm', () => {
  it('renders without loading embed.js again, and keeps calling the page\'s __igEmbedLoaded', async () => {
    const element = embed({ url: post(unique('Existing')), loading: 'eager' });
    await nextEvent(element, 'ig-embed-load');
    equal(fakeInstgrm()?.scriptLoads, 1, 'embed.js executions');
    equal(document.querySelectorAll('script[src*="embed.js"]').length, 1, 'script tags');
    const frameId = element.querySelector('iframe')?.id ?? '';
    equal(frameId.startsWith('instagram-embed-'), true, 'iframe id');
    equal(JSON.stringify(pageHookCalls), JSON.stringify([frameId]), 'page hook calls');
  });
});
