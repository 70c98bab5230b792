/**
 * What one cache entry really costs in memory, so that CACHE_MAX_BYTES bounds the process and not just
 * the response bytes: every stored body and the objects around it, the strings, the key, and the
 * bookkeeping of lru-cache and of the post index. The constants were measured on Node 20 (x64) by
 * allocating each structure 100,000 times; test/proxy/cache-memory.test.ts checks the total against a
 * real heap at a 64 MiB cap, with small and with real-size posts.
 */

/**
 * Per stored body besides its bytes: ~190 B of V8 heap (the JSArrayBuffer and the Buffer view over it)
 * and ~160 B of native memory that `process.memoryUsage().external` does not show (V8's BackingStore,
 * its extension and the malloc header of the bytes). Small posts have six bodies of a few hundred bytes
 * each, which is why these overheads matter: they are most of an entry.
 */
const BODY_OVERHEAD = 352;

/** A representation object with its ETag (~30 characters) and Content-Length strings. */
const REPRESENTATION_OVERHEAD = 128;

/**
 * The entry and its two variant objects (~190 B), lru-cache's TTL timer with its closure (~260 B, one
 * per entry with ttlAutopurge) and its key map slot (~40 B), and the post index's Set (~190 B).
 */
const POSITIVE_ENTRY_OVERHEAD = 704;

/** A negative entry has no bodies: the object, the TTL timer and the key map slot. */
const NEGATIVE_ENTRY_OVERHEAD = 384;

/** A string's header plus one byte per character (keys and URLs are ASCII, so V8 stores them one-byte). */
const stringCost = (s: string): number => 24 + s.length;

interface Stored { readonly body: Uint8Array }
interface Representations { readonly identity: Stored; readonly gzip: Stored | undefined; readonly br: Stored | undefined }

function representationsCost(v: Representations): number {
  let cost = 0;
  for (const r of [v.identity, v.gzip, v.br]) {
    if (r !== undefined) cost += r.body.byteLength + BODY_OVERHEAD + REPRESENTATION_OVERHEAD;
  }
  return cost;
}

/** A positive entry holding `variants` for `post`, without its key (added by `keyCost` when it is stored). */
export function positiveEntryCost(post: string, variants: readonly Representations[]): number {
  let cost = POSITIVE_ENTRY_OVERHEAD + stringCost(post);
  for (const v of variants) cost += representationsCost(v);
  return cost;
}

/** A negative (not_embeddable) entry for `post`, without its key. */
export function negativeEntryCost(post: string): number {
  return NEGATIVE_ENTRY_OVERHEAD + stringCost(post);
}

/** A cache key, held by lru-cache's key map and list, and by the post index for positive entries. */
export function keyCost(key: string): number {
  return stringCost(key);
}
