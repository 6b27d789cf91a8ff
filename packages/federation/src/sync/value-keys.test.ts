import { describe, expect, it } from 'vitest';
import { indicatorsFromStix } from '@intersoc/cti';
import { testIndicator } from '../internal/testing.js';
import { valueKeys } from './receive.js';

describe('fusion keys', () => {
  it('reads single-value patterns directly, as the pattern compiler reduces them', () => {
    const patterns = [
      "[ipv4-addr:value = '198.51.100.7']",
      "[domain-name:value = 'C2.Example.NET.']",
      "[file:hashes.'SHA-256' = 'ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789']",
      "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
      "[artifact:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
      "[file:hashes.'SHA-256' = 'abc']",
      "[file:hashes.'SHA-256' = 'aa' OR file:name = 'x.exe']",
      "[url:value = 'http://a.example/x'] AND [ipv4-addr:value = '203.0.113.1']",
    ];
    const cores = patterns.map((pattern, i) => testIndicator(i, { pattern }));
    const fast = valueKeys(cores);
    // What the pattern compiler makes of each, where it reduces to exactly one value.
    const set = indicatorsFromStix(cores);
    const seen = new Map<string, number>();
    for (const s of set.simple) seen.set(s.id, (seen.get(s.id) ?? 0) + 1);
    const expected = new Map(set.simple.filter((s) => seen.get(s.id) === 1).map((s) => [s.id, `${s.kind}:${s.value}`]));
    expect(fast).toEqual(expected);
    expect(fast.get(String(cores[2]?.['id']))).toBe(
      'hash:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789',
    );
  });
});
