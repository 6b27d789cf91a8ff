import { describe, expect, it } from 'vitest';
import { formatIPv6, networkContains, parseIPv4, parseIPv6, parseNetwork } from './ip.js';

describe('ip', () => {
  it('parses IPv4 strictly', () => {
    expect(parseIPv4('192.168.0.1')).toBe(0xc0a80001);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', 'a.b.c.d', '1..2.3', ''])
      expect(parseIPv4(bad)).toBeUndefined();
  });
  it('parses IPv6 forms', () => {
    expect(parseIPv6('::1')).toBe(1n);
    expect(parseIPv6('2001:db8::')).toBe(0x20010db8n << 96n);
    expect(parseIPv6('::ffff:192.0.2.1')).toBe((0xffffn << 32n) | 0xc0000201n);
    expect(formatIPv6(parseIPv6('2001:0db8:0000:0000:0000:0000:0000:0001') as bigint)).toBe('2001:db8::1');
    expect(parseIPv6('1::2::3')).toBeUndefined();
    expect(parseIPv6('12345::')).toBeUndefined();
  });
  it('tests containment', () => {
    const net = parseNetwork('192.168.0.1/24');
    const host = parseNetwork('192.168.0.77');
    expect(net && host && networkContains(net, host)).toBe(true);
    const v6 = parseNetwork('2001:0db8:dead:beef:0000:0000:0000:0000/64');
    const a6 = parseNetwork('2001:db8:dead:beef::42');
    expect(v6 && a6 && networkContains(v6, a6)).toBe(true);
    expect(v6 && host && networkContains(v6, host)).toBe(false);
    expect(parseNetwork('10.0.0.0/33')).toBeUndefined();
  });
});

describe('embedded IPv4', () => {
  it('parses the forms', () => {
    expect(parseIPv6('::1.2.3.4')).toBe(0x01020304n);
    expect(parseIPv6('64:ff9b::192.0.2.33')).toBe((0x64ff9bn << 96n) | 0xc0000221n);
    expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toBe(
      (1n << 112n) | (2n << 96n) | (3n << 80n) | (4n << 64n) | (5n << 48n) | (6n << 32n) | 0x01020304n,
    );
  });
});
