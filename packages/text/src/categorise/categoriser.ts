/**
 * @module
 * The learned incident categoriser, behind `@intersoc/correlate`'s `IncidentClassifier`. Two
 * softmax logistic regressions over hashed incident features (techniques and their parents,
 * tactics, words of rule titles, rule kinds, sensor kinds, the top severity, a privileged
 * account, the number of alerts): one names the RSIT class and type, one the tactic the incident
 * reached. It answers only for the labels where it beat the rule table on incidents it did not
 * train on (`trusted`), and only when it is sure (`minConfidence`, 0.9): a learned "nothing to
 * see" must not hide an attack the table names. Everywhere else the table decides, and says so
 * (`classifier`).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { AppError } from '@intersoc/core';
import {
  RulesClassifier,
  rsitType,
  type ClassificationInput,
  type IncidentClassifier,
  type RsitClassification,
} from '@intersoc/correlate';
import { logits, trainLinear, type LinearWeights } from '../attack/linear.js';
import { HASH_DIMS, hashFeatures, type SparseWeights } from '../internal/hashing.js';

/** The file format id. */
export const CATEGORISER_FORMAT = 'intersoc-incident-categoriser/1';

/** An incident with the category an analyst (or the simulator's ground truth) gave it. */
export interface LabelledIncident {
  readonly input: ClassificationInput;
  /** `class/type`, e.g. `information-content-security/data-leak`. */
  readonly category: string;
  /** The furthest ATT&CK tactic it reached, or `none`. */
  readonly tactic: string;
  /** Where it came from (a simulator seed, a tenant), for grouped splits. */
  readonly group: string;
}

/** A classification with the tactic. */
export interface Categorisation extends RsitClassification {
  readonly tactic?: string;
}

/** Named features of an incident. */
export function incidentFeatures(i: ClassificationInput): string[] {
  const f: string[] = [
    'bias',
    `sev=${i.maxSeverity}`,
    `alerts=${i.alertCount < 3 ? '1-2' : i.alertCount < 10 ? '3-9' : i.alertCount < 50 ? '10-49' : '50+'}`,
  ];
  for (const t of i.tactics) f.push(`tactic=${t}`);
  for (const t of i.techniques) {
    f.push(`tech=${t}`);
    if (t.includes('.')) f.push(`tech=${t.split('.')[0] ?? ''}`);
  }
  for (const r of i.rules) {
    f.push(`rule-kind=${r.kind}`);
    for (const w of r.title.toLowerCase().match(/[a-z0-9]{3,}/g) ?? []) f.push(`title:${w}`);
  }
  for (const s of i.sources) f.push(`source=${s}`);
  if (i.privileged) f.push('privileged');
  if (i.users.length > 0) f.push('has-user');
  return f;
}

interface Head {
  readonly labels: readonly string[];
  readonly weights: SparseWeights;
}

function trainHead(samples: readonly { f: string[]; y: string }[], l2: number): Head {
  const labels = [...new Set(samples.map((s) => s.y))].sort();
  const li = new Map(labels.map((l, i) => [l, i]));
  const xs = samples.map((s) => hashFeatures(s.f));
  const K = Math.max(2, labels.length);
  const w = trainLinear(
    xs.map((x, n) => ({ x, y: [li.get((samples[n] as { y: string }).y) ?? 0] })),
    HASH_DIMS,
    K,
    { loss: 'softmax', l2, maxIterations: 200 },
  );
  const dims = [...new Set(xs.flatMap((x) => [...x.idx]))].sort((a, b) => a - b);
  const flat: number[] = [];
  for (const d of dims) for (let k = 0; k < K; k++) flat.push(w.w[d * K + k] as number);
  return { labels: K > labels.length ? [...labels, ''] : labels, weights: { classes: K, dims, w: flat, b: [...w.b] } };
}

function dense(h: Head): LinearWeights {
  const K = h.weights.classes;
  const w = new Float32Array(HASH_DIMS * K);
  h.weights.dims.forEach((d, i) => {
    for (let k = 0; k < K; k++) w[d * K + k] = h.weights.w[i * K + k] as number;
  });
  return { loss: 'softmax', features: HASH_DIMS, classes: K, w, b: Float32Array.from(h.weights.b) };
}

function predict(h: Head, w: LinearWeights, f: string[]): { label: string; p: number } {
  const z = logits(w, hashFeatures(f));
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  let best = 0;
  for (let k = 0; k < z.length; k++) {
    sum += Math.exp((z[k] as number) - max);
    if ((z[k] as number) > (z[best] as number)) best = k;
  }
  return { label: h.labels[best] ?? '', p: Math.exp((z[best] as number) - max) / sum };
}

/** Figures of the learned categoriser and the table on held-out incidents. */
export interface CategoriserFigures {
  readonly incidents: number;
  readonly learnedAccuracy: number;
  readonly tableAccuracy: number;
  /** Accuracy of the gated classifier (learned where trusted, else the table). */
  readonly gatedAccuracy: number;
  readonly tacticAccuracy: number;
  /** Per label the learned model predicted: how often it and the table were right there. */
  readonly byLabel: Readonly<Record<string, { readonly n: number; readonly learned: number; readonly table: number }>>;
}

/** The learned categoriser, gated by the table. */
export class LearnedCategoriser implements IncidentClassifier {
  readonly id: string;
  private readonly table = new RulesClassifier();
  private readonly typeW: LinearWeights;
  private readonly tacticW: LinearWeights;

  constructor(
    readonly version: string,
    private readonly typeHead: Head,
    private readonly tacticHead: Head,
    readonly trusted: ReadonlySet<string>,
    readonly metrics: Readonly<Record<string, unknown>> = {},
    readonly minConfidence = 0.9,
  ) {
    this.id = `learned/${version}`;
    this.typeW = dense(typeHead);
    this.tacticW = dense(tacticHead);
  }

  /** Trains both heads on labelled incidents (nothing trusted yet: see `gate`). */
  static train(items: readonly LabelledIncident[], version: string, l2 = 1e-3): LearnedCategoriser {
    if (items.length < 2) throw new AppError('VALIDATION', 'training needs labelled incidents');
    const f = items.map((i) => incidentFeatures(i.input));
    return new LearnedCategoriser(
      version,
      trainHead(
        items.map((i, n) => ({ f: f[n] as string[], y: i.category })),
        l2,
      ),
      trainHead(
        items.map((i, n) => ({ f: f[n] as string[], y: i.tactic })),
        l2,
      ),
      new Set(),
    );
  }

  /** The learned answer alone (no table). */
  learned(i: ClassificationInput): { category: string; tactic: string; confidence: number } {
    const f = incidentFeatures(i);
    const c = predict(this.typeHead, this.typeW, f);
    const t = predict(this.tacticHead, this.tacticW, f);
    return { category: c.label, tactic: t.label, confidence: Math.round(c.p * 100) / 100 };
  }

  /** Compares learned and table on held-out incidents; trusts the labels where learned was right more often. */
  gate(held: readonly LabelledIncident[], minimum = 3): { model: LearnedCategoriser; figures: CategoriserFigures } {
    const byLabel: Record<string, { n: number; learned: number; table: number }> = {};
    let learnedOk = 0;
    let tableOk = 0;
    let tacticOk = 0;
    const rows = held.map((h) => {
      const l = this.learned(h.input);
      const t = this.table.classify(h.input);
      const tableCat = `${t.class}/${t.type}`;
      const s = (byLabel[l.category] ??= { n: 0, learned: 0, table: 0 });
      s.n++;
      if (l.category === h.category) {
        s.learned++;
        learnedOk++;
      }
      if (tableCat === h.category) {
        s.table++;
        tableOk++;
      }
      if (l.tactic === h.tactic) tacticOk++;
      return { l, tableCat, truth: h.category };
    });
    const trusted = new Set(
      Object.entries(byLabel)
        .filter(([, s]) => s.n >= minimum && s.learned > s.table)
        .map(([k]) => k),
    );
    const gatedOk = rows.filter(
      (r) =>
        (trusted.has(r.l.category) && r.l.confidence >= this.minConfidence ? r.l.category : r.tableCat) === r.truth,
    ).length;
    const n = Math.max(1, held.length);
    const r = (x: number): number => Math.round(x * 10_000) / 10_000;
    const figures: CategoriserFigures = {
      incidents: held.length,
      learnedAccuracy: r(learnedOk / n),
      tableAccuracy: r(tableOk / n),
      gatedAccuracy: r(gatedOk / n),
      tacticAccuracy: r(tacticOk / n),
      byLabel,
    };
    return {
      model: new LearnedCategoriser(this.version, this.typeHead, this.tacticHead, trusted, {
        ...this.metrics,
        heldOut: figures,
      }),
      figures,
    };
  }

  classify(input: ClassificationInput): Categorisation {
    const l = this.learned(input);
    if (!this.trusted.has(l.category) || l.confidence < this.minConfidence) return this.table.classify(input);
    const [cls = 'other', type = 'other'] = l.category.split('/');
    const t = rsitType(cls, type);
    return {
      class: cls,
      type,
      classLabel: t?.classLabel ?? cls,
      typeLabel: t?.typeLabel ?? type,
      reason: `learned from labelled incidents (tactic reached: ${l.tactic || 'none'})`,
      classifier: this.id,
      confidence: l.confidence,
      ...(l.tactic && l.tactic !== 'none' ? { tactic: l.tactic } : {}),
    };
  }

  /** The gzipped file. */
  serialise(): Buffer {
    return gzipSync(
      JSON.stringify({
        format: CATEGORISER_FORMAT,
        version: this.version,
        type: this.typeHead,
        tactic: this.tacticHead,
        trusted: [...this.trusted],
        minConfidence: this.minConfidence,
        metrics: this.metrics,
      }),
    );
  }

  /** Reads a model file. */
  static load(file: Uint8Array): LearnedCategoriser {
    const s = JSON.parse(gunzipSync(file).toString('utf8')) as {
      format: string;
      version: string;
      type: Head;
      tactic: Head;
      trusted: string[];
      minConfidence?: number;
      metrics: Record<string, unknown>;
    };
    if (s.format !== CATEGORISER_FORMAT) throw new AppError('UNSUPPORTED', `not a categoriser (${String(s.format)})`);
    return new LearnedCategoriser(s.version, s.type, s.tactic, new Set(s.trusted), s.metrics, s.minConfidence ?? 0.9);
  }
}
