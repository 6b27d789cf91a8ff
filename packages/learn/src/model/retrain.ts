/**
 * @module
 * Continuous training from analyst dispositions. An `ml` alert keeps the model's whole feature
 * row (`alertVector`, bounded to `MAX_VECTOR_FEATURES` values); when analysts close such an
 * alert as a false positive, or resolve a case holding it as a true positive, the row becomes a
 * labelled example (`feedbackDataset`). Retraining adds these rows to the *training* part of the
 * parent's data only: the held-out rows stay exactly the parent's (same data, same seed, same
 * split), so the parent and the new version are measured on the same rows, side by side.
 */
import { createHash } from 'node:crypto';
import type { Dataset, Schema } from '../data/dataset.js';

/** Alerts of models with more features than this keep no feature row (and cannot teach a retrain). */
export const MAX_VECTOR_FEATURES = 256;

/** A stored feature value: a number, `null` for missing, `'+Inf'`/`'-Inf'` for infinities (not JSON). */
export type VectorCell = number | string | null;

/** An analyst's verdict on one alert. */
export type FeedbackOutcome = 'false-positive' | 'true-positive';

/** One labelled example from an alert. */
export interface FeedbackRow {
  readonly alertId: string;
  readonly outcome: FeedbackOutcome;
  /** Feature values in the model's schema order. */
  readonly vector: Float64Array;
  /** The class the model predicted (used as the label of a true positive when it is an attack class). */
  readonly predicted?: string;
}

/**
 * The feature row an alert keeps, in schema order, values to 7 significant digits (the trees'
 * thresholds sit between training values, so this keeps the row's path for all practical data).
 * @example
 * details.vector = alertVector(row); // undefined for very wide models
 */
export function alertVector(row: ArrayLike<number>): VectorCell[] | undefined {
  if (row.length > MAX_VECTOR_FEATURES) return undefined;
  const out: VectorCell[] = [];
  for (let i = 0; i < row.length; i++) {
    const v = row[i] as number;
    out.push(Number.isNaN(v) ? null : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : Number(v.toPrecision(7)));
  }
  return out;
}

/** Reads a stored feature row back; undefined unless it has exactly `cols` readable cells. */
export function vectorOf(v: unknown, cols: number): Float64Array | undefined {
  if (!Array.isArray(v) || v.length !== cols) return undefined;
  const out = new Float64Array(cols);
  for (let i = 0; i < cols; i++) {
    const c: unknown = v[i];
    if (c === null) out[i] = NaN;
    else if (typeof c === 'number') out[i] = c;
    else if (c === '+Inf') out[i] = Infinity;
    else if (c === '-Inf') out[i] = -Infinity;
    else return undefined;
  }
  return out;
}

/**
 * The labelled rows as a dataset of the parent's schema: false positives as the benign class,
 * true positives as the class the model named when that is an attack class, else the most
 * frequent attack class (for the detector, any attack class is "attack"). Each row is repeated
 * `repeat` times, a crude weight for a handful of verdicts among thousands of training rows.
 */
export function feedbackDataset(schema: Schema, rows: readonly FeedbackRow[], repeat = 1): Dataset {
  const cols = schema.features.length;
  const benign = schema.classes.indexOf(schema.benign);
  const firstAttack = schema.classes.findIndex((c) => c !== schema.benign);
  const n = rows.length * repeat;
  const x = new Float64Array(n * cols);
  const y = new Int32Array(n);
  const labels: string[] = [];
  let j = 0;
  for (const r of rows) {
    let k = benign;
    if (r.outcome === 'true-positive') {
      const named = r.predicted === undefined ? -1 : schema.classes.indexOf(r.predicted);
      k = named >= 0 && named !== benign ? named : firstAttack;
    }
    for (let t = 0; t < repeat; t++) {
      x.set(r.vector.subarray(0, cols), j * cols);
      y[j] = k;
      labels.push(schema.classes[k] ?? '');
      j++;
    }
  }
  return { schema, x, rows: n, cols, y, labels };
}

/** Rows of `b` after the rows of `a` (same schema). */
export function concatRows(a: Dataset, b: Dataset): Dataset {
  if (b.rows === 0) return a;
  const x = new Float64Array((a.rows + b.rows) * a.cols);
  x.set(a.x.subarray(0, a.rows * a.cols));
  x.set(b.x.subarray(0, b.rows * b.cols), a.rows * a.cols);
  const y = new Int32Array(a.rows + b.rows);
  y.set(a.y);
  y.set(b.y, a.rows);
  return { schema: a.schema, x, rows: a.rows + b.rows, cols: a.cols, y, labels: [...a.labels, ...b.labels] };
}

/** SHA-256 over the verdicts (outcome and alert id, sorted): the same verdicts give the same hash. */
export function feedbackHash(rows: readonly Pick<FeedbackRow, 'alertId' | 'outcome'>[]): string {
  const lines = rows.map((r) => `${r.outcome}\t${r.alertId}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** The training-data hash of a retrained version: the base data's hash and the verdicts' hash together. */
export function lineageDataHash(baseDataHash: string, verdictsHash: string, repeat: number): string {
  return createHash('sha256').update(`${baseDataHash}\n${verdictsHash}\n${repeat}`).digest('hex');
}
