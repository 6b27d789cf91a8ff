/**
 * @module
 * A model as the node stores and runs it: the schema it reads, a *detector* that scores how
 * likely a row is an attack (or how anomalous it is), the threshold that turns the score into an
 * alert, and optionally a *classifier* that names the attack class. Every prediction can be
 * explained: the features that moved the detector's score most, with their values.
 */
import { iforestAttributions, iforestFromJson, iforestScore, type IsolationForestJson } from '../iforest/iforest.js';
import {
  logregAttributions,
  logregFromJson,
  logregProba,
  type LogisticModel,
  type LogisticModelJson,
} from '../logreg/logreg.js';
import type { IsolationForest } from '../iforest/iforest.js';
import type { FeatureSpec, Schema } from '../data/dataset.js';
import { compileMargins, type CompiledMargins } from '../trees/compile.js';
import { treeShap } from '../trees/treeshap.js';
import { featureValue } from '../data/dataset.js';
import {
  applyLink,
  margins,
  treeFromJson,
  treeToJson,
  type FlatTreeJson,
  type Link,
  type TreeEnsemble,
} from '../trees/ensemble.js';

/** Algorithms a model can come from. */
export type Algorithm = 'gbdt' | 'iforest' | 'logreg' | 'xgboost' | 'lightgbm';

/** A tree ensemble as JSON. */
export interface EnsembleJson {
  readonly groups: number;
  readonly base: number[];
  readonly link: Link;
  readonly sigmoidScale?: number;
  readonly treeGroup: number[];
  readonly trees: FlatTreeJson[];
}

/** A scorer as JSON. */
export type ScorerJson =
  | { readonly type: 'trees'; readonly ensemble: EnsembleJson }
  | { readonly type: 'iforest'; readonly forest: IsolationForestJson }
  | { readonly type: 'logreg'; readonly model: LogisticModelJson };

/** The stored form of a model. */
export interface ModelDoc {
  readonly kind: 'intersoc-model';
  readonly formatVersion: 1;
  readonly algorithm: Algorithm;
  readonly schema: Schema;
  /** Scores P(attack) (supervised) or an anomaly score (isolation forest). */
  readonly detector: ScorerJson;
  /** Names the attack class among the attack classes (`schema.classes` without the benign one). */
  readonly classifier?: ScorerJson;
  /** A row is an attack when its score is at least this. */
  readonly threshold: number;
  /** The benign false-positive rate the threshold was set for, on held-out rows. */
  readonly targetFpr?: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly training: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, unknown>>;
}

/** One feature's part in a score. */
export interface Contribution {
  readonly feature: string;
  readonly value: number | string | null;
  /** In the detector's units: log-odds for trees and linear models, isolation credit for forests. */
  readonly contribution: number;
}

/** What a model says about one row. */
export interface Prediction {
  readonly label: string;
  readonly attack: boolean;
  readonly score: number;
}

/** Converts an ensemble to JSON. */
export function ensembleToJson(e: TreeEnsemble): EnsembleJson {
  return {
    groups: e.groups,
    base: [...e.base],
    link: e.link,
    ...(e.sigmoidScale === undefined ? {} : { sigmoidScale: e.sigmoidScale }),
    treeGroup: [...e.treeGroup],
    trees: e.trees.map(treeToJson),
  };
}

/** Restores an ensemble. */
export function ensembleFromJson(j: EnsembleJson): TreeEnsemble {
  return {
    groups: j.groups,
    base: Float64Array.from(j.base),
    link: j.link,
    ...(j.sigmoidScale === undefined ? {} : { sigmoidScale: j.sigmoidScale }),
    treeGroup: Int32Array.from(j.treeGroup),
    trees: j.trees.map(treeFromJson),
  };
}

type Scorer =
  | { type: 'trees'; e: TreeEnsemble; m: CompiledMargins | undefined }
  | { type: 'iforest'; f: IsolationForest }
  | { type: 'logreg'; m: LogisticModel };

function scorerOf(j: ScorerJson): Scorer {
  if (j.type === 'trees') {
    const e = ensembleFromJson(j.ensemble);
    return { type: 'trees', e, m: compileMargins(e) };
  }
  if (j.type === 'iforest') return { type: 'iforest', f: iforestFromJson(j.forest) };
  return { type: 'logreg', m: logregFromJson(j.model) };
}

/** Raw margins through the compiled function when there is one. */
function treeMargins(
  s: { e: TreeEnsemble; m: CompiledMargins | undefined },
  x: ArrayLike<number>,
  out: Float64Array,
  offset: number,
): Float64Array {
  return s.m ? s.m(x, offset, out) : margins(s.e, x, out, offset);
}

/** Number of output values a scorer writes. */
function width(s: Scorer): number {
  return s.type === 'trees' ? Math.max(2, s.e.groups) : s.type === 'logreg' ? s.m.classes : 1;
}

/**
 * A loaded model, ready to score rows (feature vectors in schema order).
 * @example
 * const m = new Model(doc); const p = m.predict(row); const why = m.explain(row);
 */
export class Model {
  readonly doc: ModelDoc;
  readonly schema: Schema;
  readonly features: readonly FeatureSpec[];
  /** The attack classes, in the classifier's output order. */
  readonly attackClasses: readonly string[];
  private readonly detector: Scorer;
  private readonly classifier: Scorer | undefined;
  private readonly out: Float64Array;
  private readonly cout: Float64Array;
  private readonly contrib: Float64Array;

  constructor(doc: ModelDoc) {
    this.doc = doc;
    this.schema = doc.schema;
    this.features = doc.schema.features;
    this.attackClasses = doc.schema.classes.filter((c) => c !== doc.schema.benign);
    this.detector = scorerOf(doc.detector);
    this.classifier = doc.classifier ? scorerOf(doc.classifier) : undefined;
    this.out = new Float64Array(width(this.detector));
    this.cout = new Float64Array(this.classifier ? width(this.classifier) : 1);
    this.contrib = new Float64Array(this.features.length);
  }

  /** The detector's score of the row at `offset`. */
  score(x: ArrayLike<number>, offset = 0): number {
    const d = this.detector;
    if (d.type === 'iforest') return iforestScore(d.f, x, offset);
    if (d.type === 'logreg') {
      const pr = logregProba(d.m, x, offset, this.out);
      return 1 - (pr[0] as number);
    }
    const m = applyLink(d.e, treeMargins(d, x, this.out, offset));
    if (d.e.link === 'softmax') return 1 - (m[0] as number);
    return m[0] as number;
  }

  /** Score, decision and class of the row at `offset`. */
  predict(x: ArrayLike<number>, offset = 0): Prediction {
    const score = this.score(x, offset);
    const attack = score >= this.doc.threshold;
    if (!attack) return { label: this.schema.benign, attack, score };
    return { label: this.attackClass(x, offset), attack, score };
  }

  /** The most likely attack class (or the only one; `anomaly` for an unsupervised model). */
  attackClass(x: ArrayLike<number>, offset = 0): string {
    const c = this.classifier;
    if (!c) return this.attackClasses.length === 1 ? (this.attackClasses[0] as string) : 'anomaly';
    let pr: Float64Array;
    if (c.type === 'trees') pr = applyLink(c.e, treeMargins(c, x, this.cout, offset));
    else if (c.type === 'logreg') pr = logregProba(c.m, x, offset, this.cout);
    else return 'anomaly';
    if (c.type === 'trees' && c.e.link === 'sigmoid') {
      return (this.attackClasses[(pr[0] as number) >= 0.5 ? 1 : 0] ?? 'anomaly') as string;
    }
    let best = 0;
    for (let k = 1; k < this.attackClasses.length; k++) if ((pr[k] as number) > (pr[best] as number)) best = k;
    return this.attackClasses[best] ?? 'anomaly';
  }

  /**
   * The `top` features that moved the detector's score most (by size of their part, largest
   * first), with the row's values (category names for coded features). Trees are explained by
   * TreeSHAP (exact Shapley values of the margin), linear models by weight × value, forests by
   * their isolation credits.
   */
  explain(x: ArrayLike<number>, offset = 0, top = 5): Contribution[] {
    const d = this.detector;
    const c = this.contrib;
    if (d.type === 'trees') {
      treeShap(d.e, x, 0, c, offset);
      // A softmax detector scores 1 − P(benign), and group 0 is the benign class: what lowers
      // its margin raises the score, so its credits change sign.
      if (d.e.link === 'softmax') for (let i = 0; i < c.length; i++) c[i] = -(c[i] as number);
    } else if (d.type === 'iforest') c.set(iforestAttributions(d.f, x, offset));
    else logregAttributions(d.m, x, offset, 0, c);
    const order = Array.from({ length: c.length }, (_, i) => i)
      .filter((i) => (c[i] as number) !== 0)
      .sort((a, b) => Math.abs(c[b] as number) - Math.abs(c[a] as number) || a - b)
      .slice(0, top);
    return order.map((i) => ({
      feature: (this.features[i] as FeatureSpec).name,
      value: displayValue(this.features[i] as FeatureSpec, x[offset + i] as number),
      contribution: Math.round((c[i] as number) * 1e6) / 1e6,
    }));
  }

  /** Vectorises a record (field name → value) into `out` at `offset`, in schema order. */
  vectorise(
    get: (name: string) => string | number | boolean | null | undefined,
    out: Float64Array,
    offset = 0,
  ): Float64Array {
    for (let f = 0; f < this.features.length; f++) {
      const spec = this.features[f] as FeatureSpec;
      const v = get(spec.name);
      out[offset + f] = featureValue(spec, typeof v === 'boolean' ? (v ? 1 : 0) : v);
    }
    return out;
  }
}

/** A feature value for people: the category name for codes, null for missing. */
function displayValue(f: FeatureSpec, v: number): number | string | null {
  if (Number.isNaN(v)) return null;
  if (f.kind === 'category') {
    for (const [k, code] of Object.entries(f.codes)) if (code === v) return k;
    return null;
  }
  return Number.isFinite(v) ? v : String(v);
}
