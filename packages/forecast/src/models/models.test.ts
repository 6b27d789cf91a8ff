import { describe, expect, it } from 'vitest';
import { hourlyCounts, rng } from '../internal/rng.js';
import { etsForecast } from './ets.js';
import { mstlForecast } from './mstl.js';
import { seasonalNaive } from './seasonal-naive.js';
import { windowMedianForecast } from './window-median.js';

const mae = (a: Float64Array, b: Float64Array): number =>
  a.reduce((s, v, i) => s + Math.abs(v - (b[i] ?? 0)), 0) / a.length;

describe('candidate models', () => {
  it('seasonal naive repeats the last season, naive without one', () => {
    const y = Float64Array.from([1, 2, 3, 4, 5, 6]);
    expect([...seasonalNaive(y, 5, { seasons: [3] })]).toEqual([4, 5, 6, 4, 5]);
    expect([...seasonalNaive(y, 2, { seasons: [] })]).toEqual([6, 6]);
  });

  it('ETS and MSTL follow a clean seasonal series with a trend', () => {
    const n = 24 * 21;
    const f = (t: number): number => 100 + 0.05 * t + 20 * Math.sin((2 * Math.PI * t) / 24);
    const y = Float64Array.from({ length: n }, (_, t) => f(t));
    const truth = Float64Array.from({ length: 24 }, (_, h) => f(n + h));
    expect(mae(etsForecast(y, 24, { seasons: [24] }), truth)).toBeLessThan(1.5);
    expect(mae(mstlForecast(y, 24, { seasons: [24, 168] }), truth)).toBeLessThan(1.5);
  });

  it('MSTL beats seasonal naive on noisy hourly counts with daily and weekly cycles', () => {
    const r = rng(7);
    let m = 0;
    let s = 0;
    for (let k = 0; k < 5; k++) {
      const all = hourlyCounts(r, 24 * 7 * 6 + 24, 20, k * 5);
      const y = all.subarray(0, all.length - 24);
      const truth = all.subarray(all.length - 24);
      m += mae(mstlForecast(y, 24, { seasons: [24, 168] }), truth);
      s += mae(seasonalNaive(y, 24, { seasons: [24] }), truth);
    }
    expect(m / s).toBeLessThan(0.85);
  });

  it('window median: a mean-reverting noisy level is forecast by its median, not its last value', () => {
    const r = rng(11);
    let med = 0;
    let naive = 0;
    for (let k = 0; k < 5; k++) {
      // a level of 60 with noise and occasional spikes (a road speed with incidents)
      const all = Float64Array.from({ length: 2000 }, () => 60 + 8 * (r() - 0.5) + (r() < 0.03 ? -30 : 0));
      const y = all.subarray(0, 1900);
      const truth = all.subarray(1900);
      med += mae(windowMedianForecast(y, 100, { seasons: [] }), truth);
      naive += mae(seasonalNaive(y, 100, { seasons: [] }), truth);
    }
    expect(med / naive).toBeLessThan(0.85);
    // seasonal: each phase's median over the window its own history chose (4 cycles here: a
    // spike two cycles back hurts windows of 1 and 2 cycles at the in-sample origins)
    const y = Float64Array.from([5, 10, 5, 10, 5, 10, 5, 10, 5, 10, 5, 10, 50, 10, 5, 10]);
    expect([...windowMedianForecast(y, 2, { seasons: [2] })]).toEqual([5, 10]);
  });

  it('copes with series shorter than a season and with constant series', () => {
    const short = Float64Array.from([3, 4, 5]);
    expect(mstlForecast(short, 4, { seasons: [24] })).toHaveLength(4);
    expect(etsForecast(short, 4, { seasons: [24] })).toHaveLength(4);
    expect([...windowMedianForecast(short, 4, { seasons: [24] })]).toEqual([4, 4, 4, 4]);
    const flat = new Float64Array(100).fill(5);
    for (const v of windowMedianForecast(flat, 10, { seasons: [24] })) expect(v).toBeCloseTo(5, 6);
    for (const v of mstlForecast(flat, 10, { seasons: [24] })) expect(v).toBeCloseTo(5, 6);
    for (const v of etsForecast(flat, 10, { seasons: [24] })) expect(v).toBeCloseTo(5, 6);
  });
});
