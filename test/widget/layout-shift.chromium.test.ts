// Layout stability on a CMS-like page: markup and the host-page CSS line first, then the element, then a slow embed.js.
// Chromium only (*.chromium.test.ts, left out of the Firefox run: Firefox reports no layout-shift entries).
import type { IgEmbedElement } from '../../widget/element.js';
import { equal, frames, SETTLED, untilState } from './support/helpers.js';

interface LayoutShift extends PerformanceEntry {
  value: number;
  hadRecentInput: boolean;
  sources: Array<{ node?: Node; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }>;
}

const shifts: LayoutShift[] = [];
const shiftObserver = new PerformanceObserver((list) => shifts.push(...(list.getEntries() as LayoutShift[])));
const CODES = ['ShiftA', 'ShiftB', 'GoneShiftC', 'ShiftD', 'ShiftNeverE', 'ShiftF', 'ShiftG', 'ShiftH', 'ShiftI', 'ShiftJ'];

before(async () => {
  shiftObserver.observe({ type: 'layout-shift', buffered: true });
  const style = document.createElement('style');
  // The documented host-page line, exactly as the README's CMS snippet and docs/element.md give it.
  style.textContent = 'ig-embed:not(:defined){display:grid;place-items:center;box-sizing:border-box;max-width:540px;min-width:326px;min-height:640px;border:1px solid #8884;border-radius:3px;text-align:center}';
  document.head.append(style);
  const page = document.createElement('main');
  page.innerHTML = `<h1 style="margin:0;font:24px/32px sans-serif">A page with ten posts</h1>${CODES.map(
    (code) => `<ig-embed url="https://www.instagram.com/p/${code}/" timeout="2000"><a href="https://www.instagram.com/p/${code}/">View this post on Instagram</a></ig-embed><p style="margin:8px 0;font:16px/24px sans-serif">Text after ${code}.</p>`,
  ).join('')}`;
  document.body.style.margin = '0';
  document.body.append(page);
  await frames(2);
  const { IgEmbedElement } = await import('../../widget/element.js');
  IgEmbedElement.scriptSrc = 'https://www.instagram.com/embed.js?delay=800';
  await import('../../widget/define.js');
});

const settledAll = (elements: IgEmbedElement[]) => Promise.all(elements.map((element) => untilState(element, SETTLED)));

/** Resolves when every running animation in the elements' shadow roots (the box's 0.25 s height transition) has ended. */
const transitionsEnded = (elements: IgEmbedElement[]) =>
  Promise.all(elements.flatMap((element) => element.shadowRoot?.getAnimations().map((animation) => animation.finished) ?? []));

describe('layout stability', () => {
  it('shifts less than 0.01 while 10 embeds of varied heights load, render and fall back', async () => {
    // Without layout-shift entries the sum below would be 0 and prove nothing.
    equal(PerformanceObserver.supportedEntryTypes.includes('layout-shift'), true, 'browser reports layout shifts');
    const elements = Array.from(document.querySelectorAll('ig-embed'));
    await frames(2);
    const started = elements.filter((element) => element.state !== 'idle');
    equal(started.length > 0 && started.length < elements.length, true, `some but not all started (${started.length})`);
    await settledAll(started);
    // Scroll down through the rest of the page, letting each part load, like a reader would.
    for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
      window.scrollTo(0, y);
      await frames(2);
      await settledAll(elements.filter((element) => element.state !== 'idle'));
    }
    await settledAll(elements);
    await transitionsEnded(elements);
    // The frames that lay out the transitions' last step, then the entries not yet delivered to the callback.
    await frames(2);
    shifts.push(...(shiftObserver.takeRecords() as LayoutShift[]));
    const counted = shifts.filter((shift) => !shift.hadRecentInput);
    const total = counted.reduce((sum, shift) => sum + shift.value, 0);
    const rect = (r: DOMRectReadOnly) => `${Math.round(r.y)}/${Math.round(r.height)}`;
    const detail = counted.map((s) => `${Math.round(s.startTime)}ms ${s.value.toFixed(4)}: ${s.sources.map((x) => `${(x.node as Element)?.nodeName ?? '?'}(${(x.node as Element)?.textContent?.slice(0, 15)}) ${rect(x.previousRect)}->${rect(x.currentRect)}`).join(', ')}`).join(' | ');
    equal(total < 0.01, true, `cumulative layout shift ${total.toFixed(4)} [${detail}]`);
    equal(elements.map((element) => element.reason ?? element.state).join(), CODES.map((c) => (c.startsWith('Gone') ? 'not_embeddable' : c.includes('Never') ? 'timeout' : 'rendered')).join(), 'states');
  });
});
