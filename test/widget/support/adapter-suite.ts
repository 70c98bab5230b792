/**
 * What every consent adapter must do with the real element and a stand-in of its CMP (issue 16): no
 * request to the proxy or to Meta before consent; consent → the posts render, and an element added
 * later renders at once; withdrawal → back behind the cards; a returning visitor's stored yes; and a
 * CMP whose script runs after the adapter connected. Each adapter's test file runs it with its stub.
 */
import { IgEmbedElement } from '../../../widget/element.js';
import { cleanup, container, deepEqual, embed, equal, leftovers, nextEvent, post, recordRequests, SETTLED, states, unique, untilState } from './helpers.js';

/** One adapter and its CMP, as the shared tests drive them. */
export interface AdapterCase {
  /** Connects the adapter with its defaults (the class registered as <ig-embed>); returns its disconnect function. */
  connect(): () => void;
  /** The CMP's script runs: with a returning visitor's stored yes or no for Instagram, or none (its banner waits). */
  load(stored?: boolean): void;
  /** The visitor decides, in the banner or later in the CMP's settings. */
  decide(allow: boolean): void;
  /** Takes the CMP off the page. */
  remove(): void;
}

// How long a gated element is watched for a request it must not make: it has nothing left to wait for
// once it shows its card, so a request would come at once; the wait only proves that none does.
const ABSENCE_MS = 300;
export const absence = (ms = ABSENCE_MS) => new Promise((resolve) => setTimeout(resolve, ms));

/** The proxy's oEmbed requests and anything on Instagram's host, as short labels. */
function postTraffic(urls: string[]): string[] {
  return urls.filter((href) => {
    const url = new URL(href);
    return (url.origin === location.origin && url.pathname === '/instagram_oembed') || url.hostname.endsWith('instagram.com');
  });
}

const gated = (n: number) => Array.from({ length: n }, () => embed({ url: post(unique('Cmp')), loading: 'eager' }));

export function describeAdapter(name: string, make: () => AdapterCase): void {
  describe(`${name}: the consent manager drives the gate`, () => {
    let cmp: AdapterCase;
    let disconnect: (() => void) | undefined;
    beforeEach(() => {
      IgEmbedElement.consent = 'required';
      cmp = make();
    });
    afterEach(() => {
      disconnect?.();
      disconnect = undefined;
      cmp.remove();
      IgEmbedElement.revokeConsent();
      IgEmbedElement.consent = '';
      cleanup();
    });

    it('requests nothing from the proxy or Meta while the banner waits, nor after the visitor declines', async () => {
      const requests = await recordRequests();
      cmp.load();
      disconnect = cmp.connect();
      const elements = gated(2);
      for (const element of elements) equal(await untilState(element, ['consent']), 'consent', element.url);
      await absence();
      deepEqual(await requests(), [], 'requests while the banner waits');
      cmp.decide(false);
      await absence();
      deepEqual(await requests(), [], 'requests after declining');
      deepEqual(elements.map((element) => element.state), ['consent', 'consent'], 'states');
    });

    it('renders every post once the visitor allows Instagram, and an element added afterwards at once', async () => {
      const requests = await recordRequests();
      cmp.load();
      disconnect = cmp.connect();
      const elements = gated(2);
      for (const element of elements) await untilState(element, ['consent']);
      const loads = elements.map((element) => nextEvent(element, 'ig-embed-load'));
      cmp.decide(true);
      await Promise.all(loads);
      equal(postTraffic(await requests()).length >= 4, true, 'the posts were requested');

      const later = document.createElement('ig-embed');
      const seen = states(later);
      later.setAttribute('url', post(unique('CmpLater')));
      later.setAttribute('loading', 'eager');
      container().append(later);
      await nextEvent(later, 'ig-embed-load');
      deepEqual(seen(), ['idle', 'loading', 'rendered'], 'the added element never waits behind a card');
    });

    it('puts every post back behind its card when the visitor withdraws consent in the consent manager', async () => {
      cmp.load();
      disconnect = cmp.connect();
      const elements = gated(2);
      for (const element of elements) await untilState(element, ['consent']);
      cmp.decide(true);
      for (const element of elements) equal(await untilState(element, SETTLED), 'rendered', element.url);
      cmp.decide(false);
      for (const element of elements) equal(await untilState(element, ['consent']), 'consent', element.url);
      deepEqual(elements.map(leftovers), [0, 0], 'no wrapper, blockquote or iframe left');
      const requests = await recordRequests();
      await absence();
      deepEqual(await requests(), [], 'nothing requested after withdrawal');
    });

    it('renders at once for a returning visitor whose stored choice allows Instagram; a stored no keeps the cards', async () => {
      cmp.load(true);
      disconnect = cmp.connect();
      const [element] = gated(1) as [IgEmbedElement];
      equal(await untilState(element, SETTLED), 'rendered', 'stored yes');
      disconnect();
      cmp.remove();
      IgEmbedElement.revokeConsent();
      cleanup();

      cmp = make();
      cmp.load(false);
      disconnect = cmp.connect();
      const requests = await recordRequests();
      const [denied] = gated(1) as [IgEmbedElement];
      equal(await untilState(denied, ['consent', ...SETTLED]), 'consent', 'stored no');
      await absence();
      deepEqual(await requests(), [], 'requests with a stored no');
    });

    it('follows a consent manager whose script runs after the adapter connected', async () => {
      disconnect = cmp.connect();
      const elements = gated(2);
      for (const element of elements) await untilState(element, ['consent']);
      // connect() looked for the CMP at once and found none; it arrives now, as a script a tag manager loads.
      const loads = elements.map((element) => nextEvent(element, 'ig-embed-load'));
      cmp.load(true);
      await Promise.all(loads);
      cmp.decide(false);
      for (const element of elements) equal(await untilState(element, ['consent']), 'consent', element.url);
    });
  });
}

/** A gate that records the calls an adapter makes, for the tests of its options; `next()` resolves at the next call. */
export function recorder(): { calls: string[]; element: { grantConsent(): void; revokeConsent(): void }; next(): Promise<string> } {
  const calls: string[] = [];
  let wake: ((call: string) => void) | undefined;
  const record = (call: string) => {
    calls.push(call);
    wake?.(call);
    wake = undefined;
  };
  return {
    calls,
    element: { grantConsent: () => record('grant'), revokeConsent: () => record('revoke') },
    next: () => new Promise((resolve) => (wake = resolve)),
  };
}
