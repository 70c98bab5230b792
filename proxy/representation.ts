// HTTP representations of a stored resource: its encodings and strong ETags built once, then chosen per request (Accept-Encoding, If-None-Match → 304).
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { Answer, AnswerRequest } from './answer.js';

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
export function buildVariant(body: Uint8Array<ArrayBuffer>, tag: string, compress = true, effort: 'boot' | 'request' = 'boot'): Variant {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  if (!compress) return { identity: representation(body, hash, tag, 'identity'), gzip: undefined, br: undefined };
  // On the request path (a cache entry), a body above a real embed's size (~7 KB) is compressed cheaply:
  // brotli 11 and gzip 9 on 64 KiB of hostile, poorly compressible html held the event loop ~700 ms.
  const cheap = effort === 'request' && body.byteLength > 16_384;
  const gz = new Uint8Array(gzipSync(body, { level: cheap ? 6 : 9 }));
  const br = new Uint8Array(brotliCompressSync(body, {
    params: {
      [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
      // Max quality costs ~1 ms for an embed; large demo bundles use a cheaper level to keep boot fast.
      [zlib.BROTLI_PARAM_QUALITY]: cheap ? 5 : body.byteLength <= 65_536 ? 11 : 9,
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

/** The two request headers content negotiation reads (undefined when absent). */
export type Conditions = Pick<AnswerRequest, 'acceptEncoding' | 'ifNoneMatch'>;

/**
 * The answer for a stored resource, before the caller's own headers: the representation
 * Accept-Encoding allows as a 200 with the headers that describe its body, or a 304 when
 * If-None-Match holds its ETag. Both carry the ETag; the 304 leaves out the body's headers and
 * keeps every other one the caller pushes next (caching, Vary, CORS: RFC 9110 15.4.5).
 */
export function negotiate(variant: Variant, contentType: string, conditions: Conditions): Answer {
  const rep = pickRepresentation(variant, acceptedEncodings(conditions.acceptEncoding));
  if (ifNoneMatchHits(conditions.ifNoneMatch, rep.etag)) return { status: 304, headers: ['etag', rep.etag], body: null };
  const headers = ['content-type', contentType, 'content-length', rep.length, 'etag', rep.etag];
  if (rep.encoding !== 'identity') headers.push('content-encoding', rep.encoding);
  return { status: 200, headers, body: rep.body };
}
