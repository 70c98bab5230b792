// The fake embed page the layout tests rely on: exactly as tall as the MEASURE height it posts, everything visible inside it.
import { embedPage, heightFor } from '../support/fake-instagram/index.mjs';
import { cleanup, container, equal, unique } from './support/helpers.js';

afterEach(cleanup);

interface Shown {
  measured: number;
  height: number;
  picture: number;
  overflow: boolean;
  label: string;
}

/** Loads the fake page for `shortcode` in an iframe `width` px wide; resolves with its MEASURE height and its layout. */
function show(shortcode: string, width: number, heights?: Record<string, number>): Promise<Shown> {
  const frame = document.createElement('iframe');
  frame.style.cssText = `width:${width}px;height:1000px;border:0`;
  return new Promise((resolve) => {
    addEventListener('message', function onMessage(event) {
      const message = JSON.parse(String(event.data)) as { type: string; details: { height?: number } };
      if (event.source !== frame.contentWindow || message.type !== 'MEASURE') return;
      removeEventListener('message', onMessage);
      const doc = frame.contentDocument as Document;
      const box = (selector: string) => (doc.querySelector(selector) as Element).getBoundingClientRect();
      const height = doc.documentElement.getBoundingClientRect().height;
      resolve({
        measured: message.details.height ?? 0,
        height,
        picture: Math.round(box('.picture').height),
        // Every part of the post lies within the measured height and width.
        overflow: ['header', '.picture', '.actions', '.caption'].some((s) => box(s).bottom > height || box(s).right > width),
        label: doc.querySelector('.stand-in')?.textContent ?? '',
      });
    });
    frame.srcdoc = embedPage(shortcode, heights);
    container().append(frame);
  });
}

describe('the fake Instagram embed page', () => {
  for (const width of [326, 540]) {
    it(`is exactly as tall as the MEASURE height it posts, at ${width} px wide`, async () => {
      const code = unique('Stand');
      const shown = await show(code, width);
      equal(`${shown.measured} ${shown.height} ${shown.overflow}`, `${heightFor(code)} ${heightFor(code)} false`, 'height');
      equal(shown.picture > 200, true, `picture height ${shown.picture}`);
      equal(shown.label, 'test stand-in', 'label');
    });
  }

  it('keeps that promise at both ends of the height range', async () => {
    const [short, tall] = [unique('Short'), unique('Tall')];
    const shown = [await show(short, 326, { [short]: 420 }), await show(tall, 540, { [tall]: 899 })];
    equal(shown.map((s) => `${s.measured}=${s.height} ${s.overflow}`).join(', '), '420=420 false, 899=899 false');
  });
});
