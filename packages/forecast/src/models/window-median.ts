/**
 * @module
 * Window median: each phase of the season repeats the median of its last K cycles (with no
 * season, every step repeats the median of the last K points). A level-only, robust candidate
 * for series that revert to a typical level rather than trend or follow their last value —
 * sensor feeds such as road speeds and occupancies, or counts with isolated spikes, where the
 * last value (naive) and seasonal naive chase noise. K is chosen per fit from 1, 2, 4 and 8
 * times the cycles the horizon spans, by the mean absolute error on the last two horizons of the
 * history it is given, so nothing outside that history decides it.
 */
import { baselineSeason } from './seasonal-naive.js';
import type { FitOptions, Forecaster } from './types.js';

/** Multiples of the horizon's cycles tried as the window. */
const WINDOWS = [1, 2, 4, 8] as const;
/** In-sample origins used to choose the window. */
const ORIGINS = 2;

/** Median of the first `len` values of `xs` (sorted in place: a typed array sorts numerically). */
function median(xs: Float64Array, len: number): number {
  const v = xs.subarray(0, len).sort();
  const k = len >> 1;
  return len % 2 === 1 ? (v[k] ?? 0) : ((v[k - 1] ?? 0) + (v[k] ?? 0)) / 2;
}

/** Forecast from y[0..end): each phase's median over its last `cycles` cycles of length `m`. */
function medianAt(y: Float64Array, end: number, horizon: number, m: number, cycles: number): Float64Array {
  const profile = new Float64Array(m);
  const xs = new Float64Array(cycles);
  for (let p = 0; p < m; p++) {
    let len = 0;
    for (let j = 1; j <= cycles; j++) {
      const i = end - j * m + p;
      if (i >= 0) xs[len++] = y[i] ?? 0;
    }
    profile[p] = len > 0 ? median(xs, len) : (y[end - 1] ?? 0);
  }
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) out[h] = profile[h % m] ?? 0;
  return out;
}

/** Window-median forecasts of `y`. */
export function windowMedianForecast(y: Float64Array, horizon: number, o: FitOptions): Float64Array {
  const n = y.length;
  if (n === 0) return new Float64Array(horizon);
  const m = baselineSeason(n, o.seasons);
  const base = Math.max(1, Math.ceil(horizon / m));
  let best: number = base;
  let bestErr = Infinity;
  for (const w of WINDOWS) {
    const cycles = w * base;
    let err = 0;
    let used = 0;
    for (let k = 1; k <= ORIGINS; k++) {
      const end = n - k * horizon;
      if (end < cycles * m) continue;
      const f = medianAt(y, end, horizon, m, cycles);
      for (let h = 0; h < horizon && end + h < n; h++) err += Math.abs((y[end + h] ?? 0) - (f[h] ?? 0));
      used++;
    }
    // a window is judged only on origins where it fits whole; none fitting leaves the default
    if (used === ORIGINS && err < bestErr) [best, bestErr] = [cycles, err];
  }
  return medianAt(y, n, horizon, m, best);
}

/** The window-median candidate. */
export const windowMedianModel: Forecaster = { name: 'median', forecast: windowMedianForecast };
