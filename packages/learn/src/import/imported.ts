/**
 * @module
 * Models trained elsewhere (XGBoost, LightGBM) as the node's own model documents. The trees run
 * on our evaluator unchanged; only the classes are arranged the way `Model` reads them: the
 * benign class first in the detector (its score is 1 − P(benign)), and a classifier over the
 * attack classes only, made of the same trees without the benign class's.
 */
import { createHash } from 'node:crypto';
import { AppError } from '@intersoc/core';
import type { Schema } from '../data/dataset.js';
import { ensembleToJson, type ModelDoc } from '../model/model.js';
import type { FlatTree, TreeEnsemble } from '../trees/ensemble.js';

/** A tree model read from another library's file. */
export interface ImportedTrees {
  readonly format: 'xgboost' | 'lightgbm';
  readonly objective: string;
  /** Feature names in column order (the model's own names, or `f0`… / `Column_0`…). */
  readonly features: readonly string[];
  readonly ensemble: TreeEnsemble;
}

/** What the importer needs to know that the model file does not say. */
export interface ImportOptions {
  /** Class names in the model's class order (default: `benign,attack` or `class0`…). */
  readonly classes?: readonly string[];
  /** The benign class (default: the first class). */
  readonly benign?: string;
  /** Alert when the score is at least this (default 0.5). */
  readonly threshold?: number;
  /** The label column name recorded in the schema (default `label`). */
  readonly label?: string;
  /** The file the model came from (recorded in the model's training section). */
  readonly source?: string;
}

/**
 * Refuses a tree whose children do not form a tree: every child index in range, internal
 * children numbered after their parent (both libraries number nodes as they grow them, so a
 * cycle is impossible in a real file), and every node and leaf reached exactly once. Without
 * this a damaged file could send the evaluator round a loop forever.
 */
export function checkTreeShape(
  t: Pick<FlatTree, 'left' | 'right'> & { leafValue: ArrayLike<number> },
  label: string,
): void {
  const ni = t.left.length;
  const nl = t.leafValue.length;
  if (ni === 0) {
    if (nl !== 1) throw new AppError('VALIDATION', `${label}: a tree without splits must have one leaf`);
    return;
  }
  if (nl !== ni + 1) throw new AppError('VALIDATION', `${label}: ${ni} splits need ${ni + 1} leaves, not ${nl}`);
  const seenNode = new Uint8Array(ni);
  const seenLeaf = new Uint8Array(nl);
  for (let k = 0; k < ni; k++) {
    for (const c of [t.left[k] as number, t.right[k] as number]) {
      if (c >= 0) {
        if (c <= k || c >= ni || seenNode[c])
          throw new AppError('VALIDATION', `${label}: node ${k} has a bad child ${c}`);
        seenNode[c] = 1;
      } else {
        const l = ~c;
        if (l >= nl || seenLeaf[l]) throw new AppError('VALIDATION', `${label}: node ${k} has a bad leaf ${l}`);
        seenLeaf[l] = 1;
      }
    }
  }
}

/** Keeps the trees of some groups and renumbers them (`order[newGroup] = oldGroup`). */
function regroup(e: TreeEnsemble, order: readonly number[]): TreeEnsemble {
  const to = new Map(order.map((old, i) => [old, i]));
  const trees = [];
  const groups = [];
  for (let i = 0; i < e.trees.length; i++) {
    const g = to.get(e.treeGroup[i] as number);
    if (g === undefined) continue;
    trees.push(e.trees[i] as TreeEnsemble['trees'][number]);
    groups.push(g);
  }
  return {
    groups: order.length,
    base: Float64Array.from(order, (old) => e.base[old] as number),
    link: e.link,
    ...(e.sigmoidScale === undefined ? {} : { sigmoidScale: e.sigmoidScale }),
    trees,
    treeGroup: Int32Array.from(groups),
  };
}

/**
 * A stored-model document for imported trees, with the file's hash as lineage.
 * @example
 * const doc = importedModelDoc(readXgboostJson(text), { classes: ['normal', 'attack'] }, text);
 */
export function importedModelDoc(m: ImportedTrees, o: ImportOptions, fileText: string): ModelDoc {
  const k = m.ensemble.link === 'softmax' ? m.ensemble.groups : 2;
  const classes = o.classes ?? (k === 2 ? ['benign', 'attack'] : Array.from({ length: k }, (_, i) => `class${i}`));
  if (classes.length !== k)
    throw new AppError('VALIDATION', `the model has ${k} classes, --classes names ${classes.length}`);
  if (new Set(classes).size !== classes.length) throw new AppError('VALIDATION', 'class names must differ');
  const benign = o.benign ?? (classes[0] as string);
  const b = classes.indexOf(benign);
  if (b < 0) throw new AppError('VALIDATION', `the benign class ${benign} is not one of ${classes.join(', ')}`);
  const threshold = o.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) throw new AppError('VALIDATION', 'the threshold must be in [0, 1]');
  let detector = m.ensemble;
  let ordered = classes;
  let classifier: TreeEnsemble | undefined;
  if (m.ensemble.link === 'softmax') {
    const order = [b, ...classes.map((_, i) => i).filter((i) => i !== b)];
    detector = regroup(m.ensemble, order);
    ordered = order.map((i) => classes[i] as string);
    classifier = regroup(m.ensemble, order.slice(1));
  } else if (b === 1) {
    throw new AppError(
      'VALIDATION',
      'for a binary model the benign class must be the first (the model scores the second class)',
    );
  }
  const schema: Schema = {
    features: m.features.map((name) => ({ name, kind: 'number' as const })),
    label: o.label ?? 'label',
    classes: ordered,
    benign,
  };
  return {
    kind: 'intersoc-model',
    formatVersion: 1,
    algorithm: m.format,
    schema,
    detector: { type: 'trees', ensemble: ensembleToJson(detector) },
    ...(classifier && classifier.groups > 1
      ? { classifier: { type: 'trees' as const, ensemble: ensembleToJson(classifier) } }
      : {}),
    threshold,
    params: { objective: m.objective, trees: m.ensemble.trees.length, imported: true },
    training: {
      importedFrom: m.format,
      ...(o.source === undefined ? {} : { file: o.source }),
      dataHash: createHash('sha256').update(fileText).digest('hex'),
    },
    metrics: {},
  };
}
