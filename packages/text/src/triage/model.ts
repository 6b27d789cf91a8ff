/**
 * @module
 * The alert triage model: logistic regression over hashed alert features, trained on labelled
 * alerts (analysts' dispositions, or the simulator's ground truth), scoring the probability that
 * a new alert is real, with the features that pushed it up most as the explanation. Evaluated
 * by ROC AUC against sorting by rule level on data it did not train on.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { AppError, SEVERITIES, type Alert } from '@intersoc/core';
import { trainLinear } from '../attack/linear.js';
import { HASH_DIMS, hashFeatures, hashIndex, type SparseWeights } from '../internal/hashing.js';
import { AlertContextTracker, alertFeatures } from './features.js';

/** The file format id. */
export const TRIAGE_FORMAT = 'intersoc-alert-triage/1';

/** A labelled alert: 1 real (true positive), 0 not (false positive, benign). */
export interface LabelledAlert {
  readonly alert: Alert;
  readonly label: 0 | 1;
}

/** A score with its reasons. */
export interface TriageScore {
  readonly probability: number;
  readonly reasons: readonly { readonly feature: string; readonly weight: number }[];
}

/** Figures of a ranking on held-out alerts. */
export interface RankingFigures {
  readonly alerts: number;
  readonly positives: number;
  readonly auc: number;
  /** AUC of sorting by rule level (severity), ties counted half. */
  readonly baselineAuc: number;
  /** Share of the real alerts among the first N (N = number of real alerts). */
  readonly precisionAtN: number;
  readonly baselinePrecisionAtN: number;
}

/** ROC AUC of scores against labels (ties count half), by the rank-sum formula. */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const idx = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && (idx[j] as readonly [number, number])[0] === (idx[i] as readonly [number, number])[0]) j++;
    const avg = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (labels[(idx[k] as readonly [number, number])[1]] === 1) {
        rankSum += avg;
        pos++;
      }
    }
    i = j;
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return 0.5;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Expected share of positives among the first n when sorted by score (ties in random order). */
export function precisionAtN(scores: readonly number[], labels: readonly number[], n: number): number {
  const groups = new Map<number, { count: number; pos: number }>();
  scores.forEach((s, i) => {
    const g = groups.get(s) ?? { count: 0, pos: 0 };
    g.count++;
    g.pos += labels[i] === 1 ? 1 : 0;
    groups.set(s, g);
  });
  let left = n;
  let hits = 0;
  for (const [, g] of [...groups].sort((a, b) => b[0] - a[0])) {
    if (left <= 0) break;
    const take = Math.min(left, g.count);
    hits += (take * g.pos) / g.count;
    left -= take;
  }
  return n > 0 ? hits / n : 0;
}

/** The triage model. */
export class TriageModel {
  private readonly weights: Map<number, number>;

  constructor(
    readonly version: string,
    private readonly stored: SparseWeights,
    readonly metrics: Readonly<Record<string, unknown>> = {},
  ) {
    this.weights = new Map(stored.dims.map((d, i) => [d, stored.w[i] as number]));
  }

  /**
   * Trains on streams of labelled alerts (one per tenant or simulated day): within a stream, the
   * context of each alert comes from the alerts before it.
   */
  static train(streams: readonly (readonly LabelledAlert[])[], version: string, l2 = 1e-3): TriageModel {
    const samples = streams.flatMap((stream) => {
      const tracker = new AlertContextTracker();
      return [...stream]
        .sort((a, b) => a.alert.time - b.alert.time)
        .map((l) => ({ x: hashFeatures(alertFeatures(l.alert, tracker.next(l.alert))), y: l.label === 1 ? [0] : [] }));
    });
    const pos = samples.filter((s) => s.y.length > 0).length;
    if (pos === 0 || pos === samples.length)
      throw new AppError('VALIDATION', 'training needs real and not-real alerts');
    // Real alerts are rare: weigh the classes equally.
    const wPos = samples.length / (2 * pos);
    const wNeg = samples.length / (2 * (samples.length - pos));
    const w = trainLinear(
      samples.map((s) => ({ ...s, weight: s.y.length > 0 ? wPos : wNeg })),
      HASH_DIMS,
      1,
      { loss: 'ovr', l2, maxIterations: 200 },
    );
    const dims = [...new Set(samples.flatMap((s) => [...s.x.idx]))].sort((a, b) => a - b);
    return new TriageModel(
      version,
      { classes: 1, dims, w: dims.map((d) => w.w[d] as number), b: [w.b[0] as number] },
      {
        alerts: samples.length,
        positives: pos,
      },
    );
  }

  /** Scores alerts of one tenant in time order; returns the scores in the input's order. */
  scoreStream(alerts: readonly Alert[]): TriageScore[] {
    const order = alerts.map((a, i) => [a, i] as const).sort((x, y) => x[0].time - y[0].time);
    const tracker = new AlertContextTracker();
    const out = new Array<TriageScore>(alerts.length);
    for (const [a, i] of order) out[i] = this.score(alertFeatures(a, tracker.next(a)));
    return out;
  }

  /** The probability and reasons of one alert's features. */
  score(features: readonly string[]): TriageScore {
    const x = hashFeatures(features);
    let z = this.stored.b[0] ?? 0;
    const value = new Map<number, number>();
    for (let j = 0; j < x.idx.length; j++) {
      const d = x.idx[j] as number;
      value.set(d, x.val[j] as number);
      z += (this.weights.get(d) ?? 0) * (x.val[j] as number);
    }
    // Each feature's share: its weight times its value (features that share a hash split it).
    const parts: { feature: string; weight: number }[] = [];
    for (const f of new Set(features)) {
      const d = hashIndex(f);
      const w = (this.weights.get(d) ?? 0) * (value.get(d) ?? 0);
      parts.push({ feature: f, weight: Math.round(w * 1000) / 1000 });
    }
    parts.sort((a, b) => b.weight - a.weight);
    return {
      probability: Math.round((1 / (1 + Math.exp(-z))) * 10_000) / 10_000,
      reasons: parts.filter((p) => p.weight > 0 && p.feature !== 'bias').slice(0, 5),
    };
  }

  /** Figures on held-out labelled alerts, beside sorting by rule level. */
  evaluate(held: readonly LabelledAlert[]): RankingFigures {
    const scores = this.scoreStream(held.map((h) => h.alert)).map((s) => s.probability);
    const labels = held.map((h) => h.label);
    const level = held.map((h) => SEVERITIES.indexOf(h.alert.severity));
    const n = labels.filter((l) => l === 1).length;
    const r = (x: number): number => Math.round(x * 10_000) / 10_000;
    return {
      alerts: held.length,
      positives: n,
      auc: r(rocAuc(scores, labels)),
      baselineAuc: r(rocAuc(level, labels)),
      precisionAtN: r(precisionAtN(scores, labels, n)),
      baselinePrecisionAtN: r(precisionAtN(level, labels, n)),
    };
  }

  /** The same model with other recorded figures. */
  withMetrics(metrics: Readonly<Record<string, unknown>>): TriageModel {
    return new TriageModel(this.version, this.stored, metrics);
  }

  /** The gzipped file. */
  serialise(): Buffer {
    return gzipSync(
      JSON.stringify({ format: TRIAGE_FORMAT, version: this.version, weights: this.stored, metrics: this.metrics }),
    );
  }

  /** Reads a model file. */
  static load(file: Uint8Array): TriageModel {
    const s = JSON.parse(gunzipSync(file).toString('utf8')) as {
      format: string;
      version: string;
      weights: SparseWeights;
      metrics: Record<string, unknown>;
    };
    if (s.format !== TRIAGE_FORMAT) throw new AppError('UNSUPPORTED', `not a triage model (${String(s.format)})`);
    return new TriageModel(s.version, s.weights, s.metrics);
  }
}

/** Labels from analysts' dispositions: the reason an alert was closed with, or its case's resolution. */
export function dispositionLabel(reason: string | undefined): 0 | 1 | undefined {
  if (!reason) return undefined;
  const r = reason.toLowerCase();
  if (/false[ -]?positive|^benign|expected (admin|activity)|not malicious/.test(r)) return 0;
  if (/true[ -]?positive|^resolved|contained|malicious|confirmed|compromise/.test(r)) return 1;
  return undefined;
}
