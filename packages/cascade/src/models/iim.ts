/**
 * @module
 * The Leontief inoperability input–output model (Haimes and Jiang 2001; Santos and Haimes 2004).
 * Static: `q = (I − A*)⁻¹ c*`, solved by LU decomposition with partial pivoting (no explicit
 * inverse). Dynamic (Lian and Haimes 2006): `q(t+1) = q(t) + K (A* q(t) + c*(t) − q(t))`, where
 * the resilience coefficient of sector i is `k_i = ln(q_i(0) / q_i(T_i)) / (T_i (1 − a*_ii))`: the
 * rate at which it gets from its initial inoperability to 1 % of it in its recovery time `T_i`.
 * `interdependencyFromIo` derives A* from an input–output table (`A* = diag(x)⁻¹ A diag(x)`, with
 * `A = Z diag(x)⁻¹`, i.e. `A*_ij = z_ij / x_i`).
 */
import { AppError } from '@intersoc/core';

/** Largest matrix the model accepts (LU is cubic). */
export const MAX_SECTORS = 1000;

function checkSquare(a: readonly (readonly number[])[], name: string): number {
  const n = a.length;
  if (n === 0) throw new AppError('VALIDATION', `${name} is empty`);
  if (n > MAX_SECTORS) throw new AppError('VALIDATION', `${name} has ${n} rows; at most ${MAX_SECTORS}`);
  a.forEach((row, i) => {
    if (row.length !== n)
      throw new AppError('VALIDATION', `${name} must be square: row ${i + 1} has ${row.length} values, expected ${n}`);
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new AppError('VALIDATION', `${name}[${i + 1}][${j + 1}] is not a finite number`);
    });
  });
  return n;
}

function checkVector(c: readonly number[], n: number, name: string): void {
  if (c.length !== n) throw new AppError('VALIDATION', `${name} has ${c.length} values; the matrix has ${n} rows`);
  c.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new AppError('VALIDATION', `${name}[${i + 1}] is not a finite number`);
  });
}

/** Solves `M x = b` by LU with partial pivoting; throws VALIDATION when M is singular. */
export function solveLinear(m: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = m.length;
  const a: Float64Array[] = m.map((row) => Float64Array.from(row));
  const x = Float64Array.from(b);
  const scale = Math.max(...a.map((r) => Math.max(...r.map(Math.abs))), 1e-300);
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs((a[k] as Float64Array)[k] as number);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs((a[i] as Float64Array)[k] as number);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (best <= 1e-13 * scale) throw new AppError('VALIDATION', 'I − A* is singular: the model has no unique solution');
    if (p !== k) {
      const tmp = a[k] as Float64Array;
      a[k] = a[p] as Float64Array;
      a[p] = tmp;
      const t = x[k] as number;
      x[k] = x[p] as number;
      x[p] = t;
    }
    const rk = a[k] as Float64Array;
    const pivot = rk[k] as number;
    for (let i = k + 1; i < n; i++) {
      const ri = a[i] as Float64Array;
      const f = (ri[k] as number) / pivot;
      if (f === 0) continue;
      ri[k] = 0;
      for (let j = k + 1; j < n; j++) ri[j] = (ri[j] as number) - f * (rk[j] as number);
      x[i] = (x[i] as number) - f * (x[k] as number);
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = a[i] as Float64Array;
    let s = x[i] as number;
    for (let j = i + 1; j < n; j++) s -= (ri[j] as number) * (x[j] as number);
    x[i] = s / (ri[i] as number);
  }
  return Array.from(x);
}

/** Result of the static model. */
export interface IimResult {
  /** Inoperability of each sector (0 = fully operable, 1 = fully inoperable). */
  readonly q: number[];
  /** Warnings: entries outside [0, 1], a spectral radius that makes the series diverge. */
  readonly warnings: string[];
}

/**
 * The static IIM: `q = (I − A*)⁻¹ c*`.
 *
 * @example
 * iim([[0, 0.2], [0.3, 0]], [0.1, 0]).q // [0.1064, 0.0319]
 */
export function iim(aStar: readonly (readonly number[])[], cStar: readonly number[]): IimResult {
  const n = checkSquare(aStar, 'A*');
  checkVector(cStar, n, 'c*');
  const m = aStar.map((row, i) => row.map((v, j) => (i === j ? 1 : 0) - v));
  const q = solveLinear(m, cStar);
  const warnings: string[] = [];
  if (aStar.some((row) => row.some((v) => v < 0))) warnings.push('A* has negative entries');
  const rowMax = Math.max(...aStar.map((row) => row.reduce((s, v) => s + Math.abs(v), 0)));
  if (rowMax >= 1)
    warnings.push(
      `a row of A* sums to ${rowMax.toFixed(3)} ≥ 1: the inoperability may exceed the perturbation's bounds`,
    );
  const out = q.filter((v) => v < -1e-12 || v > 1 + 1e-12).length;
  if (out > 0) warnings.push(`${out} sectors have an inoperability outside [0, 1]`);
  return { q, warnings };
}

/** Options of the dynamic model. */
export interface DynamicIimOptions {
  /** Recovery time of each sector, in steps (hours when the step is an hour). */
  readonly recovery: readonly number[];
  /** Initial inoperability (default: the perturbation). */
  readonly q0?: readonly number[];
  /** Steps the perturbation lasts (default 1: a shock at t = 0). */
  readonly perturbationSteps?: number;
  /** Steps to simulate (default 168). */
  readonly steps?: number;
  /** Fraction of the initial inoperability left at the recovery time (default 0.01). */
  readonly residual?: number;
}

/**
 * The dynamic IIM with recovery: returns `q(t)` for t = 0 … steps.
 *
 * @example
 * dynamicIim(aStar, c, { recovery: [24, 48], steps: 72 }).at(-1) // close to 0 once recovered
 */
export function dynamicIim(
  aStar: readonly (readonly number[])[],
  cStar: readonly number[],
  o: DynamicIimOptions,
): number[][] {
  const n = checkSquare(aStar, 'A*');
  checkVector(cStar, n, 'c*');
  checkVector(o.recovery, n, 'recovery');
  const steps = o.steps ?? 168;
  if (!Number.isInteger(steps) || steps < 1 || steps > 100_000)
    throw new AppError('VALIDATION', 'steps must be an integer from 1 to 100000');
  const residual = o.residual ?? 0.01;
  if (!(residual > 0 && residual < 1)) throw new AppError('VALIDATION', 'residual must be in (0, 1)');
  const k = o.recovery.map((t, i) => {
    if (!(t > 0)) throw new AppError('VALIDATION', `recovery[${i + 1}] must be positive`);
    const self = 1 - ((aStar[i] as readonly number[])[i] as number);
    if (!(self > 0)) throw new AppError('VALIDATION', `A*[${i + 1}][${i + 1}] must be below 1`);
    // q(T) = residual × q(0); capped at 1 so a step never overshoots.
    return Math.min(1, Math.log(1 / residual) / (t * self));
  });
  let q = o.q0 ? [...o.q0] : [...cStar];
  checkVector(q, n, 'q0');
  const lasting = o.perturbationSteps ?? 1;
  const out: number[][] = [q];
  for (let t = 0; t < steps; t++) {
    const c = t < lasting ? cStar : cStar.map(() => 0);
    const next = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const row = aStar[i] as readonly number[];
      let aq = 0;
      for (let j = 0; j < n; j++) aq += (row[j] as number) * (q[j] as number);
      const v = (q[i] as number) + (k[i] as number) * (aq + (c[i] as number) - (q[i] as number));
      next[i] = Math.min(1, Math.max(0, v));
    }
    q = next;
    out.push(q);
  }
  return out;
}

/**
 * A* from an input–output table, as the demand-side IIM derives it (Santos and Haimes 2004):
 * `Z[i][j]` is what sector j buys from sector i and `x[i]` the total output of sector i. With the
 * technical coefficients `a_ij = z_ij / x_j`, `A* = diag(x)⁻¹ A diag(x)`, so `A*_ij = z_ij / x_i`:
 * the share of sector i's output that sector j takes, i.e. how much of i's operability follows j's.
 */
export function interdependencyFromIo(z: readonly (readonly number[])[], x: readonly number[]): number[][] {
  const n = checkSquare(z, 'Z');
  checkVector(x, n, 'x');
  return z.map((row, i) => {
    const xi = x[i] as number;
    if (!(xi > 0)) throw new AppError('VALIDATION', `x[${i + 1}] must be positive`);
    return row.map((zij) => zij / xi);
  });
}
