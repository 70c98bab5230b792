// The oEmbed cache: memory-only, bounded by bytes, pre-serialised entries, coalesced misses, post-wide revocation.
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import { keyCost, negativeEntryCost, positiveEntryCost } from './entry-cost.js';

export type Encoding = 'identity' | 'gzip' | 'br';

/** One stored representation: exact response bytes and their strong ETag. */
export interface Representation {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly etag: string;
  readonly encoding: Encoding;
  /** body.byteLength as a header value, computed once. */
  readonly length: string;
}

/** One resource in every encoding worth storing (a compressed copy is kept only if smaller). */
export interface Variant {
  readonly identity: Representation;
  readonly gzip: Representation | undefined;
  readonly br: Representation | undefined;
}

const ENCODING_TAG: Record<Encoding, string> = { identity: 'id', gzip: 'gz', br: 'br' };

function representation(bytes: Uint8Array<ArrayBuffer>, hash: string, tag: string, encoding: Encoding): Representation {
  // A Buffer view of the same memory: node's socket write turns any other Uint8Array into one on every response.
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { body, encoding, etag: `"${hash}-${tag}${ENCODING_TAG[encoding]}"`, length: String(body.byteLength) };
}

/**
 * Hashes and compresses `body` once, so serving it later costs no CPU. `tag` goes into the ETag to
 * tell apart representations of one resource that might share bytes. `compress: false` for formats
 * that are already compressed.
 */
export function buildVariant(body: Uint8Array<ArrayBuffer>, tag: string, compress = true): Variant {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  if (!compress) return { identity: representation(body, hash, tag, 'identity'), gzip: undefined, br: undefined };
  const gz = new Uint8Array(gzipSync(body, { level: 9 }));
  const br = new Uint8Array(brotliCompressSync(body, {
    params: {
      [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
      // Max quality costs ~1 ms for an embed; large demo bundles use a cheaper level to keep boot fast.
      [zlib.BROTLI_PARAM_QUALITY]: body.byteLength <= 65_536 ? 11 : 9,
      [zlib.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
    },
  }));
  return {
    identity: representation(body, hash, tag, 'identity'),
    gzip: gz.byteLength < body.byteLength ? representation(gz, hash, tag, 'gzip') : undefined,
    br: br.byteLength < body.byteLength ? representation(br, hash, tag, 'br') : undefined,
  };
}

/** Which compressed encodings a request accepts; parsed minimally (q=0 refuses, `*` stands for the rest). */
export interface AcceptedEncodings { readonly gzip: boolean; readonly br: boolean }

const NONE: AcceptedEncodings = Object.freeze({ gzip: false, br: false });
const acceptMemo = new Map<string, AcceptedEncodings>();

export function acceptedEncodings(header: string | undefined): AcceptedEncodings {
  if (!header) return NONE;
  let result = acceptMemo.get(header);
  if (result) return result;
  const q: Record<string, number> = {};
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';');
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) weight = Number(m[1]);
    }
    q[name.trim().toLowerCase()] = Number.isFinite(weight) ? weight : 0;
  }
  const star = q['*'];
  const ok = (name: string) => (q[name] ?? star ?? 0) > 0;
  result = Object.freeze({ gzip: ok('gzip') || ok('x-gzip'), br: ok('br') });
  // Real clients send a handful of distinct values; the bound only guards against junk.
  if (acceptMemo.size >= 256) acceptMemo.clear();
  acceptMemo.set(header, result);
  return result;
}

/** The smallest representation the client accepts: br, then gzip, then identity. */
export function pickRepresentation(variant: Variant, accepts: AcceptedEncodings): Representation {
  if (accepts.br && variant.br) return variant.br;
  if (accepts.gzip && variant.gzip) return variant.gzip;
  return variant.identity;
}

/**
 * Turns the headers of a 200 into those of its 304: the validators and caching headers stay, the
 * ones that describe a body go (RFC 9110 15.4.5).
 */
export function toNotModified(headers: Record<string, string>): Record<string, string> {
  delete headers['content-type'];
  delete headers['content-length'];
  delete headers['content-encoding'];
  return headers;
}

/** If-None-Match with weak comparison (RFC 9110 13.1.2): `*`, or any listed tag equal to ours ignoring W/. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header === etag) return true;
  if (header.trim() === '*') return true;
  for (const part of header.split(',')) {
    const tag = part.trim();
    if (tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}

/** The response body fields, in the order they are serialised. */
export interface EmbedPayload {
  // A text field whose upstream value cannot be true is left out (upstream-round.ts).
  version?: string;
  type?: string;
  provider_name?: string;
  provider_url?: string;
  width: number | null;
  html: string;
  author_name?: string;
  author_url?: string;
  thumbnail_url?: string;
  thumbnail_width?: number;
  thumbnail_height?: number;
}

export interface PositiveEntry {
  readonly kind: 'ok';
  /** Canonical post URL: the revocation index groups a post's maxwidth/hidecaption variants by it. */
  readonly post: string;
  readonly storedAt: number;
  readonly freshUntil: number;
  /** Served (as STALE) after freshUntil only while upstream fails, and never past this instant. */
  readonly staleUntil: number;
  /** Body as Meta's omitscript=true shape (client asked for omitscript). */
  readonly noscript: Variant;
  /** Body with Meta's script tag appended to html (the default for oEmbed clients). */
  readonly script: Variant;
  /** What the entry costs in memory, without its key (entry-cost.ts). */
  readonly size: number;
  /** Set when the post turned not_embeddable: holders of this object must not serve it any more. */
  revoked: boolean;
}

export interface NegativeEntry {
  readonly kind: 'not_embeddable';
  readonly post: string;
  readonly storedAt: number;
  readonly until: number;
  /** What the entry costs in memory, without its key (entry-cost.ts). */
  readonly size: number;
}

export type CacheEntry = PositiveEntry | NegativeEntry;

const encoder = new TextEncoder();

/**
 * Serialises both omitscript variants of an upstream answer once. `payload.html` must already be
 * sanitised; `scriptTag` is appended after a newline for clients that did not ask for omitscript.
 */
export function buildPositiveEntry(
  payload: EmbedPayload,
  options: { post: string; now: number; freshMs: number; staleMs: number; scriptTag: string },
): PositiveEntry {
  const noscript = buildVariant(encoder.encode(JSON.stringify(payload)), 'n');
  const script = buildVariant(encoder.encode(JSON.stringify({ ...payload, html: `${payload.html}\n${options.scriptTag}` })), 's');
  return {
    kind: 'ok',
    post: options.post,
    storedAt: options.now,
    freshUntil: options.now + options.freshMs,
    staleUntil: options.now + options.freshMs + options.staleMs,
    noscript,
    script,
    size: positiveEntryCost(options.post, [noscript, script]),
    revoked: false,
  };
}

export function buildNegativeEntry(options: { post: string; now: number; ttlMs: number }): NegativeEntry {
  return { kind: 'not_embeddable', post: options.post, storedAt: options.now, until: options.now + options.ttlMs, size: negativeEntryCost(options.post) };
}

/** Loads a fresh entry for a key; called once per upstream round however many requests wait on it. */
export type EntryLoader = (stale: CacheEntry | undefined) => Promise<CacheEntry>;

export interface EmbedCache {
  /** The entry for `key`, or undefined; during a refresh, the entry being refreshed. Never does I/O. */
  get(key: string): CacheEntry | undefined;
  /**
   * Refreshes `key` with `loader`, joining a refresh already in flight for it (then `coalesced` is
   * true and `loader` is not called). A rejection of the loader reaches every waiter and keeps the
   * old entry in place (so it can still be served stale); a not_embeddable result revokes and
   * evicts every positive entry of the same post.
   */
  load(key: string, loader: EntryLoader): Promise<{ entry: CacheEntry; coalesced: boolean }>;
  readonly entries: number;
  readonly bytes: number;
  clear(): void;
}

interface FetchContext { loader: EntryLoader }

export function createEmbedCache(options: { maxBytes: number; now?: () => number }): EmbedCache {
  const now = options.now ?? Date.now;
  // post → keys of its positive entries, so not_embeddable can evict every maxwidth/hidecaption variant.
  const byPost = new Map<string, Set<string>>();

  const forget = (post: string, key: string) => {
    const keys = byPost.get(post);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) byPost.delete(post);
  };

  const revokePost = (post: string, exceptKey: string) => {
    const keys = byPost.get(post);
    if (!keys) return;
    byPost.delete(post);
    for (const key of keys) {
      const old = lru.peek(key, { allowStale: true });
      if (old?.kind === 'ok') old.revoked = true;
      // The key being answered is overwritten by the negative entry when the fetch resolves.
      if (key !== exceptKey) lru.delete(key);
    }
  };

  const lru: LRUCache<string, CacheEntry, FetchContext> = new LRUCache<string, CacheEntry, FetchContext>({
    maxSize: options.maxBytes,
    max: Math.max(1024, Math.floor(options.maxBytes / 2048)),
    // What the entry really costs in memory (entry-cost.ts), its key included.
    sizeCalculation: (entry, key) => entry.size + keyCost(key),
    // Each entry gets its own TTL at insert (fresh + stale, or the negative window); this is a fallback.
    ttl: 60_000,
    // Policy: oEmbed data is dropped from memory as soon as it may no longer be served.
    ttlAutopurge: true,
    perf: { now },
    // Read the clock on every check: no cached "now" (and no timer per millisecond to reset it).
    ttlResolution: 0,
    // A waiter that goes away must not fail the others; we never pass a signal anyway.
    ignoreFetchAbort: true,
    allowStaleOnFetchAbort: false,
    allowStaleOnFetchRejection: false,
    // Keep the old entry after a failed refresh so later requests can still be served stale.
    noDeleteOnFetchRejection: true,
    dispose: (entry, key, reason) => {
      if (entry.kind === 'ok' && reason !== 'set') forget(entry.post, key);
    },
    fetchMethod: async (key, stale, { options: fetchOptions, context }) => {
      const entry = await context.loader(stale);
      const expires = entry.kind === 'ok' ? entry.staleUntil : entry.until;
      fetchOptions.ttl = Math.max(1, Math.ceil(expires - now()));
      if (entry.kind === 'ok') {
        let keys = byPost.get(entry.post);
        if (!keys) byPost.set(entry.post, (keys = new Set()));
        keys.add(key);
      } else {
        if (stale?.kind === 'ok') stale.revoked = true;
        revokePost(entry.post, key);
      }
      return entry;
    },
  });

  return {
    get: (key) => lru.get(key),
    async load(key, loader) {
      const status: LRUCache.Status<string, CacheEntry, FetchContext> = {};
      const entry = await lru.fetch(key, { forceRefresh: true, context: { loader }, status });
      // fetchMethod always resolves to an entry or rejects, so undefined means the key was evicted
      // mid-flight and lru-cache dropped the result; that cannot happen with ignoreFetchAbort.
      if (entry === undefined) throw new Error('cache fetch resolved without an entry');
      return { entry, coalesced: status.fetch === 'inflight' };
    },
    get entries() { return lru.size; },
    get bytes() { return lru.calculatedSize; },
    clear: () => { lru.clear(); byPost.clear(); },
  };
}
