import { describe, expect, it } from 'vitest';
import { compileLike } from './like.js';
import { matchPattern } from './matcher.js';
import { observationOf } from './observation.js';
import { parsePattern } from './parser.js';

/** The backtracking translation, as a reference on inputs small enough for it. */
function reference(like: string, text: string): boolean {
  let re = '^';
  for (const ch of like)
    re += ch === '%' ? '[\\s\\S]*' : ch === '_' ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${re}$`, 'u').test(text);
}

/** A small deterministic generator (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('compileLike', () => {
  it('agrees with the regex translation on 5,000 random cases', () => {
    const next = rng(11);
    const pick = (alphabet: string, n: number) =>
      Array.from({ length: Math.floor(next() * n) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    for (let i = 0; i < 5_000; i++) {
      const like = pick('ab%_😀', 7);
      const text = pick('ab😀\n', 9);
      expect(compileLike(like).test(text), `${like} ~ ${text}`).toBe(reference(like, text));
    }
  });
  it('anchors both ends and counts a character as one code point', () => {
    expect(compileLike('he__o').test('hello')).toBe(true);
    expect(compileLike('he_o').test('hello')).toBe(false);
    expect(compileLike('%lo').test('hello')).toBe(true);
    expect(compileLike('%ll').test('hello')).toBe(false);
    expect(compileLike('a_b').test('a😀b')).toBe(true);
    expect(compileLike('%%').test('')).toBe(true);
    expect(compileLike('a%a').test('a')).toBe(false);
  });
  it('decides a pathological pattern at once where a backtracking regex needs about 2^40 steps', () => {
    // Nine floating segments and no final 'z': a backtracking engine tries every placement.
    const like = '%q%q%q%q%q%q%q%q%q%z';
    const text = 'q'.repeat(40);
    expect(compileLike(like).test(text)).toBe(false);
    expect(compileLike(like).test(`${text}z`)).toBe(true);
    const p = parsePattern(`[process:command_line LIKE '${like}']`);
    if (!p.ok) throw new Error(p.reason.message);
    const events = Array.from({ length: 200 }, (_, i) =>
      observationOf(new Map([['0', { type: 'process', command_line: 'q'.repeat(40 + (i % 7)) }]]), i),
    );
    expect(matchPattern(p.value, events).matched).toBe(false);
  });
});
