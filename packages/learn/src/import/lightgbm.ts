/**
 * @module
 * Reads a LightGBM model saved as text (`booster.save_model("m.txt")`, format v3 and v4) into our
 * tree evaluator. LightGBM splits with `value <= threshold`. Its `decision_type` packs three
 * things: bit 0 a categorical split (refused), bit 1 the default direction, bits 2–3 the missing
 * type. With missing type NaN a NaN follows the default direction; with None a NaN is read as 0,
 * which we express as a default direction equal to where 0 goes; the Zero type (zeros as
 * missing) has no equivalent here and is refused. Covers for TreeSHAP are LightGBM's data
 * counts (`leaf_count`, `internal_count`), which its own `pred_contrib` uses.
 */
import { AppError } from '@intersoc/core';
import { DEFAULT_LEFT, fillNodeValues, type FlatTree, type Link } from '../trees/ensemble.js';
import { checkTreeShape, type ImportedTrees } from './imported.js';

/** Largest model text we read (bytes). */
export const MAX_LIGHTGBM_BYTES = 256 * 1024 * 1024;

type Block = Map<string, string>;

/** Splits `key=value` lines into the header block and one block per tree. */
function blocks(text: string): { header: Block; trees: Block[] } {
  const header: Block = new Map();
  const trees: Block[] = [];
  let current = header;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === 'end of trees') break;
    if (line.startsWith('Tree=')) {
      current = new Map([['Tree', line.slice(5)]]);
      trees.push(current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) current.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return { header, trees };
}

/** A number as LightGBM writes it (C++ streams write infinities as `inf`). */
function lgbNumber(s: string): number {
  if (s === 'inf' || s === '+inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return s === '' ? NaN : Number(s);
}

function numbers(b: Block, key: string, tree: number, count: number, int = false): number[] {
  const v = b.get(key);
  if (v === undefined) {
    if (count === 0) return [];
    throw new AppError('VALIDATION', `lightgbm tree ${tree}: ${key} is missing`);
  }
  const out = v.trim() === '' ? [] : v.trim().split(' ').map(lgbNumber);
  if (out.length !== count || out.some((x) => Number.isNaN(x) || (int && !Number.isInteger(x))))
    throw new AppError('VALIDATION', `lightgbm tree ${tree}: ${key} must hold ${count} numbers`);
  return out;
}

function convertTree(b: Block, i: number, features: number): FlatTree {
  const leaves = Number(b.get('num_leaves'));
  if (!Number.isInteger(leaves) || leaves < 1) throw new AppError('VALIDATION', `lightgbm tree ${i}: bad num_leaves`);
  if (Number(b.get('num_cat') ?? '0') !== 0)
    throw new AppError('UNSUPPORTED', `lightgbm tree ${i}: categorical splits are not supported`);
  if (b.get('is_linear') === '1')
    throw new AppError('UNSUPPORTED', `lightgbm tree ${i}: linear trees are not supported`);
  const ni = leaves - 1;
  const leafValue = numbers(b, 'leaf_value', i, leaves);
  // A single-leaf tree has no counts in some versions; its cover does not matter to TreeSHAP.
  const leafCount = ni === 0 ? [1] : numbers(b, 'leaf_count', i, leaves);
  const feature = numbers(b, 'split_feature', i, ni, true);
  const threshold = numbers(b, 'threshold', i, ni);
  const decision = numbers(b, 'decision_type', i, ni, true);
  const left = numbers(b, 'left_child', i, ni, true);
  const right = numbers(b, 'right_child', i, ni, true);
  const shrinkage = Number(b.get('shrinkage') ?? '1');
  const out = {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    flags: new Uint8Array(ni),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    nodeValue: new Float64Array(ni),
    nodeCover: new Float64Array(ni),
    leafValue: Float64Array.from(leafValue),
    leafCover: Float64Array.from(leafCount),
  };
  for (let k = 0; k < ni; k++) {
    const d = decision[k] as number;
    const f = feature[k] as number;
    if (f < 0 || f >= features) throw new AppError('VALIDATION', `lightgbm tree ${i}: feature ${f} out of range`);
    for (const c of [left[k] as number, right[k] as number])
      if (c >= ni || ~c >= leaves) throw new AppError('VALIDATION', `lightgbm tree ${i}: child ${c} out of range`);
    if (d & 1) throw new AppError('UNSUPPORTED', `lightgbm tree ${i}: categorical splits are not supported`);
    const missing = (d >> 2) & 3;
    let defaultLeft: boolean;
    if (missing === 2) defaultLeft = (d & 2) !== 0;
    else if (missing === 0) defaultLeft = 0 <= (threshold[k] as number);
    else throw new AppError('UNSUPPORTED', `lightgbm tree ${i}: zero_as_missing splits are not supported`);
    out.flags[k] = defaultLeft ? DEFAULT_LEFT : 0;
  }
  if (!Number.isFinite(shrinkage)) throw new AppError('VALIDATION', `lightgbm tree ${i}: bad shrinkage`);
  checkTreeShape(out, `lightgbm tree ${i}`);
  fillNodeValues(out);
  return out;
}

/** The link and class count of a LightGBM objective line (`binary sigmoid:1`, `multiclass num_class:3`). */
function objectiveOf(line: string): { link: Link; groups: number; sigmoidScale?: number; name: string } {
  const [name = '', ...params] = line.trim().split(' ');
  const param = (k: string): number | undefined => {
    const p = params.find((x) => x.startsWith(`${k}:`));
    return p === undefined ? undefined : Number(p.slice(k.length + 1));
  };
  if (name === 'binary' || name === 'cross_entropy') {
    const sigmoid = param('sigmoid') ?? 1;
    if (!(sigmoid > 0)) throw new AppError('VALIDATION', `lightgbm model: bad sigmoid ${sigmoid}`);
    return { link: 'sigmoid', groups: 1, sigmoidScale: sigmoid, name };
  }
  if (name === 'multiclass' || name === 'softmax') {
    const k = param('num_class') ?? 0;
    if (!Number.isInteger(k) || k < 2) throw new AppError('VALIDATION', 'lightgbm model: num_class must be at least 2');
    return { link: 'softmax', groups: k, name };
  }
  throw new AppError('UNSUPPORTED', `lightgbm model: objective ${name || '(none)'} is not supported`);
}

/**
 * Parses a LightGBM text model.
 * @example
 * const m = readLightgbmText(readFileSync('model.txt', 'utf8'));
 */
export function readLightgbmText(text: string): ImportedTrees {
  if (text.length > MAX_LIGHTGBM_BYTES) throw new AppError('VALIDATION', 'lightgbm model: file too large');
  if (!text.startsWith('tree')) throw new AppError('VALIDATION', 'lightgbm model: not a LightGBM text model');
  const { header, trees } = blocks(text);
  if (header.has('average_output'))
    throw new AppError('UNSUPPORTED', 'lightgbm model: random-forest mode (average_output) is not supported');
  const objective = objectiveOf(header.get('objective') ?? '');
  const maxFeature = Number(header.get('max_feature_idx'));
  if (!Number.isInteger(maxFeature) || maxFeature < 0)
    throw new AppError('VALIDATION', 'lightgbm model: bad max_feature_idx');
  const features = maxFeature + 1;
  const perIteration = Number(header.get('num_tree_per_iteration') ?? '1');
  if (perIteration !== objective.groups)
    throw new AppError('VALIDATION', 'lightgbm model: num_tree_per_iteration does not match the objective');
  if (trees.length === 0) throw new AppError('VALIDATION', 'lightgbm model: no trees');
  const names = header.get('feature_names')?.split(' ');
  return {
    format: 'lightgbm',
    objective: objective.name,
    features: names && names.length === features ? names : Array.from({ length: features }, (_, k) => `Column_${k}`),
    ensemble: {
      groups: objective.groups,
      base: new Float64Array(objective.groups),
      link: objective.link,
      ...(objective.sigmoidScale === undefined || objective.sigmoidScale === 1
        ? {}
        : { sigmoidScale: objective.sigmoidScale }),
      trees: trees.map((b, i) => convertTree(b, i, features)),
      // LightGBM writes the trees of one iteration class by class.
      treeGroup: Int32Array.from(trees, (_, i) => i % objective.groups),
    },
  };
}
