// The request to the proxy has a deadline: a proxy that accepts the connection and never answers ends in the fallback.
import '../../widget/index.js';
import { cleanup, embed, equal, nextEvent, post, proxyCalls, unique } from './support/helpers.js';

afterEach(cleanup);

/** The shortcodes of Hang… requests the fake proxy still holds open. */
async function hanging(): Promise<string[]> {
  return (await (await fetch('/__proxy/hanging')).json()) as string[];
}

/**
 * Whether the fake proxy sees `code`'s connection close: it answers once it has (the server learns of
 * an abort asynchronously), or false after 5 s.
 */
async function closed(code: string): Promise<boolean> {
  return (await (await fetch(`/__proxy/closed?code=${encodeURIComponent(code)}`)).json()) as boolean;
}

async function fallbackAfter(element: HTMLElement): Promise<{ reason: string; elapsed: number }> {
  const started = performance.now();
  const event = await nextEvent<CustomEvent<{ reason: string }>>(element, 'ig-embed-fallback');
  return { reason: event.detail.reason, elapsed: performance.now() - started };
}

describe('a proxy that never answers', () => {
  it('falls back with timeout after the element\'s timeout, and the request is aborted', async () => {
    const code = unique('Hang');
    const element = embed({ url: post(code), loading: 'eager', timeout: '300' });
    const { reason, elapsed } = await fallbackAfter(element);
    equal(reason, 'timeout', 'reason');
    equal(elapsed >= 290 && elapsed < 1500, true, `waited the timeout (${Math.round(elapsed)} ms)`);
    equal(element.state, 'fallback', 'state');
    equal(await closed(code), true, 'request aborted');
  });

  it('a shared request outlives the first deadline and is aborted when the last sharer\'s passes', async () => {
    const code = unique('Hang');
    const early = embed({ url: post(code), loading: 'eager', timeout: '200' });
    const late = embed({ url: post(code), loading: 'eager', timeout: '900' });
    const earlyDone = fallbackAfter(early);
    const lateDone = fallbackAfter(late);
    equal((await earlyDone).reason, 'timeout', 'early reason');
    equal(late.state, 'loading', 'late still loading');
    equal((await hanging()).includes(code), true, 'request still open for the late sharer');
    const { reason, elapsed } = await lateDone;
    equal(reason, 'timeout', 'late reason');
    equal(elapsed >= 890, true, `late waited its own timeout (${Math.round(elapsed)} ms)`);
    equal(await closed(code), true, 'request aborted after the last deadline');
    equal((await proxyCalls()).filter((c) => c === code).length, 1, 'one shared fetch');
  });

  it('keeps waiting past a short delay when no timeout is set (the default is 10 s)', async () => {
    const element = embed({ url: post(unique('Hang')), loading: 'eager' });
    const { reason, elapsed } = await Promise.race([
      fallbackAfter(element),
      // Proves absence: no fallback within 1.5 s.
      new Promise<{ reason: string; elapsed: number }>((resolve) => setTimeout(resolve, 1500, { reason: 'still waiting', elapsed: 1500 })),
    ]);
    equal(`${reason} ${element.state}`, 'still waiting loading', `no fallback before 1.5 s (${Math.round(elapsed)} ms)`);
  });
});
