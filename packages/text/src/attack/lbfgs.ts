/**
 * @module
 * Limited-memory BFGS for smooth, convex objectives (the linear models here), with a
 * backtracking line search under the Armijo condition. Deterministic: the same data give the
 * same weights.
 */

/** Objective: returns the value and writes the gradient into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of `minimise`. */
export interface LbfgsOptions {
  readonly maxIterations: number;
  /** Memory (pairs kept). */
  readonly m: number;
  /** Stop when the relative decrease of the objective over 5 iterations is below this. */
  readonly tolerance: number;
  readonly onIteration?: (iteration: number, value: number) => void;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};

/** Minimises `f` from `x0` (changed in place); returns the final value. */
export function minimise(f: Objective, x: Float64Array, o: LbfgsOptions): number {
  const n = x.length;
  const g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const history: number[] = [fx];
  for (let it = 1; it <= o.maxIterations; it++) {
    // Two-loop recursion: d = -H g.
    d.set(g);
    const alpha: number[] = new Array<number>(S.length);
    for (let i = S.length - 1; i >= 0; i--) {
      const a = (rho[i] as number) * dot(S[i] as Float64Array, d);
      alpha[i] = a;
      const y = Y[i] as Float64Array;
      for (let j = 0; j < n; j++) d[j] = (d[j] as number) - a * (y[j] as number);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma =
        dot(S[last] as Float64Array, Y[last] as Float64Array) / dot(Y[last] as Float64Array, Y[last] as Float64Array);
      for (let j = 0; j < n; j++) d[j] = (d[j] as number) * gamma;
    } else {
      const gn = Math.sqrt(dot(g, g)) || 1;
      for (let j = 0; j < n; j++) d[j] = (d[j] as number) / gn;
    }
    for (let i = 0; i < S.length; i++) {
      const b = (rho[i] as number) * dot(Y[i] as Float64Array, d);
      const s = S[i] as Float64Array;
      const a = alpha[i] as number;
      for (let j = 0; j < n; j++) d[j] = (d[j] as number) + (s[j] as number) * (a - b);
    }
    for (let j = 0; j < n; j++) d[j] = -(d[j] as number);
    let slope = dot(g, d);
    if (slope >= 0) {
      // Not a descent direction: restart from the gradient.
      for (let j = 0; j < n; j++) d[j] = -(g[j] as number);
      slope = dot(g, d);
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
    }
    let step = 1;
    let fNew = 0;
    for (let k = 0; k < 30; k++) {
      for (let j = 0; j < n; j++) xNew[j] = (x[j] as number) + step * (d[j] as number);
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx)) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = (xNew[j] as number) - (x[j] as number);
      y[j] = (gNew[j] as number) - (g[j] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > o.m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    history.push(fx);
    o.onIteration?.(it, fx);
    const back = history[history.length - 6];
    if (back !== undefined && (back - fx) / Math.max(Math.abs(fx), 1e-12) < o.tolerance) break;
  }
  return fx;
}
