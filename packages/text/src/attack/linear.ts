/**
 * @module
 * Linear classifiers over sparse features: one-vs-rest logistic regression (a sigmoid per
 * class, so a sentence may name several techniques or none) or multinomial (softmax), with L2
 * regularisation, trained by L-BFGS on the full batch. Weights are laid out feature-major
 * (`w[feature * classes + class]`) so scoring one sparse vector touches contiguous memory.
 */
import { minimise } from './lbfgs.js';
import type { SparseVector } from './vectorizer.js';

/** The loss: independent sigmoids or one softmax. */
export type LinearLoss = 'ovr' | 'softmax';

/** A trained linear model. */
export interface LinearWeights {
  readonly loss: LinearLoss;
  readonly features: number;
  readonly classes: number;
  readonly w: Float32Array;
  readonly b: Float32Array;
}

/** Training options. */
export interface LinearTrainOptions {
  readonly loss: LinearLoss;
  /** L2 strength (per sample). */
  readonly l2: number;
  readonly maxIterations: number;
  readonly tolerance?: number;
  readonly onIteration?: (iteration: number, value: number) => void;
}

/** One training sample: features, the classes it belongs to (none: a negative), a weight. */
export interface LinearSample {
  readonly x: SparseVector;
  readonly y: readonly number[];
  readonly weight?: number;
}

/** Raw scores (logits) of one vector. */
export function logits(m: LinearWeights, x: SparseVector, out = new Float64Array(m.classes)): Float64Array {
  const K = m.classes;
  for (let k = 0; k < K; k++) out[k] = m.b[k] as number;
  for (let j = 0; j < x.idx.length; j++) {
    const f = x.idx[j] as number;
    if (f >= m.features) continue;
    const v = x.val[j] as number;
    const base = f * K;
    for (let k = 0; k < K; k++) out[k] = (out[k] as number) + v * (m.w[base + k] as number);
  }
  return out;
}

/** Trains a linear model on sparse samples. */
export function trainLinear(
  samples: readonly LinearSample[],
  features: number,
  classes: number,
  o: LinearTrainOptions,
): LinearWeights {
  const K = classes;
  const P = features * K;
  const theta = new Float64Array(P + K);
  const N = samples.reduce((s, x) => s + (x.weight ?? 1), 0);
  const z = new Float64Array(K);
  const f = (t: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (const smp of samples) {
      const sw = (smp.weight ?? 1) / N;
      const { idx, val } = smp.x;
      for (let k = 0; k < K; k++) z[k] = t[P + k] as number;
      for (let j = 0; j < idx.length; j++) {
        const base = (idx[j] as number) * K;
        const v = val[j] as number;
        for (let k = 0; k < K; k++) z[k] = (z[k] as number) + v * (t[base + k] as number);
      }
      // z becomes the residual p - y.
      if (o.loss === 'softmax') {
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, z[k] as number);
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const e = Math.exp((z[k] as number) - max);
          z[k] = e;
          sum += e;
        }
        const y = smp.y[0] ?? 0;
        loss -= sw * Math.log(Math.max((z[y] as number) / sum, 1e-300));
        for (let k = 0; k < K; k++) z[k] = (z[k] as number) / sum;
        z[y] = (z[y] as number) - 1;
      } else {
        for (let k = 0; k < K; k++) {
          const zk = z[k] as number;
          const pos = smp.y.includes(k);
          // log(1 + e^z) - y z, computed stably
          loss += sw * ((zk > 0 ? zk + Math.log1p(Math.exp(-zk)) : Math.log1p(Math.exp(zk))) - (pos ? zk : 0));
          z[k] = 1 / (1 + Math.exp(-zk)) - (pos ? 1 : 0);
        }
      }
      for (let k = 0; k < K; k++) {
        const r = (z[k] as number) * sw;
        z[k] = r;
        grad[P + k] = (grad[P + k] as number) + r;
      }
      for (let j = 0; j < idx.length; j++) {
        const base = (idx[j] as number) * K;
        const v = val[j] as number;
        for (let k = 0; k < K; k++) grad[base + k] = (grad[base + k] as number) + v * (z[k] as number);
      }
    }
    let reg = 0;
    for (let i = 0; i < P; i++) {
      const w = t[i] as number;
      reg += w * w;
      grad[i] = (grad[i] as number) + o.l2 * w;
    }
    return loss + 0.5 * o.l2 * reg;
  };
  minimise(f, theta, {
    maxIterations: o.maxIterations,
    m: 10,
    tolerance: o.tolerance ?? 1e-5,
    ...(o.onIteration ? { onIteration: o.onIteration } : {}),
  });
  return {
    loss: o.loss,
    features,
    classes: K,
    w: Float32Array.from(theta.subarray(0, P)),
    b: Float32Array.from(theta.subarray(P)),
  };
}
