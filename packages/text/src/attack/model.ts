/**
 * @module
 * The ATT&CK sentence model as it ships: the vectoriser; the technique classifier (one-vs-rest
 * logistic regression over the sentences that name a technique) and the gate (a logistic
 * regression telling sentences that name a technique from those that name none), both with
 * weights quantised to 8 bits per class and Platt-calibrated; the decision threshold; the ATT&CK
 * knowledge; and the figures it was released with. A technique's score is
 * P(the sentence names a technique) × P(this technique | it names one), so the ranking of
 * techniques within a sentence is the classifier's and the gate keeps prose quiet. Stored as
 * gzipped JSON.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { AppError } from '@intersoc/core';
import { calibrated, type Platt } from './calibrate.js';
import { AttackKnowledge, type AttackKnowledgeState } from './knowledge.js';
import { logits, type LinearLoss, type LinearWeights } from './linear.js';
import { Vectorizer, type VectorizerState } from './vectorizer.js';

/** The file format id. */
export const MODEL_FORMAT = 'intersoc-attack-sentences/1';

/** What a model says about one technique for one sentence. */
export interface TechniqueScore {
  readonly id: string;
  /** Calibrated probability, 0–1. */
  readonly score: number;
}

/** Figures and provenance recorded with a model. */
export interface ModelInfo {
  /** Version, e.g. `tram-2025.1` or `retrain-<time>`. */
  readonly version: string;
  readonly created: string;
  /** What it was trained on (corpus, documents, sentences, corrections). */
  readonly training: Readonly<Record<string, unknown>>;
  /** Figures on held-out documents. */
  readonly metrics: Readonly<Record<string, unknown>>;
}

interface QuantisedWeights {
  readonly features: number;
  readonly scale: readonly number[];
  readonly weights: string;
  readonly bias: readonly number[];
}

interface Stored {
  readonly format: string;
  readonly info: ModelInfo;
  readonly classes: readonly string[];
  readonly vectorizer: VectorizerState;
  readonly loss: LinearLoss;
  readonly features: number;
  readonly scale: readonly number[];
  readonly weights: string;
  readonly bias: readonly number[];
  readonly calibration: Platt;
  readonly gate?: QuantisedWeights & { readonly calibration: Platt };
  readonly threshold: number;
  readonly knowledge: AttackKnowledgeState;
}

function store(w: LinearWeights): QuantisedWeights {
  const { q, scale } = quantise(w);
  return {
    features: w.features,
    scale,
    weights: Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64'),
    bias: [...w.b],
  };
}

function restore(s: QuantisedWeights, classes: number, loss: LinearLoss): LinearWeights {
  const raw = Buffer.from(s.weights, 'base64');
  const q = new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  if (q.length !== s.features * classes)
    throw new AppError('PARSE', 'model weights do not match its classes and features');
  const w = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) w[i] = (q[i] as number) * (s.scale[i % classes] as number);
  return { loss, features: s.features, classes, w, b: Float32Array.from(s.bias) };
}

/** The gate: a one-class model and its calibration. */
export interface Gate {
  readonly weights: LinearWeights;
  readonly calibration: Platt;
}

/** Quantises weights to int8 with one scale per class. */
function quantise(w: LinearWeights): { q: Int8Array; scale: number[] } {
  const K = w.classes;
  const scale = new Array<number>(K).fill(0);
  for (let i = 0; i < w.w.length; i++) {
    const k = i % K;
    scale[k] = Math.max(scale[k] as number, Math.abs(w.w[i] as number));
  }
  for (let k = 0; k < K; k++) scale[k] = (scale[k] as number) / 127 || 1;
  const q = new Int8Array(w.w.length);
  for (let i = 0; i < w.w.length; i++) q[i] = Math.round((w.w[i] as number) / (scale[i % K] as number));
  return { q, scale };
}

/** A sentence → techniques model. */
export class SentenceModel {
  readonly vectorizer: Vectorizer;
  readonly knowledge: AttackKnowledge;
  private readonly weights: LinearWeights;

  constructor(
    readonly info: ModelInfo,
    readonly classes: readonly string[],
    vectorizer: Vectorizer,
    weights: LinearWeights,
    readonly calibration: Platt,
    readonly threshold: number,
    knowledge: AttackKnowledge,
    readonly gate?: Gate,
  ) {
    this.vectorizer = vectorizer;
    this.weights = weights;
    this.knowledge = knowledge;
  }

  /** Technique probabilities of one sentence, best first; `top` of them (all by default). */
  predict(text: string, top = this.classes.length): TechniqueScore[] {
    const x = this.vectorizer.transform(text);
    const z = logits(this.weights, x);
    const g = this.gate ? calibrated(this.gate.calibration, logits(this.gate.weights, x)[0] as number) : 1;
    const out: TechniqueScore[] = [];
    for (let k = 0; k < this.classes.length; k++) {
      out.push({ id: this.classes[k] as string, score: g * calibrated(this.calibration, z[k] as number) });
    }
    out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    return out.slice(0, Math.max(0, top));
  }

  /** Raw scores (logits) of one sentence, in class order. */
  scores(text: string): Float64Array {
    return logits(this.weights, this.vectorizer.transform(text));
  }

  /** The gzipped file. */
  serialise(): Buffer {
    const main = store(this.weights);
    const stored: Stored = {
      format: MODEL_FORMAT,
      info: this.info,
      classes: this.classes,
      vectorizer: this.vectorizer.state,
      loss: this.weights.loss,
      features: main.features,
      scale: main.scale,
      weights: main.weights,
      bias: main.bias,
      calibration: this.calibration,
      ...(this.gate ? { gate: { ...store(this.gate.weights), calibration: this.gate.calibration } } : {}),
      threshold: this.threshold,
      knowledge: this.knowledge.state,
    };
    return gzipSync(JSON.stringify(stored), { level: 9 });
  }

  /** Reads a model file. */
  static load(file: Uint8Array): SentenceModel {
    let s: Stored;
    try {
      s = JSON.parse(gunzipSync(file).toString('utf8')) as Stored;
    } catch (err) {
      throw new AppError('PARSE', `not a model file: ${(err as Error).message}`, { cause: err });
    }
    if (s.format !== MODEL_FORMAT)
      throw new AppError('UNSUPPORTED', `model format ${String(s.format)} is not ${MODEL_FORMAT}`);
    const K = s.classes.length;
    return new SentenceModel(
      s.info,
      s.classes,
      new Vectorizer(s.vectorizer),
      restore(s, K, s.loss),
      s.calibration,
      s.threshold,
      new AttackKnowledge(s.knowledge),
      s.gate ? { weights: restore(s.gate, 1, 'ovr'), calibration: s.gate.calibration } : undefined,
    );
  }
}
