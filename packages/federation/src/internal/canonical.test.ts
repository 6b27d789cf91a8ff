import { describe, expect, it } from 'vitest';
import { canonicalJson as reference } from '@intersoc/cti';
import { canonicalJson, canonicalOrder } from './canonical.js';

/** A deterministic pseudo-random JSON value with awkward keys, strings and numbers. */
function value(seed: number, depth = 0): unknown {
  let s = seed;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  const keys = ['a', 'B', 'é', '€', '\u{1F600}', '\ufb33', '', '10', '2', '0', 'aa', 'a\u0000b', 'z', '__proto__'];
  const strings = ['', 'plain', 'quote " and \\', 'line\nbreak\t', '\u0001\u001f', '\ud83d', 'é€😀', '</script>'];
  const numbers = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789.123, 2 ** 53, -1.5e-300, 5e-324];
  const k = next() % (depth > 3 ? 4 : 7);
  switch (k) {
    case 0:
      return strings[next() % strings.length];
    case 1:
      return numbers[next() % numbers.length];
    case 2:
      return [true, false, null][next() % 3];
    case 3:
      return next() % 1000;
    case 4:
      return Array.from({ length: next() % 4 }, (_, i) => value(next() + i, depth + 1));
    default: {
      // Built through JSON.parse, as received objects are (a `__proto__` key is then data).
      const entries: string[] = [];
      for (let i = next() % 6; i > 0; i--)
        entries.push(
          `${JSON.stringify(keys[next() % keys.length])}:${JSON.stringify(value(next(), depth + 1)) ?? 'null'}`,
        );
      return JSON.parse(`{${entries.join(',')}}`) as unknown;
    }
  }
}

describe('canonical JSON', () => {
  it('writes exactly what the RFC 8785 reference writes, in any key order', () => {
    for (let seed = 1; seed < 4000; seed++) {
      const v = value(seed);
      const expected = reference(v);
      expect(canonicalJson(v), JSON.stringify(v)).toBe(expected);
      // An object re-emitted in canonical order keeps its canonical form, and is read back so.
      const ordered = canonicalOrder(v);
      expect(canonicalJson(ordered)).toBe(expected);
      expect(canonicalJson(JSON.parse(JSON.stringify(ordered)) as unknown)).toBe(expected);
    }
  });

  it('orders STIX objects so that their plain JSON is canonical', () => {
    const o = { type: 'indicator', id: 'indicator--1', hashes: { 'SHA-256': 'ab', MD5: 'cd' }, created: 'x' };
    expect(JSON.stringify(canonicalOrder(o))).toBe(reference(o));
  });

  it('refuses what JSON cannot represent', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow();
  });
});
