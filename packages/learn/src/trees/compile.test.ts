import { describe, expect, it } from 'vitest';
import { trainGbdt } from '../gbdt/train.js';
import { rng } from '../internal/rng.js';
import { threeClass, twoClass } from '../internal/synthetic.js';
import { compileMargins } from './compile.js';
import { DEFAULT_LEFT, margins, STRICT_LESS, type FlatTree, type TreeEnsemble } from './ensemble.js';

describe('compiled trees', () => {
  it('give exactly the margins of the array walk, missing values included (binary and multiclass)', () => {
    const bin = twoClass(1000, 3, 1);
    const multi = threeClass(1000, 3, 2);
    const ensembles = [trainGbdt(bin, 2, { rounds: 30 }).ensemble, trainGbdt(multi, 3, { rounds: 20 }).ensemble];
    const r = rng(3);
    for (const e of ensembles) {
      const f = compileMargins(e);
      expect(f).toBeDefined();
      const a = new Float64Array(e.groups);
      const b = new Float64Array(e.groups);
      const row = new Float64Array(5);
      for (let i = 0; i < 2000; i++) {
        for (let k = 0; k < 5; k++) row[k] = r() < 0.1 ? NaN : r() < 0.05 ? Infinity : r();
        margins(e, row, a);
        f?.(row, 0, b);
        expect(Array.from(b)).toEqual(Array.from(a));
      }
    }
  });

  it('honours the strict-less and missing-left flags of imported trees', () => {
    // One split on feature 0 at 0.5: left leaf 1, right leaf 2, under every flag combination.
    for (const flags of [0, DEFAULT_LEFT, STRICT_LESS, DEFAULT_LEFT | STRICT_LESS]) {
      const t: FlatTree = {
        feature: Int32Array.of(0),
        threshold: Float64Array.of(0.5),
        flags: Uint8Array.of(flags),
        left: Int32Array.of(~0),
        right: Int32Array.of(~1),
        nodeValue: Float64Array.of(1.5),
        nodeCover: Float64Array.of(2),
        leafValue: Float64Array.of(1, 2),
        leafCover: Float64Array.of(1, 1),
      };
      const e: TreeEnsemble = {
        groups: 1,
        base: Float64Array.of(0),
        trees: [t],
        treeGroup: Int32Array.of(0),
        link: 'identity',
      };
      const f = compileMargins(e);
      for (const v of [0.4, 0.5, 0.6, NaN]) {
        const a = margins(e, [v], new Float64Array(1))[0];
        expect(f?.([v], 0, new Float64Array(1))[0]).toBe(a);
      }
    }
  });
});
