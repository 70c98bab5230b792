// Client identity arithmetic: IPv6 bucketed by /64, IPv4-mapped IPv6 read as IPv4, CIDR matching.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { clientKey, inRanges, parseAddress, parseCidr, type Cidr } from '../../proxy/ip.js';

const ranges = (...texts: string[]): Cidr[] => texts.map((t) => parseCidr(t)!);

describe('clientKey', () => {
  test('IPv4 addresses stay as they are; IPv4-mapped IPv6 becomes IPv4', () => {
    assert.deepEqual(['127.0.0.2', '::ffff:127.0.0.2', '::FFFF:7f00:2'].map(clientKey), ['127.0.0.2', '127.0.0.2', '127.0.0.2']);
  });

  test('IPv6 addresses in one /64 share one key, whatever their spelling or zone', () => {
    const keys = ['2001:db8:1:2::1', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2:0:0:0:7%eth0'].map(clientKey);
    assert.deepEqual(new Set(keys), new Set(['2001:db8:1:2::/64']));
    assert.equal(clientKey('2001:db8:1:3::1'), '2001:db8:1:3::/64');
    assert.equal(clientKey('::1'), '0:0:0:0::/64');
  });

  test('a port written with the address (some proxies do) is not part of the client', () => {
    assert.deepEqual(['192.0.2.1:5678', '[2001:db8:1:2::1]:443', '[2001:db8:1:2::9]'].map(clientKey), ['192.0.2.1', '2001:db8:1:2::/64', '2001:db8:1:2::/64']);
    assert.equal(inRanges('10.0.0.5:1234', [parseCidr('10.0.0.0/8')!]), true);
  });

  test('anything that is not an address is its own key', () => {
    assert.deepEqual(['unknown', '1.2.3', 'fe80::1::2', '1.2.3.256'].map(clientKey), ['unknown', '1.2.3', 'fe80::1::2', '1.2.3.256']);
  });
});

describe('parseAddress', () => {
  test('rejects malformed IPv6', () => {
    for (const bad of [':::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::1', 'g::1', '1::2::3']) assert.equal(parseAddress(bad), null, bad);
  });

  test('reads compressed, full and IPv4-tailed IPv6', () => {
    assert.deepEqual(parseAddress('::'), new Array(16).fill(0));
    assert.deepEqual(parseAddress('1:2:3:4:5:6:7:8')?.length, 16);
    assert.deepEqual(parseAddress('64:ff9b::192.0.2.1')?.slice(12), [192, 0, 2, 1]);
  });
});

describe('inRanges', () => {
  test('matches IPv4 ranges and bare addresses', () => {
    const list = ranges('10.0.0.0/8', '192.0.2.7', '198.51.100.0/25');
    assert.deepEqual(['10.200.3.4', '192.0.2.7', '192.0.2.8', '198.51.100.127', '198.51.100.128', '::ffff:10.1.1.1'].map((a) => inRanges(a, list)),
      [true, true, false, true, false, true]);
  });

  test('matches IPv6 ranges; families never match each other', () => {
    const list = ranges('2001:db8::/32', '0.0.0.0/0');
    assert.deepEqual(['2001:db8:ffff::1', '2001:db9::1', '127.0.0.1'].map((a) => inRanges(a, list)), [true, false, true]);
    assert.equal(inRanges('2001:db8::1', ranges('0.0.0.0/0')), false);
  });

  test('an empty list and non-addresses match nothing', () => {
    assert.equal(inRanges('10.0.0.1', []), false);
    assert.equal(inRanges('unknown', ranges('0.0.0.0/0')), false);
  });
});
