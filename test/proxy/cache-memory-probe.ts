/**
 * Run by cache-memory.test.ts as `node --expose-gc --import tsx cache-memory-probe.ts <small|real> <capBytes>`:
 * fills a real embed cache (createEmbedCache, through `load`, keyed as the proxy keys it) well past its
 * byte cap with distinct posts, then prints one JSON line with what the cache counted and what the
 * process holds after gc(): live heap (V8 heap + external memory, which includes every ArrayBuffer) and RSS,
 * each over the baseline taken before the cache existed.
 *
 * Building an entry compresses it twice with brotli at quality 11 (up to ~50 ms for a real post on a
 * busy machine), so a few entries per run are built with buildPositiveEntry and the rest are byte-exact
 * copies of them: every copy has its own ArrayBuffers, strings and objects of the same sizes, which is
 * all that memory depends on.
 */
import { readFileSync } from 'node:fs';
import { buildPositiveEntry, createEmbedCache, type PositiveEntry } from '../../proxy/cache.js';
import type { OembedPayload as EmbedPayload } from '../../proxy/graph-client.js';
import type { Representation, Variant } from '../../proxy/representation.js';
import { EMBED_SCRIPT_TAG, sanitizeEmbedHtml } from '../../proxy/sanitize-html.js';

const [kind = 'small', capArg = String(64 * 1024 * 1024)] = process.argv.slice(2);
const cap = Number(capArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const RECORDING = JSON.parse(readFileSync(new URL('../../proxy/fixtures/graph/xperience-meta-embeds_2026-09_graph-v25_tokenless_p_fA9uwTtkSN.json', import.meta.url), 'utf8')) as EmbedPayload;
const RECORDED_POST = 'https://www.instagram.com/p/fA9uwTtkSN/';

/** Shortcodes of Instagram's usual length (11), distinct for every i. */
const shortcode = (i: number): string => `C${i.toString(36).padStart(10, '0')}`;
const postOf = (i: number): string => `https://www.instagram.com/p/${shortcode(i)}/`;

/** The payload the proxy would cache for post i: the recorded 6.4 KB embed, or a minimal ~200-byte one. */
function payloadFor(i: number): EmbedPayload {
  const post = postOf(i);
  const html = kind === 'real'
    ? sanitizeEmbedHtml(RECORDING.html.replaceAll(RECORDED_POST, post), post)!
    : `<blockquote class="instagram-media" data-instgrm-permalink="${post}" data-instgrm-version="14"><a href="${post}">View this post on Instagram</a></blockquote>`;
  return { version: '1.0', type: 'rich', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', width: 658, html };
}

const copyRepresentation = (r: Representation): Representation => {
  const bytes = new Uint8Array(r.body); // a fresh ArrayBuffer of the same length
  return { body: Buffer.from(bytes.buffer, 0, bytes.byteLength), etag: `${r.etag.slice(0, -1)}"`, encoding: r.encoding, length: String(r.body.byteLength) };
};
const copyVariant = (v: Variant): Variant => ({
  identity: copyRepresentation(v.identity),
  gzip: v.gzip && copyRepresentation(v.gzip),
  br: v.br && copyRepresentation(v.br),
});

const TEMPLATES = kind === 'real' ? 8 : 32;
const now = 1_000_000;
const options = { now, freshMs: 3_600_000, staleMs: 86_400_000, scriptTag: EMBED_SCRIPT_TAG };
const templates: PositiveEntry[] = Array.from({ length: TEMPLATES }, (_, i) => buildPositiveEntry(payloadFor(i), { ...options, post: postOf(i) }));

function measure(): { heap: number; heapTotal: number; rss: number } {
  for (let i = 0; i < 4; i++) gc!();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external, heapTotal: m.heapTotal, rss: m.rss };
}

const baseline = measure();
const cache = createEmbedCache({ maxBytes: cap, now: () => now });
// Insert until the cap is reached and as many entries again have been evicted: eviction is what bounds it.
let inserts = 0;
for (let i = 0; i < 1_000_000 && (cache.bytes < 0.95 * cap || i < 2 * cache.entries); i++, inserts++) {
  const post = postOf(TEMPLATES + i);
  const template = templates[i % TEMPLATES]!;
  const entry: PositiveEntry = { ...template, post, noscript: copyVariant(template.noscript), script: copyVariant(template.script) };
  await cache.load(`${post}||0`, async () => entry);
}
const after = measure();
process.stdout.write(`${JSON.stringify({
  kind, cap, inserts, entries: cache.entries, counted: cache.bytes,
  liveHeap: after.heap - baseline.heap, heapTotal: after.heapTotal - baseline.heapTotal, rss: after.rss - baseline.rss,
  entrySize: templates[0]!.size,
})}\n`);
cache.clear();
