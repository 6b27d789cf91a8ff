import { describe, expect, it } from 'vitest';
import { hourlyCounts, rng } from '../internal/rng.js';
import type { Forecaster } from '../models/types.js';
import { seasonalNaiveModel } from '../models/seasonal-naive.js';
import { DEFAULT_CANDIDATES, forecastSeries } from './backtest.js';

describe('forecastSeries', () => {
  it('keeps seasonal naive when it is exact, whatever else is offered', () => {
    const y = Float64Array.from({ length: 24 * 10 }, (_, t) => t % 24);
    const f = forecastSeries(y, 24, { seasons: [24] });
    expect(f.model).toBe('snaive');
    expect(f.backtest.baseline_mase).toBe(0);
    expect(f.points.map((p) => p.value)).toEqual(Array.from({ length: 24 }, (_, h) => h));
  });

  it('never chooses a model that loses to seasonal naive', () => {
    // a candidate that is always far off must never win
    const bad: Forecaster = { name: 'ets', forecast: (_y, h) => new Float64Array(h).fill(1e6) };
    const y = hourlyCounts(rng(3), 24 * 7 * 4, 10);
    const f = forecastSeries(y, 24, { seasons: [24, 168], candidates: [seasonalNaiveModel, bad] });
    expect(f.model).toBe('snaive');
    expect(f.backtest.candidates.ets).toBeGreaterThan(f.backtest.candidates.snaive ?? 0);
  });

  it('chooses a smoothing model on noisy seasonal counts and reports both errors', () => {
    const y = hourlyCounts(rng(11), 24 * 7 * 8, 25);
    const f = forecastSeries(y, 48, { seasons: [24, 168] });
    expect(f.model).not.toBe('snaive');
    expect(f.backtest.folds).toBe(3);
    expect(f.backtest.mase).toBeLessThan(f.backtest.baseline_mase ?? 0);
    expect(Object.keys(f.backtest.candidates).sort()).toEqual(DEFAULT_CANDIDATES.map((c) => c.name).sort());
  });

  it('gives ordered, non-negative bands that widen and cover most of what happens next', () => {
    const r = rng(5);
    let inside80 = 0;
    let inside95 = 0;
    let total = 0;
    for (let k = 0; k < 6; k++) {
      const all = hourlyCounts(r, 24 * 7 * 6 + 24, 15, k * 7);
      const f = forecastSeries(all.subarray(0, all.length - 24), 24, { seasons: [24, 168] });
      f.points.forEach((p, h) => {
        expect(p.lo95).toBeLessThanOrEqual(p.lo80);
        expect(p.lo80).toBeLessThanOrEqual(p.value);
        expect(p.value).toBeLessThanOrEqual(p.hi80);
        expect(p.hi80).toBeLessThanOrEqual(p.hi95);
        expect(p.lo95).toBeGreaterThanOrEqual(0);
        const a = all[all.length - 24 + h] ?? 0;
        if (a >= p.lo80 && a <= p.hi80) inside80++;
        if (a >= p.lo95 && a <= p.hi95) inside95++;
        total++;
      });
      const first = f.points[0];
      const last = f.points[23];
      if (first && last) expect(last.hi95 - last.value).toBeGreaterThanOrEqual(first.hi95 - first.value - 1e-9);
    }
    expect(inside80 / total).toBeGreaterThan(0.65);
    expect(inside95 / total).toBeGreaterThan(0.85);
  });

  it('falls back to seasonal naive with no backtest when the series is too short to fold', () => {
    const f = forecastSeries(Float64Array.from([1, 2, 3, 4]), 3, { seasons: [24] });
    expect(f.model).toBe('snaive');
    expect(f.backtest.mase).toBeNull();
    expect(f.points).toHaveLength(3);
  });
});
