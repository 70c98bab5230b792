// The widget's side of the sanitiser contract (issue 7): on every document the proxy accepts, the widget's
// light-DOM result equals the browser's own parse of the proxy's output; every document the proxy
// refuses, the widget refuses too; and the widget's own result on every raw document holds nothing forbidden.
// The proxy's output comes from its real sanitiser, run in node by the test server
// (support/proxy-sanitizer.mjs), over the shared corpus (test/support/embed-corpus.ts).
import { sanitizeEmbed } from '../../widget/sanitize.js';
import { FORBIDDEN_IN_OUTPUT } from '../support/embed-corpus.js';
import { equal } from './support/helpers.js';

interface Verdict { name: string; html: string; permalink: string; proxy: 'accept' | 'reject'; output: string | null }

const verdicts: Verdict[] = await (await fetch('/__sanitizer-contract')).json();

/** The browser's parse of the proxy's output: what a page would get from inserting it as it is. */
function parsed(html: string): string {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content.firstElementChild?.outerHTML ?? '(nothing)';
}

describe('the widget and the proxy sanitise alike', () => {
  it('the corpus has both kinds of document and Meta\'s recordings', () => {
    equal(verdicts.some((v) => v.output === null), true, 'a refused document');
    equal(verdicts.filter((v) => v.name.startsWith('recording ')).length >= 5, true, 'recordings');
  });

  for (const verdict of verdicts) {
    if (verdict.output === null) {
      it(`refuses what the proxy refuses: ${verdict.name}`, () => {
        equal(verdict.proxy, 'reject', 'the corpus expects the proxy to accept it');
        equal(sanitizeEmbed(verdict.html, verdict.permalink)?.outerHTML ?? null, null);
      });
    } else {
      const output = verdict.output;
      it(`leaves the proxy's output as the browser parses it: ${verdict.name}`, () => {
        equal(sanitizeEmbed(output, verdict.permalink)?.outerHTML ?? null, parsed(output));
      });
      // The widget's own parse of the hostile input differs from htmlparser2's, so its result is not the
      // proxy's; what both must share is that nothing forbidden survives.
      it(`keeps nothing forbidden from the raw document itself: ${verdict.name}`, () => {
        const own = sanitizeEmbed(verdict.html, verdict.permalink)?.outerHTML ?? '';
        equal(FORBIDDEN_IN_OUTPUT.exec(own)?.[0] ?? null, null, own);
      });
    }
  }
});
