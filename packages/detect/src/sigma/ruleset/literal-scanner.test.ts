import { describe, expect, it } from 'vitest';
import { LiteralScanner } from './literal-scanner.js';

function found(scanner: LiteralScanner, text: string): string[] {
  const buf = new Int32Array(1024);
  const n = scanner.scan(text, buf, 0);
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
});
