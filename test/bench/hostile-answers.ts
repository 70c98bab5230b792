/**
 * The worst case of `npm run bench`: how long one hostile 256 KiB upstream answer keeps the event loop
 * busy. Each answer goes through the built proxy in this process (Graph client, sanitiser, cache entry),
 * served by a stub `fetch`, so nothing but our own work is measured; a fresh proxy per run keeps the
 * breaker closed. Two figures: the sanitiser alone, and the whole answer as event-loop active time
 * (performance.eventLoopUtilization), which adds reading, JSON, validation and compressing the entry.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const POST = 'https://www.instagram.com/p/fA9uwTtkSN/';
/** The Graph client's body cap: the biggest answer that reaches the sanitiser at all. */
const BODY_LIMIT = 256 * 1024;
const OPEN = `<blockquote class="instagram-media" data-instgrm-permalink="${POST}" data-instgrm-version="14">`;

/**
 * A 200 answer whose html is `head`, then units (`unit(0)`, `unit(1)`, …) for as long as the JSON still
 * fits in `limit` bytes (default 256 KiB) with `tail` after them.
 */
function answer(unit: string | ((i: number) => string), head = OPEN, tail = '', limit = BODY_LIMIT): string {
  const wrap = (html: string) => JSON.stringify({
    version: '1.0', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', type: 'rich', width: 658, html,
  });
  const next = typeof unit === 'string' ? () => unit : unit;
  let room = limit - Buffer.byteLength(wrap(head + tail));
  const units: string[] = [];
  for (let i = 0; ; i++) {
    const piece = next(i);
    room -= Buffer.byteLength(JSON.stringify(piece)) - 2;
    if (room < 0) break;
    units.push(piece);
  }
  return wrap(head + units.join('') + tail);
}

/** Attribute names a, b, …, z, ba, bb, …: all distinct. */
const letters = (i: number): string => i.toString(26).replace(/./g, (d) => String.fromCharCode(97 + parseInt(d, 26)));

/** Hostile answers just under the body cap, each aimed at one cost of parsing or serialising. */
export const HOSTILE_ANSWERS: ReadonlyArray<readonly [name: string, body: string]> = [
  // For scale, not hostile: what one real miss costs.
  ['(reference) Meta\'s recorded 2026 answer', readFileSync(new URL('../../proxy/fixtures/graph/xperience-meta-embeds_2026-09_graph-v25_tokenless_p_fA9uwTtkSN.json', import.meta.url), 'utf8')],
  ['unclosed <div>s', answer('<div>')],
  ['unclosed unknown elements', answer('<x>')],
  ['unclosed <svg>s', answer('<svg>')],
  ['"<<" text (4× when escaped)', answer('<<')],
  ['closed <p>a</p> elements', answer('<p>a</p>')],
  ['closing tags without openers', answer('</div>')],
  ['one element, many attributes', answer(' a=1', `${OPEN}<div`, '>x</div>')],
  ['one element, many distinct attributes', answer((i) => ` ${letters(i)}`, `${OPEN}<div`, '>x</div>')],
  ['one long style', answer('color:red;', `${OPEN}<div style="`, '">x</div>')],
  ['entities', answer('&lt;')],
  // The most a hostile answer can get through: 63 KiB of text that compresses poorly, which the cache
  // entry then compresses twice (brotli and gzip, for both omitscript variants).
  ['varied text just under the 64 KiB output cap', answer((i) => `${((i * 7919) % 1_000_003).toString(36)} `, OPEN, '</blockquote>', 63 * 1024)],
];

export interface HostileCost {
  name: string;
  bytes: number;
  status: number;
  /** sanitizeEmbedHtml alone (synchronous, so its wall time is event-loop time), median of the runs. */
  sanitiserMs: number;
  /** The whole answer through the proxy (read, JSON, validation, sanitiser, cache entry, response), median. */
  answerMs: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Event-loop time per hostile answer over `runs` runs (after one warm-up), through the proxy built in `distProxy`. */
export async function measureHostileAnswers(distProxy: URL, runs = 5): Promise<HostileCost[]> {
  const { createProxy } = (await import(new URL('app.js', distProxy).href)) as typeof import('../../proxy/app.js');
  const { parseConfig } = (await import(new URL('config.js', distProxy).href)) as typeof import('../../proxy/config.js');
  const { sanitizeEmbedHtml } = (await import(new URL('sanitize-html.js', distProxy).href)) as typeof import('../../proxy/sanitize-html.js');
  const config = parseConfig({ GRAPH_API_URL: 'http://127.0.0.1:9/v25.0', RATE_LIMIT_MISSES_PER_MIN: '100000' });
  const quiet = { info() {}, warn() {}, error() {} };
  const path = `/instagram_oembed?url=${encodeURIComponent(POST)}`;
  const results: HostileCost[] = [];
  for (const [name, body] of HOSTILE_ANSWERS) {
    const html = (JSON.parse(body) as { html: string }).html;
    const sanitiser: number[] = [];
    const whole: number[] = [];
    let status = 0;
    for (let run = 0; run <= runs; run++) {
      const started = performance.now();
      sanitizeEmbedHtml(html, POST);
      const sanitised = performance.now() - started;
      // A fresh proxy each time: five invalid answers in a row would open the breaker.
      const proxy = createProxy(config, {
        log: quiet, distDir: false,
        fetch: async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }),
      });
      const before = performance.eventLoopUtilization();
      const response = await proxy.request(path);
      await response.arrayBuffer();
      const active = performance.eventLoopUtilization(before).active;
      proxy.close();
      status = response.status;
      if (run === 0) continue; // warm-up
      sanitiser.push(sanitised);
      whole.push(active);
    }
    results.push({ name, bytes: Buffer.byteLength(body), status, sanitiserMs: median(sanitiser), answerMs: median(whole) });
  }
  return results;
}

/** One line per answer, then the worst medians: the sanitiser's is the figure the issue tracks (aim < 50 ms). */
export function printHostileCosts(costs: HostileCost[]): void {
  for (const c of costs) {
    console.log(`hostile answer: ${c.name.padEnd(38)} ${(c.bytes / 1024).toFixed(0)} KiB → ${c.status}; `
      + `event loop: sanitiser ${c.sanitiserMs.toFixed(1)} ms, whole answer ${c.answerMs.toFixed(1)} ms (medians)`);
  }
  const hostile = costs.filter((c) => !c.name.startsWith('(reference)'));
  const worst = (pick: (c: HostileCost) => number) => hostile.reduce((a, b) => (pick(b) > pick(a) ? b : a));
  const s = worst((c) => c.sanitiserMs);
  const w = worst((c) => c.answerMs);
  console.log(`hostile answer worst case: sanitiser ${s.sanitiserMs.toFixed(1)} ms ("${s.name}", aim < 50 ms); `
    + `whole answer ${w.answerMs.toFixed(1)} ms ("${w.name}")`);
}
