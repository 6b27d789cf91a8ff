import { describe, expect, it } from 'vitest';
import { LiteralScanner } from './literal-scanner.js';

function found(scanner: LiteralScanner, text: string, fold = false): string[] {
  const buf = new Int32Array(1024);
  const n = scanner.scan(text, buf, 0, fold);
  const out = new Set(buf.subarray(0, n));
  return [...out].sort((a, b) => a - b).map((i) => scanner.literals[i] as string);
}

describe('LiteralScanner', () => {
  it('finds exactly the literals that occur', () => {
    const lits = ['mimikatz', '\\temp\\', 'sekurlsa::', 'abc', 'ab', '.exe', 'xx.exe', '`', '\u{1F525}'];
    const s = new LiteralScanner(lits);
    expect(found(s, 'c:\\temp\\mimikatz.exe sekurlsa::logonpasswords')).toEqual([
      'mimikatz',
      '\\temp\\',
      'sekurlsa::',
      '.exe',
    ]);
    expect(found(s, 'ab')).toEqual(['ab']);
    expect(found(s, 'nothing')).toEqual([]);
    expect(found(s, 'i`e`x \u{1F525}')).toEqual(['`', '\u{1F525}']);
    expect(found(s, 'xx.exe')).toEqual(['.exe', 'xx.exe']);
  });

  it('agrees with includes on random data', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = 'abcd\\.-';
    const word = (len: number) => Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]).join('');
    const lits = [...new Set(Array.from({ length: 300 }, () => word(1 + rnd(9))))];
    const s = new LiteralScanner(lits);
    for (let k = 0; k < 200; k++) {
      const text = word(rnd(120));
      expect(found(s, text)).toEqual(
        lits.filter((l) => text.includes(l)).sort((a, b) => lits.indexOf(a) - lits.indexOf(b)),
      );
    }
  });

  it('skips with literals of three or more characters, and finds the same', () => {
    const lits = ['mimikatz', '\\temp\\', 'sekurlsa::', 'abc', '.exe', 'xx.exe'];
    const s = new LiteralScanner(lits);
    expect(s.engine).toBe('skip');
    expect(new LiteralScanner([...lits, 'ab']).engine).toBe('linear');
    expect(found(s, 'c:\\temp\\mimikatz.exe sekurlsa::logonpasswords')).toEqual([
      'mimikatz',
      '\\temp\\',
      'sekurlsa::',
      '.exe',
    ]);
    expect(found(s, 'xx.exe')).toEqual(['.exe', 'xx.exe']);
    expect(found(s, 'ab')).toEqual([]);
  });

  it('with fold, finds what includes finds in toLowerCase(), on random data for both engines', () => {
    // Exactly those, except that a text with `İ` (lower case `i` + U+0307) may also report a
    // literal ending in `i` there: a prefilter may admit more candidates, never fewer.
    let seed = 11;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    // Upper case, non-ASCII letters, and the two characters whose lower case is ASCII.
    const textAlphabet = 'abcdABCD\\.-\u00e9\u00c9\u212akKi';
    const litAlphabet = 'abcdk\\.-\u00e9i\u0307';
    const word = (alphabet: string, len: number) =>
      Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]).join('');
    // Few and many literals: skip scans read pairs, or triples when many pairs are taken.
    for (const [minLen, size] of [
      [1, 200],
      [3, 200],
      [5, 20],
      [5, 200],
    ] as const) {
      const lits = [...new Set(Array.from({ length: size }, () => word(litAlphabet, minLen + rnd(6))))];
      const ascii = lits.filter((l) => !/[^\x00-\x7f]/.test(l));
      for (const set of [lits, ascii]) {
        const s = new LiteralScanner(set);
        expect(s.engine).toBe(minLen >= 3 ? 'skip' : 'linear');
        for (let k = 0; k < 300; k++) {
          const plain = word(textAlphabet, rnd(150));
          const at = rnd(plain.length + 1);
          const text = rnd(3) === 0 ? `${plain.slice(0, at)}\u0130${plain.slice(at)}` : plain;
          const lower = text.toLowerCase();
          const expected = set.filter((l) => lower.includes(l)).sort((a, b) => set.indexOf(a) - set.indexOf(b));
          const got = found(s, text, true);
          if (!text.includes('\u0130')) expect(got).toEqual(expected);
          else {
            expect(got).toEqual(expect.arrayContaining(expected));
            const dotless = text.replaceAll('\u0130', 'i').toLowerCase();
            for (const l of got) expect(dotless.includes(l) || lower.includes(l)).toBe(true);
          }
        }
      }
    }
  });

  it('knows when no literal can occur in the text of a number', () => {
    expect(new LiteralScanner(['sekurlsa::', 'lsadump::']).inNumbers).toBe(false);
    expect(new LiteralScanner(['sekurlsa::', '4624']).inNumbers).toBe(true);
    expect(new LiteralScanner(['e+21']).inNumbers).toBe(true);
    expect(new LiteralScanner(['infinity']).inNumbers).toBe(true);
    for (const n of [-1.5e21, Infinity, NaN, 4624, 0.000001])
      expect(new LiteralScanner([String(n).toLowerCase()]).inNumbers).toBe(true);
  });

  it('reports each literal once per call and stops when the output is full', () => {
    const s = new LiteralScanner(['abc', 'bcd', 'cde']);
    const out = new Int32Array(2);
    expect(s.scan('abcde abcde', out, 0)).toBe(2);
    expect([...out]).toEqual([0, 1]);
    const wide = new Int32Array(8);
    expect(s.scan('ABCDE ABCDE', wide, 0, true)).toBe(3);
  });
});
