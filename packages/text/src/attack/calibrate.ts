/**
 * @module
 * Platt scaling: `p = σ(a·z + b)` fitted by Newton's method on scores of held-out data, so a
 * score of 0.8 means about 80 % of such predictions are right. One pair (a, b) serves every
 * class (per-class pairs would rest on a handful of examples for rare techniques).
 */

/** Calibration parameters. */
export interface Platt {
  readonly a: number;
  readonly b: number;
}

/** The identity-like default (a plain sigmoid). */
export const NO_CALIBRATION: Platt = { a: 1, b: 0 };

/** Calibrated probability of a raw score. */
export function calibrated(p: Platt, z: number): number {
  return 1 / (1 + Math.exp(-(p.a * z + p.b)));
}

/**
 * Fits (a, b) on scores `z` with outcomes `y` (0/1), with Platt's smoothed targets.
 *
 * @example
 * fitPlatt([2, -1, 0.5], [1, 0, 1]) // { a: …, b: … }
 */
export function fitPlatt(z: readonly number[], y: readonly number[]): Platt {
  const pos = y.filter((v) => v === 1).length;
  const neg = y.length - pos;
  if (pos === 0 || neg === 0) return NO_CALIBRATION;
  const tPos = (pos + 1) / (pos + 2);
  const tNeg = 1 / (neg + 2);
  let a = 1;
  let b = 0;
  for (let it = 0; it < 100; it++) {
    let g1 = 0;
    let g2 = 0;
    let h11 = 1e-9;
    let h22 = 1e-9;
    let h12 = 0;
    for (let i = 0; i < z.length; i++) {
      const zi = z[i] as number;
      const t = y[i] === 1 ? tPos : tNeg;
      const p = 1 / (1 + Math.exp(-(a * zi + b)));
      const d = p - t;
      const w = p * (1 - p);
      g1 += d * zi;
      g2 += d;
      h11 += w * zi * zi;
      h22 += w;
      h12 += w * zi;
    }
    const det = h11 * h22 - h12 * h12;
    if (Math.abs(det) < 1e-15) break;
    const da = (h22 * g1 - h12 * g2) / det;
    const db = (h11 * g2 - h12 * g1) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

/** Expected calibration error over `bins` equal-width bins of predicted probability. */
export function expectedCalibrationError(p: readonly number[], y: readonly number[], bins = 10): number {
  const sum = new Float64Array(bins);
  const hit = new Float64Array(bins);
  const n = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    const k = Math.min(bins - 1, Math.floor((p[i] as number) * bins));
    sum[k] = (sum[k] as number) + (p[i] as number);
    hit[k] = (hit[k] as number) + (y[i] as number);
    n[k] = (n[k] as number) + 1;
  }
  let e = 0;
  for (let k = 0; k < bins; k++) if ((n[k] as number) > 0) e += Math.abs((sum[k] as number) - (hit[k] as number));
  return e / Math.max(1, p.length);
}
