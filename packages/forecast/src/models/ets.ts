/**
 * @module
 * Exponential smoothing: additive Holt-Winters, ETS(A,Ad,A) and ETS(A,N,A) (no season:
 * ETS(A,Ad,N)), with the smoothing parameters chosen from a fixed grid by the one-step squared
 * error on the recent past. A grid instead of a numeric optimiser keeps a fit O(grid × n) and
 * deterministic, which is what 10,000 series per run need (see the package README for why the
 * WASM AutoETS of `@bsull/augurs` was measured and not used).
 */
import type { FitOptions, Forecaster } from './types.js';

const ALPHAS = [0.02, 0.05, 0.1, 0.2, 0.35, 0.6] as const;
/** (beta, phi): no trend, or a damped trend. */
const TRENDS = [
  [0, 1],
  [0.01, 0.9],
  [0.05, 0.9],
] as const;
const GAMMAS = [0.02, 0.1, 0.25] as const;

/** How much history a fit looks at, in seasons (at least `MIN_WINDOW` steps). */
const WINDOW_SEASONS = 10;
const MIN_WINDOW = 300;

interface State {
  level: number;
  trend: number;
  readonly season: Float64Array;
  sse: number;
}

/** The season ETS models: the shortest one that fits at least twice. */
function etsSeason(n: number, seasons: readonly number[]): number {
  for (const m of seasons) if (m > 1 && 2 * m <= n) return m;
  return 1;
}

function init(y: Float64Array, start: number, m: number): State {
  const season = new Float64Array(m);
  if (m === 1) return { level: y[start] ?? 0, trend: 0, season, sse: 0 };
  let sum = 0;
  for (let i = 0; i < m; i++) sum += y[start + i] ?? 0;
  const level = sum / m;
  for (let i = 0; i < m; i++) season[i] = (y[start + i] ?? 0) - level;
  return { level, trend: 0, season, sse: 0 };
}

/** Runs the recursions over y[start..] and returns the final state with its one-step SSE. */
function run(y: Float64Array, start: number, m: number, a: number, b: number, phi: number, g: number): State {
  const s = init(y, start, m);
  const season = s.season;
  let level = s.level;
  let trend = s.trend;
  let sse = 0;
  const first = m === 1 ? start + 1 : start + m;
  for (let t = first; t < y.length; t++) {
    const k = (t - start) % m;
    const sk = season[k] ?? 0;
    const yt = y[t] ?? 0;
    const pred = level + phi * trend + sk;
    const err = yt - pred;
    sse += err * err;
    const prevLevel = level;
    level = prevLevel + phi * trend + a * err;
    trend = phi * trend + b * err;
    if (m > 1) season[k] = sk + g * err;
  }
  return { level, trend, season, sse };
}

/** ETS point forecasts of `y`. */
export function etsForecast(y: Float64Array, horizon: number, o: FitOptions): Float64Array {
  const n = y.length;
  const out = new Float64Array(horizon);
  if (n === 0) return out;
  const m = etsSeason(n, o.seasons);
  const start = Math.max(0, n - Math.max(WINDOW_SEASONS * m, MIN_WINDOW));
  if (n - start < m + 2) {
    out.fill(y[n - 1] ?? 0);
    return out;
  }
  let best: { s: State; phi: number } | undefined;
  const gammas = m > 1 ? GAMMAS : ([0] as const);
  for (const a of ALPHAS)
    for (const [b, phi] of TRENDS)
      for (const g of gammas) {
        const s = run(y, start, m, a, b, phi, g);
        if (Number.isFinite(s.sse) && (!best || s.sse < best.s.sse)) best = { s, phi };
      }
  if (!best) {
    out.fill(y[n - 1] ?? 0);
    return out;
  }
  const { s, phi } = best;
  let damp = 0;
  let pow = 1;
  for (let h = 0; h < horizon; h++) {
    pow *= phi;
    damp += pow;
    const k = (n + h - start) % m;
    out[h] = s.level + damp * s.trend + (m > 1 ? (s.season[k] ?? 0) : 0);
  }
  return out;
}

/** The ETS candidate. */
export const etsModel: Forecaster = { name: 'ets', forecast: etsForecast };
