import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch } from './glob.js';

/** Reference: the textbook dynamic programme over (pattern prefix, text prefix), O(n·m). */
function reference(p: string, t: string): boolean {
  let row = Array.from({ length: t.length + 1 }, (_, j) => j === 0);
  for (const pc of p) {
    const next = new Array<boolean>(t.length + 1).fill(false);
    next[0] = pc === '*' && (row[0] as boolean);
    for (let j = 1; j <= t.length; j++) {
      next[j] =
        pc === '*'
          ? (row[j] as boolean) || (next[j - 1] as boolean)
          : (row[j - 1] as boolean) && (pc === '?' || pc === t[j - 1]);
    }
    row = next;
  }
  return row[t.length] as boolean;
}

/**
 * Runs the matcher on a text that counts how often its characters are read: the work measure
 * of a matcher that only ever reads the text through `charCodeAt`.
 */
function reads(pattern: string, text: string): { match: boolean; reads: number } {
  let n = 0;
  // A String object whose own charCodeAt shadows the prototype's; it stands in for a string.
  const counted = Object.assign(Object(text) as object, {
    charCodeAt(i: number): number {
      n++;
      return text.charCodeAt(i);
    },
  });
  return { match: globMatch(pattern, counted as unknown as string), reads: n };
}

/** A string that `pattern` matches: each `*` becomes a random run, each `?` a random letter. */
const instance = (pattern: string): fc.Arbitrary<string> =>
  fc
    .tuple(
      ...[...pattern].map((c) =>
        c === '*'
          ? fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 5 })
          : c === '?'
            ? fc.constantFrom('a', 'b', 'c')
            : fc.constant(c),
      ),
    )
    .map((parts) => parts.join(''));

describe('globMatch', () => {
  it('agrees with the reference on random patterns and strings', () => {
    const pat = fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 12 });
    const txt = fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 16 });
    fc.assert(
      fc.property(pat, txt, (p, t) => globMatch(p, t) === reference(p, t)),
      { numRuns: 10_000 },
    );
  });

  it('agrees with the reference on strings built to match, including segments longer than 32', () => {
    const pat = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '?', '?', '*'), minLength: 1, maxLength: 90 });
    fc.assert(
      fc.property(
        pat.chain((p) =>
          fc.tuple(fc.constant(p), instance(p), fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 3 })),
        ),
        ([p, t, noise]) => {
          expect(globMatch(p, t)).toBe(true);
          const off = `${noise}${t}`;
          expect(globMatch(p, off)).toBe(reference(p, off));
        },
      ),
      { numRuns: 1_500 },
    );
  });

  it('reads each text character a bounded number of times, whatever the pattern', () => {
    const pat = fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 60 });
    const txt = fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 400 });
    fc.assert(
      fc.property(pat, txt, (p, t) => {
        expect(reads(p, t).reads).toBeLessThanOrEqual(2 * (t.length + p.length));
      }),
      { numRuns: 3_000 },
    );
  });

  it('stays linear on the patterns that make a backtracking matcher quadratic', () => {
    const n = 20_000;
    const text = 'a'.repeat(n);
    const worst = [
      `*${'a'.repeat(1_000)}b`, // the last segment re-tried at every start
      `*${'a'.repeat(1_000)}b*`, // a middle segment re-tried at every start
      `*${'a?'.repeat(500)}b*`, // the same with `?` inside the segment
      `${'*a'.repeat(200)}*b`, // the reported 200-segment query
    ];
    for (const p of worst) {
      const r = reads(p, text);
      expect(r.match, p.slice(0, 20)).toBe(false);
      expect(r.reads).toBeGreaterThan(0);
      expect(r.reads, p.slice(0, 20)).toBeLessThanOrEqual(2 * (n + p.length));
    }
    expect(globMatch(`*${'a?'.repeat(500)}a*`, text)).toBe(true);
  });

  it('handles the edges: empty pattern, stars only, anchors', () => {
    expect(globMatch('', '')).toBe(true);
    expect(globMatch('', 'a')).toBe(false);
    expect(globMatch('***', '')).toBe(true);
    expect(globMatch('a*a', 'a')).toBe(false);
    expect(globMatch('a*a', 'aa')).toBe(true);
    expect(globMatch('?', 'x')).toBe(true);
    expect(globMatch('ab*', 'ab')).toBe(true);
    expect(globMatch('*ab', 'xab')).toBe(true);
    expect(globMatch('*ab', 'abx')).toBe(false);
  });
});
