/**
 * @module
 * Regularised (L2) multinomial logistic regression on standardised features (two classes is the
 * binary case with a softmax over two). Features are log-compressed (sign · log1p|x|), then
 * standardised with the training mean and deviation; missing values become the mean. Fitted by
 * full-batch gradient descent with Nesterov momentum for a fixed number of epochs, so it is
 * deterministic. Its explanation of a score is exact: weight × standardised value per feature.
 */
import { softmaxInPlace } from '../trees/ensemble.js';

/** Settings. */
export interface LogregParams {
  /** L2 penalty on the weights (not the intercepts). */
  readonly l2: number;
  readonly epochs: number;
  readonly learningRate: number;
}

/** Defaults. */
export const LOGREG_DEFAULTS: LogregParams = { l2: 1e-4, epochs: 300, learningRate: 0.5 };

/** A fitted model: `weights[k * cols + f]`, intercepts per class, and the standardisation. */
export interface LogisticModel {
  readonly classes: number;
  readonly cols: number;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  readonly mean: Float64Array;
  readonly scale: Float64Array;
}

/** The transformed value of one feature (log-compressed, standardised; missing → 0). */
export function standardise(m: Pick<LogisticModel, 'mean' | 'scale'>, f: number, raw: number): number {
  if (Number.isNaN(raw)) return 0;
  const v = Number.isFinite(raw) ? Math.sign(raw) * Math.log1p(Math.abs(raw)) : Math.sign(raw) * 50;
  return (v - (m.mean[f] as number)) / (m.scale[f] as number);
}

/**
 * Fits the model on row-major `x` with class indices `y` (and optional row weights).
 * @example
 * const m = trainLogreg(x, rows, cols, y, 2); const p = logregProba(m, x, 0, new Float64Array(2));
 */
export function trainLogreg(
  x: Float64Array,
  rows: number,
  cols: number,
  y: Int32Array,
  classes: number,
  params: Partial<LogregParams> = {},
  weights?: Float64Array,
): LogisticModel {
  const p = { ...LOGREG_DEFAULTS, ...params };
  const K = Math.max(2, classes);
  const mean = new Float64Array(cols);
  const scale = new Float64Array(cols).fill(1);
  const z = new Float64Array(rows * cols);
  for (let f = 0; f < cols; f++) {
    let s = 0;
    let s2 = 0;
    let n = 0;
    for (let i = 0; i < rows; i++) {
      const raw = x[i * cols + f] as number;
      if (Number.isNaN(raw)) continue;
      const v = Number.isFinite(raw) ? Math.sign(raw) * Math.log1p(Math.abs(raw)) : Math.sign(raw) * 50;
      s += v;
      s2 += v * v;
      n++;
    }
    const mu = n > 0 ? s / n : 0;
    const sd = n > 1 ? Math.sqrt(Math.max(0, s2 / n - mu * mu)) : 0;
    mean[f] = mu;
    scale[f] = sd > 1e-9 ? sd : 1;
  }
  const model: LogisticModel = {
    classes: K,
    cols,
    weights: new Float64Array(K * cols),
    bias: new Float64Array(K),
    mean,
    scale,
  };
  for (let i = 0; i < rows; i++)
    for (let f = 0; f < cols; f++) z[i * cols + f] = standardise(model, f, x[i * cols + f] as number);
  const w = weights ?? new Float64Array(rows).fill(1);
  let wsum = 0;
  for (let i = 0; i < rows; i++) wsum += w[i] as number;
  const W = model.weights;
  const B = model.bias;
  const vW = new Float64Array(W.length);
  const vB = new Float64Array(K);
  const gW = new Float64Array(W.length);
  const gB = new Float64Array(K);
  const lookW = new Float64Array(W.length);
  const lookB = new Float64Array(K);
  const pr = new Float64Array(K);
  const mu = 0.9;
  for (let e = 0; e < p.epochs; e++) {
    for (let j = 0; j < W.length; j++) lookW[j] = (W[j] as number) + mu * (vW[j] as number);
    for (let k = 0; k < K; k++) lookB[k] = (B[k] as number) + mu * (vB[k] as number);
    gW.fill(0);
    gB.fill(0);
    for (let i = 0; i < rows; i++) {
      const off = i * cols;
      for (let k = 0; k < K; k++) {
        let s = lookB[k] as number;
        const wo = k * cols;
        for (let f = 0; f < cols; f++) s += (lookW[wo + f] as number) * (z[off + f] as number);
        pr[k] = s;
      }
      softmaxInPlace(pr);
      const wi = (w[i] as number) / wsum;
      for (let k = 0; k < K; k++) {
        const g = ((pr[k] as number) - (y[i] === k ? 1 : 0)) * wi;
        if (g === 0) continue;
        gB[k] = (gB[k] as number) + g;
        const wo = k * cols;
        for (let f = 0; f < cols; f++) gW[wo + f] = (gW[wo + f] as number) + g * (z[off + f] as number);
      }
    }
    for (let j = 0; j < W.length; j++) {
      const g = (gW[j] as number) + p.l2 * (lookW[j] as number);
      vW[j] = mu * (vW[j] as number) - p.learningRate * g;
      W[j] = (W[j] as number) + (vW[j] as number);
    }
    for (let k = 0; k < K; k++) {
      vB[k] = mu * (vB[k] as number) - p.learningRate * (gB[k] as number);
      B[k] = (B[k] as number) + (vB[k] as number);
    }
  }
  return model;
}

/** Class probabilities of the row at `offset` into `out`. */
export function logregProba(m: LogisticModel, x: ArrayLike<number>, offset: number, out: Float64Array): Float64Array {
  for (let k = 0; k < m.classes; k++) {
    let s = m.bias[k] as number;
    const wo = k * m.cols;
    for (let f = 0; f < m.cols; f++) s += (m.weights[wo + f] as number) * standardise(m, f, x[offset + f] as number);
    out[k] = s;
  }
  softmaxInPlace(out);
  return out;
}

/**
 * What each feature adds to the log-odds of "not class `benign`" against it: for two classes the
 * exact margin decomposition; for more, the attack classes' probability-weighted weights minus
 * the benign class's.
 */
export function logregAttributions(
  m: LogisticModel,
  x: ArrayLike<number>,
  offset: number,
  benign: number,
  out: Float64Array,
): Float64Array {
  const pr = logregProba(m, x, offset, new Float64Array(m.classes));
  let attackMass = 0;
  for (let k = 0; k < m.classes; k++) if (k !== benign) attackMass += pr[k] as number;
  for (let f = 0; f < m.cols; f++) {
    const z = standardise(m, f, x[offset + f] as number);
    let wa = 0;
    for (let k = 0; k < m.classes; k++)
      if (k !== benign) wa += ((pr[k] as number) / Math.max(attackMass, 1e-12)) * (m.weights[k * m.cols + f] as number);
    out[f] = (wa - (m.weights[benign * m.cols + f] as number)) * z;
  }
  return out;
}

/** Serialisable form. */
export interface LogisticModelJson {
  readonly classes: number;
  readonly cols: number;
  readonly weights: number[];
  readonly bias: number[];
  readonly mean: number[];
  readonly scale: number[];
}

/** To JSON. */
export function logregToJson(m: LogisticModel): LogisticModelJson {
  return {
    classes: m.classes,
    cols: m.cols,
    weights: [...m.weights],
    bias: [...m.bias],
    mean: [...m.mean],
    scale: [...m.scale],
  };
}

/** From JSON. */
export function logregFromJson(j: LogisticModelJson): LogisticModel {
  return {
    classes: j.classes,
    cols: j.cols,
    weights: Float64Array.from(j.weights),
    bias: Float64Array.from(j.bias),
    mean: Float64Array.from(j.mean),
    scale: Float64Array.from(j.scale),
  };
}
