// Cache entries as bytes for the shared (Redis) level: the same pre-serialised, pre-compressed bodies, never re-encoded.
import type { CacheEntry, PositiveEntry } from './cache.js';
import type { Encoding, Representation, Variant } from './representation.js';

/** Bumped whenever the layout changes; it is also part of every Redis key, so replicas of two versions never read each other's entries. */
export const L2_SCHEMA = 'v1';

const MAGIC = Buffer.from('IGE1');

/** Entries read from Redis, so the answer can say it came from the shared cache (X-Cache: HIT) and not from upstream. */
const fromRedis = new WeakSet<CacheEntry>();

/** Whether `entry` was read from the shared level rather than fetched by this replica's own upstream round. */
export function isSharedEntry(entry: CacheEntry): boolean {
  return fromRedis.has(entry);
}
const ENCODINGS: readonly Encoding[] = ['identity', 'gzip', 'br'];

type Part = [variant: 'noscript' | 'script', encoding: Encoding, etag: string, length: number];
interface Header {
  kind: CacheEntry['kind'];
  post: string;
  storedAt: number;
  /** Positive: freshUntil, staleUntil. Negative: until. */
  times: number[];
  size: number;
  parts?: Part[];
}

/** `entry` as one buffer: magic, header length, JSON header, then every representation's bytes. */
export function encodeEntry(entry: CacheEntry): Buffer {
  const bodies: Uint8Array[] = [];
  const header: Header = { kind: entry.kind, post: entry.post, storedAt: entry.storedAt, size: entry.size, times: [] };
  if (entry.kind === 'ok') {
    header.times = [entry.freshUntil, entry.staleUntil];
    header.parts = [];
    for (const name of ['noscript', 'script'] as const) {
      for (const encoding of ENCODINGS) {
        const rep = entry[name][encoding];
        if (rep === undefined) continue;
        header.parts.push([name, encoding, rep.etag, rep.body.byteLength]);
        bodies.push(rep.body);
      }
    }
  } else {
    header.times = [entry.until];
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.byteLength);
  return Buffer.concat([MAGIC, length, json, ...bodies]);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The entry in `bytes`, or undefined when they are not one of ours (another schema, truncated, junk):
 * the caller treats that as a miss. Bodies are views of `bytes`, not copies.
 */
export function decodeEntry(bytes: Buffer): CacheEntry | undefined {
  if (bytes.byteLength < 8 || !bytes.subarray(0, 4).equals(MAGIC)) return undefined;
  const headerEnd = 8 + bytes.readUInt32BE(4);
  if (headerEnd > bytes.byteLength) return undefined;
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(8, headerEnd).toString('utf8')) as Header;
  } catch {
    return undefined;
  }
  if (typeof header.post !== 'string' || !isNumber(header.storedAt) || !isNumber(header.size) || !Array.isArray(header.times)
    || !header.times.every(isNumber)) return undefined;
  if (header.kind === 'not_embeddable') {
    const [until] = header.times;
    if (until === undefined) return undefined;
    const negative: CacheEntry = { kind: 'not_embeddable', post: header.post, storedAt: header.storedAt, until, size: header.size };
    fromRedis.add(negative);
    return negative;
  }
  const [freshUntil, staleUntil] = header.times;
  if (header.kind !== 'ok' || freshUntil === undefined || staleUntil === undefined || !Array.isArray(header.parts)) return undefined;
  const reps: Record<'noscript' | 'script', Partial<Record<Encoding, Representation>>> = { noscript: {}, script: {} };
  let offset = headerEnd;
  for (const part of header.parts) {
    const [name, encoding, etag, length] = part;
    if (!(name in reps) || !ENCODINGS.includes(encoding) || typeof etag !== 'string' || !isNumber(length) || offset + length > bytes.byteLength) {
      return undefined;
    }
    const body = bytes.subarray(offset, offset + length) as Buffer<ArrayBuffer>;
    reps[name][encoding] = { body, etag, encoding, length: String(length) };
    offset += length;
  }
  if (offset !== bytes.byteLength) return undefined;
  const variant = (r: Partial<Record<Encoding, Representation>>): Variant | undefined =>
    r.identity === undefined ? undefined : { identity: r.identity, gzip: r.gzip, br: r.br };
  const noscript = variant(reps.noscript);
  const script = variant(reps.script);
  if (noscript === undefined || script === undefined) return undefined;
  const entry: PositiveEntry = {
    kind: 'ok', post: header.post, storedAt: header.storedAt, freshUntil, staleUntil, noscript, script, size: header.size, revoked: false,
  };
  fromRedis.add(entry);
  return entry;
}
