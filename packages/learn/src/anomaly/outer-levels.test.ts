import { describe, expect, it } from 'vitest';
import { compressLevel, linearSpan } from './outer-levels.js';

const o = { scale: 2, ratio: 1.5 };

describe('outer levels', () => {
  it('leaves the grid alone and widens past it by the ratio', () => {
    for (let l = 0; l < 16; l++) expect(compressLevel(l, 16, o)).toBe(l);
    // Steps k past the top edge: 1 → 16, 2 → 17, 3–4 → 18, 5–8 → 19, 9–14 → 20 (⌈log(1 + k/2) / log 1.5⌉,
    // level m ends at k = 2 × (1.5^m − 1)).
    expect([16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27].map((l) => compressLevel(l, 16, o))).toEqual([
      16, 17, 18, 18, 19, 19, 19, 19, 20, 20, 20, 20,
    ]);
    expect([-1, -2, -3, -4, -5].map((l) => compressLevel(l, 16, o))).toEqual([-1, -2, -3, -3, -4]);
    expect(compressLevel(40, 16, undefined)).toBe(40);
  });

  it('inverts exactly: each level spans the linear levels that map to it, without gaps', () => {
    // From the first boundary on (the detector clamps linear levels to ±2047, so the lowest
    // level reaches further than the loop).
    let next: number | undefined;
    let previous = compressLevel(-2047, 16, o);
    let checked = 0;
    for (let l = -2046; l <= 2047; l++) {
      const c = compressLevel(l, 16, o);
      expect(c).toBeGreaterThanOrEqual(previous);
      if (c !== previous) {
        if (next !== undefined) {
          expect(linearSpan(previous, 16, o)).toEqual([next, l - 1]);
          checked++;
        }
        next = l;
        previous = c;
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(linearSpan(7, 16, o)).toEqual([7, 7]);
    expect(linearSpan(20, 16, undefined)).toEqual([20, 20]);
  });
});
