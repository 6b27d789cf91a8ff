/**
 * @module
 * Seasonal naive: each step repeats the value one season earlier (naive when there is no
 * season). The baseline every other model must beat in the backtest.
 */
import type { FitOptions, Forecaster } from './types.js';

/** The season the baseline repeats: the shortest period that fits the data at least once. */
export function baselineSeason(n: number, seasons: readonly number[]): number {
  const m = seasons[0] ?? 1;
  return m >= 1 && m <= n ? m : 1;
}

/** Seasonal naive forecasts of `y`. */
export function seasonalNaive(y: Float64Array, horizon: number, o: FitOptions): Float64Array {
  const n = y.length;
  const m = baselineSeason(n, o.seasons);
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) out[h] = n === 0 ? 0 : (y[n - m + (h % m)] ?? 0);
  return out;
}

/** The seasonal-naive candidate. */
export const seasonalNaiveModel: Forecaster = { name: 'snaive', forecast: seasonalNaive };
