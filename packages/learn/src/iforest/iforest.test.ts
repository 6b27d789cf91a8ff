import { describe, expect, it } from 'vitest';
import { rng } from '../internal/rng.js';
import { rocAuc } from '../metrics/metrics.js';
import { avgPath, iforestAttributions, iforestFromJson, iforestScore, iforestToJson, trainIforest } from './iforest.js';

/** Normal rows: a tight Gaussian-ish cloud around 0 in `cols` dimensions. */
function cloud(rows: number, cols: number, seed: number, shift: (f: number) => number = () => 0): Float64Array {
  const r = rng(seed);
  const x = new Float64Array(rows * cols);
  for (let i = 0; i < rows * cols; i++) x[i] = (r() + r() + r() - 1.5) * 0.5 + shift(i % cols);
  return x;
}

describe('isolation forest', () => {
  const cols = 4;
  const normal = cloud(2000, cols, 1);

  it('c(n) matches the paper', () => {
    expect(avgPath(1)).toBe(0);
    expect(avgPath(2)).toBe(1);
    expect(avgPath(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649) - (2 * 255) / 256, 12);
  });

  it('scores outliers above normal rows', () => {
    // Unsupervised use: the forest sees the contaminated data (1.5% outliers) it must rank.
    const outliers = cloud(30, cols, 4, (c) => (c === 2 ? 4 : 0));
    const mixed = new Float64Array(normal.length + outliers.length);
    mixed.set(normal);
    mixed.set(outliers, normal.length);
    const f = trainIforest(mixed, 2030, cols, { seed: 3 });
    const inliers = cloud(300, cols, 2);
    const scores: number[] = [];
    const truth: boolean[] = [];
    for (let i = 0; i < 300; i++) {
      scores.push(iforestScore(f, inliers, i * cols));
      truth.push(false);
    }
    for (let i = 0; i < 30; i++) {
      scores.push(iforestScore(f, outliers, i * cols));
      truth.push(true);
    }
    expect(rocAuc(scores, truth)).toBeGreaterThan(0.97);
    for (const s of scores) {
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(1);
    }
    // The feature that was shifted gets most of the credit for isolating an outlier.
    const credit = iforestAttributions(f, outliers, 0);
    const best = Array.from(credit).indexOf(Math.max(...credit));
    expect(best).toBe(2);
  });

  it('is deterministic for a seed and round-trips through JSON', () => {
    const a = trainIforest(normal, 2000, cols, { seed: 5, trees: 20 });
    const b = trainIforest(normal, 2000, cols, { seed: 5, trees: 20 });
    const c = trainIforest(normal, 2000, cols, { seed: 6, trees: 20 });
    expect(JSON.stringify(iforestToJson(a))).toBe(JSON.stringify(iforestToJson(b)));
    expect(JSON.stringify(iforestToJson(a))).not.toBe(JSON.stringify(iforestToJson(c)));
    const back = iforestFromJson(JSON.parse(JSON.stringify(iforestToJson(a))) as ReturnType<typeof iforestToJson>);
    const row = Float64Array.of(3, 0, 0, 0);
    expect(iforestScore(back, row)).toBe(iforestScore(a, row));
  });
});
