/**
 * @module
 * Small generated datasets for the learners' tests (seeded, so every run sees the same rows).
 */
import { rng } from './rng.js';

/** A row-major matrix with labels. */
export interface Generated {
  readonly x: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly y: Int32Array;
}

/**
 * Two classes: y = 1 exactly when x0 + x1 > 1 (x uniform in [0,1)), plus `noise` uninformative
 * columns, with `flip` of the labels flipped at random.
 */
export function twoClass(rows: number, noise: number, seed: number, flip = 0): Generated {
  const r = rng(seed);
  const cols = 2 + noise;
  const x = new Float64Array(rows * cols);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < cols; f++) x[i * cols + f] = r();
    let k = (x[i * cols] as number) + (x[i * cols + 1] as number) > 1 ? 1 : 0;
    if (r() < flip) k = 1 - k;
    y[i] = k;
  }
  return { x, rows, cols, y };
}

/** Three classes by the band x0 falls in ([0,1/3), [1/3,2/3), [2/3,1)), plus noise columns. */
export function threeClass(rows: number, noise: number, seed: number): Generated {
  const r = rng(seed);
  const cols = 1 + noise;
  const x = new Float64Array(rows * cols);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < cols; f++) x[i * cols + f] = r();
    y[i] = Math.min(2, Math.floor((x[i * cols] as number) * 3));
  }
  return { x, rows, cols, y };
}
