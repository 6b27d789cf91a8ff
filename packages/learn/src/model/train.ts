/**
 * @module
 * Trains a model from a dataset: a stratified, seeded split into training and validation rows;
 * the detector (benign against every attack class) with early stopping on the validation rows;
 * a classifier over the attack classes when there are several; a threshold set so that a target
 * share of held-out benign rows (1% by default) would alert, and never above 0.5 for
 * probabilities; and the validation metrics. Deterministic for a seed.
 */
import { profileRows } from '../drift/psi.js';
import type { Dataset } from '../data/dataset.js';
import { subset } from '../data/dataset.js';
import { GBDT_DEFAULTS, trainGbdt, type GbdtParams, type LabelledMatrix } from '../gbdt/train.js';
import { IFOREST_DEFAULTS, iforestToJson, trainIforest, type IforestParams } from '../iforest/iforest.js';
import { rng, shuffle } from '../internal/rng.js';
import { LOGREG_DEFAULTS, logregToJson, trainLogreg, type LogregParams } from '../logreg/logreg.js';
import { evaluate, rocAuc, type Evaluation } from '../metrics/metrics.js';
import { concatRows } from './retrain.js';
import { ensembleToJson, Model, type EnsembleJson, type ModelDoc, type ScorerJson } from './model.js';

/** Algorithms `trainModel` runs. */
export type TrainAlgorithm = 'gbdt' | 'iforest' | 'logreg';

/** Training options. */
export interface TrainOptions {
  readonly algorithm: TrainAlgorithm;
  readonly seed?: number;
  /** Share of rows held out for early stopping, the threshold and the metrics (default 0.1). */
  readonly validFraction?: number;
  /**
   * Share of held-out benign rows allowed to alert (default `DEFAULT_TARGET_FPR`); the threshold
   * is set to it, and never above 0.5 for probabilities. A SOC sets its detectors to a false-alarm
   * budget; attacks unlike any in training (most of NSL-KDD's test set) score between the benign
   * rows and the known attacks, so a threshold from the benign side finds more of them than 0.5.
   */
  readonly targetFpr?: number;
  /** Train the classifier that names the attack class (default true; false: binary models only). */
  readonly classifier?: boolean;
  readonly gbdt?: Partial<GbdtParams>;
  readonly iforest?: Partial<IforestParams>;
  readonly logreg?: Partial<LogregParams>;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /**
   * Rows added to the training part only, after the split (analysts' verdicts on alerts): the
   * held-out rows stay those of the data alone, so a retrained version is measured on the same
   * rows as its parent.
   */
  readonly extraTrain?: Dataset;
}

/** Where the training data came from. */
export interface TrainingSource {
  readonly dataHash: string;
  readonly format?: string;
  readonly files?: readonly string[];
  /** Absolute paths of the files, so a retrain can read the same data again. */
  readonly paths?: readonly string[];
  /** Where this version came from when it is a retrain (kept as `training.lineage`). */
  readonly lineage?: Readonly<Record<string, unknown>>;
}

/** A trained model and its figures on the held-out rows. */
export interface TrainedModel {
  readonly doc: ModelDoc;
  readonly validation: Evaluation & { readonly auc?: number };
}

/** Default benign false-positive rate the threshold aims for (1% of held-out benign rows). */
export const DEFAULT_TARGET_FPR = 0.01;

/** A stratified split: per class, a seeded shuffle, `fraction` (at least one row, if two) held out. */
export function stratifiedSplit(y: Int32Array, fraction: number, seed: number): { train: number[]; valid: number[] } {
  const r = rng(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const k = y[i] as number;
    let a = byClass.get(k);
    if (!a) byClass.set(k, (a = []));
    a.push(i);
  }
  const train: number[] = [];
  const valid: number[] = [];
  for (const k of [...byClass.keys()].sort((a, b) => a - b)) {
    const a = byClass.get(k) as number[];
    const idx = shuffle(Int32Array.from(a), r);
    const nv = a.length < 2 ? 0 : Math.max(1, Math.round(a.length * fraction));
    for (let j = 0; j < idx.length; j++) (j < nv ? valid : train).push(idx[j] as number);
  }
  return { train: train.sort((a, b) => a - b), valid: valid.sort((a, b) => a - b) };
}

/** Balanced class weights: every class weighs as much in total, so rare attacks are learnt. */
function classWeights(y: Int32Array, classes: number): Float64Array {
  const counts = new Float64Array(classes);
  for (const k of y) counts[k] = (counts[k] as number) + 1;
  return Float64Array.from(y, (k) => y.length / (classes * Math.max(1, counts[k] as number)));
}

function matrix(d: Dataset, y: Int32Array, weights?: Float64Array): LabelledMatrix {
  return { x: d.x, rows: d.rows, cols: d.cols, y, ...(weights ? { weights } : {}) };
}

/** Rows of classes `keep`, relabelled 0.. in that order. */
function only(d: Dataset, keep: readonly number[]): { d: Dataset; y: Int32Array } {
  const map = new Map(keep.map((k, i) => [k, i]));
  const idx: number[] = [];
  for (let i = 0; i < d.rows; i++) if (map.has(d.y[i] as number)) idx.push(i);
  const s = subset(d, idx);
  return { d: s, y: Int32Array.from(s.y, (k) => map.get(k) as number) };
}

/** The split and the class bookkeeping every algorithm starts from. */
function setup(data: Dataset, o: TrainOptions) {
  const seed = o.seed ?? 1;
  const schema = data.schema;
  const benign = schema.classes.indexOf(schema.benign);
  const labelled = subset(
    data,
    Array.from({ length: data.rows }, (_, i) => i).filter((i) => (data.y[i] as number) >= 0),
  );
  const split = stratifiedSplit(labelled.y, o.validFraction ?? 0.1, seed);
  const base = subset(labelled, split.train);
  const train = o.extraTrain ? concatRows(base, o.extraTrain) : base;
  const valid = subset(labelled, split.valid);
  const isAttack = (y: Int32Array): Int32Array => Int32Array.from(y, (k) => (k === benign ? 0 : 1));
  const attackClasses = schema.classes.map((_, i) => i).filter((i) => i !== benign);
  const classify = o.classifier !== false && attackClasses.length > 1;
  return { seed, schema, benign, labelled, train, valid, isAttack, attackClasses, classify };
}

/** Trains one boosted ensemble somewhere (a worker thread), resolving with it as JSON. */
export type GbdtRunner = (
  train: LabelledMatrix,
  classes: number,
  params: GbdtParams,
  valid: LabelledMatrix,
) => Promise<{ ensemble: EnsembleJson; rounds: number }>;

/** The classifier's settings: rare classes need small leaves to be named at all. */
function classifierParams(p: GbdtParams): GbdtParams {
  return { ...p, minLeaf: Math.min(p.minLeaf, 2), featureFraction: Math.min(p.featureFraction, 0.8) };
}

/**
 * Like `trainModel`, but the boosted detector and classifier train at the same time, each on its
 * own thread through `run`; the other algorithms train here. Same seed, same model.
 * @example
 * const m = await trainModelInWorkers(data, { algorithm: 'gbdt' }, { dataHash }, trainGbdtInWorker);
 */
export async function trainModelInWorkers(
  data: Dataset,
  o: TrainOptions,
  source: TrainingSource,
  run: GbdtRunner,
): Promise<TrainedModel> {
  if (o.algorithm !== 'gbdt') return trainModel(data, o, source);
  const started = Date.now();
  const { seed, schema, benign, labelled, train, valid, isAttack, attackClasses, classify } = setup(data, o);
  const p = { ...GBDT_DEFAULTS, seed, ...o.gbdt };
  const tr = classify ? only(train, attackClasses) : undefined;
  const va = classify ? only(valid, attackClasses) : undefined;
  const [d, c] = await Promise.all([
    run(matrix(train, isAttack(train.y)), 2, p, matrix(valid, isAttack(valid.y))),
    tr && va
      ? run(
          matrix(tr.d, tr.y, classWeights(tr.y, attackClasses.length)),
          attackClasses.length,
          classifierParams(p),
          matrix(va.d, va.y),
        )
      : Promise.resolve(undefined),
  ]);
  return finish({
    o,
    source,
    started,
    seed,
    schema,
    benign,
    labelled,
    train,
    valid,
    detector: { type: 'trees', ensemble: d.ensemble },
    classifier: c ? { type: 'trees', ensemble: c.ensemble } : undefined,
    params: { ...p },
    rounds: { detector: d.rounds, ...(c ? { classifier: c.rounds } : {}) },
  });
}

/**
 * Trains a model. Rows whose label is not a schema class are ignored.
 * @example
 * const t = readTable(files); const s = fitSchema(t); const m = trainModel(toDataset(t, s), { algorithm: 'gbdt' }, { dataHash: t.hash });
 */
export function trainModel(data: Dataset, o: TrainOptions, source: TrainingSource): TrainedModel {
  const started = Date.now();
  const { seed, schema, benign, labelled, train, valid, isAttack, attackClasses, classify } = setup(data, o);
  const log = o.log ?? (() => undefined);
  let detector: ScorerJson;
  let classifier: ScorerJson | undefined;
  let params: Record<string, unknown>;
  let rounds: Record<string, number> = {};
  if (o.algorithm === 'gbdt') {
    const p = { ...GBDT_DEFAULTS, seed, ...o.gbdt };
    const r = trainGbdt(matrix(train, isAttack(train.y)), 2, p, matrix(valid, isAttack(valid.y)), (i, l) => {
      if ((i + 1) % 25 === 0)
        log(`detector round ${i + 1}${l === undefined ? '' : `, validation loss ${l.toFixed(5)}`}`);
    });
    detector = { type: 'trees', ensemble: ensembleToJson(r.ensemble) };
    rounds = { detector: r.rounds };
    params = { ...p };
    if (classify) {
      const tr = only(train, attackClasses);
      const va = only(valid, attackClasses);
      const cp = classifierParams(p);
      const c = trainGbdt(
        matrix(tr.d, tr.y, classWeights(tr.y, attackClasses.length)),
        attackClasses.length,
        cp,
        matrix(va.d, va.y),
        (i, l) => {
          if ((i + 1) % 25 === 0)
            log(`classifier round ${i + 1}${l === undefined ? '' : `, validation loss ${l.toFixed(5)}`}`);
        },
      );
      classifier = { type: 'trees', ensemble: ensembleToJson(c.ensemble) };
      rounds = { ...rounds, classifier: c.rounds };
    }
  } else if (o.algorithm === 'logreg') {
    const p = { ...LOGREG_DEFAULTS, ...o.logreg };
    const m = trainLogreg(train.x, train.rows, train.cols, isAttack(train.y), 2, p);
    detector = { type: 'logreg', model: logregToJson(m) };
    params = { ...p };
    if (classify) {
      const tr = only(train, attackClasses);
      const c = trainLogreg(
        tr.d.x,
        tr.d.rows,
        tr.d.cols,
        tr.y,
        attackClasses.length,
        p,
        classWeights(tr.y, attackClasses.length),
      );
      classifier = { type: 'logreg', model: logregToJson(c) };
    }
  } else {
    const p = { ...IFOREST_DEFAULTS, seed, ...o.iforest };
    const normal = only(train, [benign]).d;
    const f = trainIforest(normal.x, normal.rows, normal.cols, p);
    detector = { type: 'iforest', forest: iforestToJson(f) };
    params = { ...p };
  }
  return finish({
    o,
    source,
    started,
    seed,
    schema,
    benign,
    labelled,
    train,
    valid,
    detector,
    classifier,
    params,
    rounds,
  });
}

/** What `finish` needs from a training run. */
interface Fitted {
  readonly o: TrainOptions;
  readonly source: TrainingSource;
  readonly started: number;
  readonly seed: number;
  readonly schema: Dataset['schema'];
  readonly benign: number;
  readonly labelled: Dataset;
  readonly train: Dataset;
  readonly valid: Dataset;
  readonly detector: ScorerJson;
  readonly classifier: ScorerJson | undefined;
  readonly params: Record<string, unknown>;
  readonly rounds: Record<string, number>;
}

/** Threshold, validation figures and the training record of fitted scorers. */
function finish(f: Fitted): TrainedModel {
  const { o, source, started, seed, schema, benign, labelled, train, valid, detector, classifier, params, rounds } = f;
  const targetFpr = o.targetFpr ?? DEFAULT_TARGET_FPR;
  const draft: ModelDoc = {
    kind: 'intersoc-model',
    formatVersion: 1,
    algorithm: o.algorithm,
    schema,
    detector,
    ...(classifier ? { classifier } : {}),
    threshold: 0.5,
    ...(targetFpr === undefined ? {} : { targetFpr }),
    params,
    training: {},
    metrics: {},
  };
  const m0 = new Model(draft);
  const vScores = new Float64Array(valid.rows);
  for (let i = 0; i < valid.rows; i++) vScores[i] = m0.score(valid.x, i * valid.cols);
  const benignScores = Float64Array.from(Array.from(vScores).filter((_, i) => valid.y[i] === benign)).sort();
  let threshold = targetFpr === undefined ? 0.5 : thresholdFor(benignScores, targetFpr);
  if (o.algorithm !== 'iforest') threshold = Math.min(0.5, threshold);
  const doc: ModelDoc = { ...draft, threshold };
  const model = new Model(doc);
  const predicted: string[] = [];
  for (let i = 0; i < valid.rows; i++) predicted.push(model.predict(valid.x, i * valid.cols).label);
  const ev = evaluate(valid.labels, predicted, schema.classes, schema.benign);
  const auc = rocAuc(
    vScores,
    Array.from(valid.y, (k) => k !== benign),
  );
  const validation = { ...ev, auc };
  const finished: ModelDoc = {
    ...doc,
    training: {
      rows: train.rows,
      validationRows: valid.rows,
      dataHash: source.dataHash,
      ...(source.format ? { format: source.format } : {}),
      ...(source.files ? { files: [...source.files] } : {}),
      ...(source.paths ? { paths: [...source.paths] } : {}),
      ...(source.lineage ? { lineage: source.lineage } : {}),
      // The training rows' distribution per feature, for the drift monitor (PSI).
      profile: profileRows(
        train.x,
        train.cols,
        schema.features.map((f) => f.name),
        Array.from({ length: train.rows }, (_, i) => i),
      ),
      classCounts: Object.fromEntries(
        schema.classes.map((c, k) => [c, labelled.y.reduce((a, v) => a + (v === k ? 1 : 0), 0)]),
      ),
      seed,
      rounds,
      trainedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
    },
    metrics: { validation: summary(validation) },
  };
  return { doc: finished, validation };
}

/** The lowest threshold that flags at most `fpr` of the sorted benign scores. */
export function thresholdFor(sortedBenign: Float64Array, fpr: number): number {
  const n = sortedBenign.length;
  if (n === 0) return 0.5;
  const allowed = Math.floor(n * fpr);
  if (allowed >= n) return sortedBenign[0] as number;
  const below = sortedBenign[n - allowed - 1] as number;
  const above = allowed > 0 ? (sortedBenign[n - allowed] as number) : Infinity;
  // Between the highest benign score that must stay quiet and the next; when they tie, just
  // above the tie, so that fewer rows than allowed alert rather than every tied one.
  if (above > below && above !== Infinity) return (below + above) / 2;
  return below + Math.max(1e-12, Math.abs(below) * 1e-9);
}

/** The figures kept with a model (the confusion matrix too: it is small). */
export function summary(v: Evaluation & { auc?: number }): Record<string, unknown> {
  return {
    rows: v.rows,
    accuracy: round(v.accuracy),
    macroF1: round(v.macroF1),
    ...(v.auc === undefined ? {} : { auc: round(v.auc) }),
    ...(v.binary
      ? {
          binary: Object.fromEntries(Object.entries(v.binary).map(([k, x]) => [k, round(x)])),
        }
      : {}),
    perClass: v.perClass.map((c) => ({
      class: c.class,
      support: c.support,
      precision: round(c.precision),
      recall: round(c.recall),
      f1: round(c.f1),
    })),
    labels: v.labels,
    confusion: v.confusion,
  };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
