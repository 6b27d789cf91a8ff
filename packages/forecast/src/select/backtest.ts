/**
 * @module
 * Rolling-origin backtesting and model selection. Every candidate is refitted at each origin
 * on the data before it and scored on the steps after it by MASE (mean absolute error over the
 * in-sample seasonal-naive error, Hyndman & Koehler 2006). The candidate with the lowest mean
 * MASE wins, but only if it beats seasonal naive: a tie or a loss keeps the baseline.
 * Prediction intervals come from the same backtest: the winner's squared errors per horizon
 * step, fitted as a + b·h so that later steps get wider bands.
 */
import type { FitOptions, Forecaster, ModelName } from '../models/types.js';
import { baselineSeason, seasonalNaiveModel } from '../models/seasonal-naive.js';
import { etsModel } from '../models/ets.js';
import { mstlModel } from '../models/mstl.js';
import { windowMedianModel } from '../models/window-median.js';

/** The candidates, baseline first. */
export const DEFAULT_CANDIDATES: readonly Forecaster[] = [seasonalNaiveModel, etsModel, mstlModel, windowMedianModel];

/** z for the two-sided 80% and 95% normal intervals. */
const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

/** One forecast step with its intervals. */
export interface BandPoint {
  readonly value: number;
  readonly lo80: number;
  readonly hi80: number;
  readonly lo95: number;
  readonly hi95: number;
}

/** What the backtest found. */
export interface Backtest {
  /** Mean MASE of the chosen model over the folds (null when the series was too short to fold). */
  readonly mase: number | null;
  /** Mean MASE of seasonal naive over the same folds. */
  readonly baseline_mase: number | null;
  readonly folds: number;
  /** Steps forecast at each origin. */
  readonly horizon: number;
  /** Mean MASE of every candidate. */
  readonly candidates: Readonly<Partial<Record<ModelName, number>>>;
}

/** A series' forecast: the chosen model, the points and the evidence for the choice. */
export interface SeriesForecast {
  readonly model: ModelName;
  readonly points: readonly BandPoint[];
  readonly backtest: Backtest;
}

/** Options of `forecastSeries`. */
export interface ForecastOptions extends FitOptions {
  /** Rolling origins (default 3). */
  readonly folds?: number;
  readonly candidates?: readonly Forecaster[];
  /** Clamp forecasts and bands at zero (counts). Default: when no value is negative. */
  readonly nonNegative?: boolean;
}

/** Mean |y[t] - y[t-m]| over y[0..end): the MASE scale. */
export function maseScale(y: Float64Array, end: number, m: number): number {
  const lag = m >= 1 && m < end ? m : 1;
  let sum = 0;
  let count = 0;
  for (let t = lag; t < end; t++) {
    sum += Math.abs((y[t] ?? 0) - (y[t - lag] ?? 0));
    count++;
  }
  return count > 0 ? sum / count : 0;
}

/** Mean |y| over y[0..end). */
function meanAbs(y: Float64Array, end: number): number {
  let s = 0;
  for (let t = 0; t < end; t++) s += Math.abs(y[t] ?? 0);
  return end > 0 ? s / end : 0;
}

/** Mean absolute error of `f` against y[origin..]. */
function mae(y: Float64Array, origin: number, f: Float64Array): number {
  let s = 0;
  for (let h = 0; h < f.length; h++) s += Math.abs((y[origin + h] ?? 0) - (f[h] ?? 0));
  return f.length > 0 ? s / f.length : 0;
}

/** Forecasts `horizon` steps after `y` with the model that wins its rolling-origin backtest. */
export function forecastSeries(y: Float64Array, horizon: number, o: ForecastOptions): SeriesForecast {
  const n = y.length;
  const candidates = o.candidates ?? DEFAULT_CANDIDATES;
  const folds = Math.max(1, o.folds ?? 3);
  const m = baselineSeason(n, o.seasons);
  const hf = Math.max(1, Math.min(horizon, Math.floor(n / (folds + 2))));
  const minTrain = Math.max(2 * m, 8);
  const origins: number[] = [];
  for (let k = 1; k <= folds; k++) if (n - k * hf >= minTrain) origins.push(n - k * hf);

  const scores = new Map<ModelName, number[]>();
  const errors = new Map<ModelName, Float64Array>(); // squared error sums per step
  for (const c of candidates) {
    scores.set(c.name, []);
    errors.set(c.name, new Float64Array(hf));
  }
  for (const origin of origins) {
    const train = y.subarray(0, origin);
    // a flat history (a new tenant, a quiet series) has no seasonal error to scale by: fall back
    // to the series' mean size, then to one (counts), so the figures stay finite and comparable
    const scale = maseScale(y, origin, m) || meanAbs(y, origin) || 1;
    for (const c of candidates) {
      const f = c.forecast(train, hf, o);
      scores.get(c.name)?.push(mae(y, origin, f) / scale);
      const sq = errors.get(c.name);
      if (sq) for (let h = 0; h < hf; h++) sq[h] = (sq[h] ?? 0) + ((y[origin + h] ?? 0) - (f[h] ?? 0)) ** 2;
    }
  }
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const means: Partial<Record<ModelName, number>> = {};
  for (const [name, s] of scores) if (s.length > 0) means[name] = round(mean(s));
  const baseline = means.snaive;
  let chosen: ModelName = 'snaive';
  if (baseline !== undefined) {
    let best = baseline;
    for (const c of candidates) {
      const v = means[c.name];
      // strictly better than seasonal naive, or it is not chosen
      if (v !== undefined && v < best) {
        best = v;
        chosen = c.name;
      }
    }
  }
  const model = candidates.find((c) => c.name === chosen) ?? seasonalNaiveModel;
  const point = model.forecast(y, horizon, o);
  const sigma = sigmas(errors.get(chosen), origins.length, horizon, y, m);
  const nonNegative = o.nonNegative ?? y.every((v) => v >= 0);
  const clamp = (v: number): number => (nonNegative ? Math.max(0, v) : v);
  const points: BandPoint[] = [];
  for (let h = 0; h < horizon; h++) {
    const v = point[h] ?? 0;
    const s = sigma[h] ?? 0;
    points.push({
      value: clamp(v),
      lo80: clamp(v - Z80 * s),
      hi80: clamp(v + Z80 * s),
      lo95: clamp(v - Z95 * s),
      hi95: clamp(v + Z95 * s),
    });
  }
  return {
    model: chosen,
    points,
    backtest: {
      mase: means[chosen] ?? null,
      baseline_mase: baseline ?? null,
      folds: origins.length,
      horizon: hf,
      candidates: means,
    },
  };
}

/**
 * Standard deviation per step. From the backtest: the mean squared error at each step, fitted
 * by least squares as a + b·h (a, b ≥ 0) so bands widen smoothly past the folds' horizon.
 * Without folds: the spread of seasonal differences, widened by the square root of the cycles
 * ahead.
 */
function sigmas(
  sq: Float64Array | undefined,
  folds: number,
  horizon: number,
  y: Float64Array,
  m: number,
): Float64Array {
  const out = new Float64Array(horizon);
  if (sq && folds > 0 && sq.length > 0) {
    const k = sq.length;
    const v = Array.from(sq, (s) => s / folds);
    let a: number;
    let b: number;
    if (k === 1) {
      a = v[0] ?? 0;
      b = 0;
    } else {
      const mh = (k - 1) / 2;
      const mv = v.reduce((x, z) => x + z, 0) / k;
      let num = 0;
      let den = 0;
      for (let h = 0; h < k; h++) {
        num += (h - mh) * ((v[h] ?? 0) - mv);
        den += (h - mh) ** 2;
      }
      b = Math.max(0, den > 0 ? num / den : 0);
      a = Math.max(0, mv - b * mh);
      if (a === 0 && b === 0) a = mv;
    }
    for (let h = 0; h < horizon; h++) out[h] = Math.sqrt(a + b * h);
    return out;
  }
  const lag = m >= 1 && m < y.length ? m : 1;
  let s = 0;
  let c = 0;
  for (let t = lag; t < y.length; t++) {
    s += ((y[t] ?? 0) - (y[t - lag] ?? 0)) ** 2;
    c++;
  }
  const sd = c > 0 ? Math.sqrt(s / c) : 0;
  for (let h = 0; h < horizon; h++) out[h] = sd * Math.sqrt(1 + Math.floor(h / lag));
  return out;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
