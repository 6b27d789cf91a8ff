import { describe, expect, it } from 'vitest';
import { rng } from '../internal/rng.js';
import { DriftCounter, profileRows } from './psi.js';

/** Rows of two features: a uniform one scaled by `scale`, and a constant with `missing` NaNs. */
function rows(n: number, seed: number, scale = 1, missing = 0): Float64Array {
  const r = rng(seed);
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    x[i * 2] = r() * scale;
    x[i * 2 + 1] = r() < missing ? NaN : 7;
  }
  return x;
}

const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('population stability index', () => {
  const train = rows(5000, 1);
  const profile = profileRows(train, 2, ['size', 'kind'], all(5000));

  it('profiles deciles, collapses ties and keeps the missing share', () => {
    expect(profile[0]?.edges.length).toBe(9);
    expect(profile[0]?.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // A constant feature has one edge; all rows in its first bin, none missing.
    expect(profile[1]?.edges).toEqual([7]);
    expect(profile[1]?.shares).toEqual([1, 0, 0]);
  });

  it('is near zero on fresh rows of the same distribution and large on shifted ones', () => {
    const same = new DriftCounter(profile);
    const live = rows(3000, 2);
    for (let i = 0; i < 3000; i++) same.add(live, i * 2);
    const r = same.report();
    expect(r.status).toBe('stable');
    expect(r.maxPsi).toBeLessThan(0.02);

    const moved = new DriftCounter(profile);
    const shifted = rows(3000, 3, 1.6, 0.3);
    for (let i = 0; i < 3000; i++) moved.add(shifted, i * 2);
    const m = moved.report();
    expect(m.status).toBe('drifted');
    // Both features moved: values beyond the old range, and 30% missing where none were.
    expect(m.features.every((f) => f.psi > 0.25)).toBe(true);
  });

  it('does not judge on too few rows', () => {
    const c = new DriftCounter(profile);
    c.add(rows(1, 4, 100), 0);
    expect(c.report()).toEqual({ rows: 1, status: 'unknown', maxPsi: 0, features: [] });
  });
});
