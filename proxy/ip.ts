// IP address arithmetic for client identity: IPv6 clients are bucketed by /64, CIDR lists match addresses.

/** An address as bytes: 4 for IPv4 (IPv4-mapped IPv6 included), 16 for IPv6. */
type AddressBytes = number[];

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

function parseIpv4(text: string): AddressBytes | null {
  const m = IPV4.exec(text);
  if (!m) return null;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

function parseIpv6(text: string): AddressBytes | null {
  const halves = text.replace(/%.*$/, '').split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (const [i, part] of parts.entries()) {
      // An embedded IPv4 address may end the last group (`::ffff:192.0.2.1`).
      const v4 = i === parts.length - 1 ? parseIpv4(part) : null;
      if (v4) out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      else if (HEXTET.test(part)) out.push(parseInt(part, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  // ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket.
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/** The bytes of `text`, or null when it is not an IPv4 or IPv6 address. */
export function parseAddress(text: string): AddressBytes | null {
  // Some proxies write a port in X-Forwarded-For (`192.0.2.1:5678`, `[2001:db8::1]:443`): the client is the address.
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) return parseIpv6(bracketed[1]!);
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  if (v4WithPort) return parseIpv4(v4WithPort[1]!);
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/**
 * The identity the per-client limits count under: an IPv4 address as it is, an IPv6 address as its
 * /64 (one subscriber usually gets a whole /64, so per-address limits would be free to multiply), and
 * anything that is not an address (a runtime's own identifier) unchanged.
 */
export function clientKey(address: string): string {
  const bytes = parseAddress(address);
  if (bytes === null) return address;
  if (bytes.length === 4) return bytes.join('.');
  const words = [];
  for (let i = 0; i < 8; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `${words.join(':')}::/64`;
}

export interface Cidr { bytes: AddressBytes; prefix: number }

/** `192.0.2.0/24`, `2001:db8::/32`, or a bare address (a /32 or /128); null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const bytes = parseAddress(address);
  if (bytes === null || rest.length > 0) return null;
  const max = bytes.length * 8;
  if (prefixText === undefined) return { bytes, prefix: max };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return null;
  return { bytes, prefix: Number(prefixText) };
}

/** Whether `address` lies in any of `ranges` (an IPv4 range never matches an IPv6 address, nor the reverse). */
export function inRanges(address: string, ranges: readonly Cidr[]): boolean {
  if (ranges.length === 0) return false;
  const bytes = parseAddress(address);
  if (bytes === null) return false;
  return ranges.some(({ bytes: base, prefix }) => {
    if (base.length !== bytes.length) return false;
    for (let bit = 0; bit < prefix; bit += 8) {
      const mask = prefix - bit >= 8 ? 0xff : (0xff << (8 - (prefix - bit))) & 0xff;
      if (((base[bit / 8]! ^ bytes[bit / 8]!) & mask) !== 0) return false;
    }
    return true;
  });
}
