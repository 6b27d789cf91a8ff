/**
 * @module
 * Reads an XGBoost model saved as JSON (`booster.save_model("m.json")`, format of XGBoost 1.x
 * and 2.x) into our tree evaluator. XGBoost splits with `value < threshold`, sends missing
 * values along `default_left`, stores leaf values (learning rate applied) in `split_conditions`
 * and per-node covers in `sum_hessian`, which TreeSHAP weighs children by. `base_score` is a
 * probability for logistic objectives (the base margin is its logit) and a margin otherwise.
 * Categorical splits, linear boosters and DART weights are refused with a reason.
 */
import { z } from 'zod';
import { AppError } from '@intersoc/core';
import { DEFAULT_LEFT, fillNodeValues, STRICT_LESS, type FlatTree, type Link } from '../trees/ensemble.js';
import { checkTreeShape, type ImportedTrees } from './imported.js';

const num = z.union([z.number(), z.string()]).transform(Number);

const treeSchema = z.object({
  left_children: z.array(z.number().int()),
  right_children: z.array(z.number().int()),
  split_indices: z.array(z.number().int().nonnegative()),
  split_conditions: z.array(z.number()),
  default_left: z.array(z.union([z.number(), z.boolean()])),
  sum_hessian: z.array(z.number()),
  split_type: z.array(z.number()).optional(),
});

const modelSchema = z.object({
  learner: z.object({
    feature_names: z.array(z.string()).optional(),
    learner_model_param: z.object({ base_score: num, num_class: num.optional(), num_feature: num }),
    objective: z.object({ name: z.string() }),
    gradient_booster: z.object({
      name: z.string(),
      model: z.object({
        tree_info: z.array(z.number().int().nonnegative()),
        trees: z.array(treeSchema),
      }),
    }),
  }),
});

/** Objectives we can run, with their link. */
const OBJECTIVES: Readonly<Record<string, Link>> = {
  'binary:logistic': 'sigmoid',
  'reg:logistic': 'sigmoid',
  'multi:softprob': 'softmax',
  'multi:softmax': 'softmax',
};

function convertTree(t: z.infer<typeof treeSchema>, i: number, features: number): FlatTree {
  const n = t.left_children.length;
  const lengths = [t.right_children, t.split_indices, t.split_conditions, t.default_left, t.sum_hessian];
  if (lengths.some((a) => a.length !== n))
    throw new AppError('VALIDATION', `xgboost tree ${i}: arrays differ in length`);
  if (t.split_type?.some((s) => s !== 0))
    throw new AppError('UNSUPPORTED', `xgboost tree ${i}: categorical splits are not supported`);
  // XGBoost numbers every node; we keep internal nodes and leaves in two arrays.
  const internal = new Int32Array(n).fill(-1);
  const leaf = new Int32Array(n).fill(-1);
  let ni = 0;
  let nl = 0;
  for (let k = 0; k < n; k++) {
    if ((t.left_children[k] as number) < 0) leaf[k] = nl++;
    else internal[k] = ni++;
  }
  const ref = (k: number): number => {
    if (k < 0 || k >= n) throw new AppError('VALIDATION', `xgboost tree ${i}: child ${k} out of range`);
    return (t.left_children[k] as number) < 0 ? ~(leaf[k] as number) : (internal[k] as number);
  };
  const out = {
    feature: new Int32Array(ni),
    threshold: new Float64Array(ni),
    flags: new Uint8Array(ni),
    left: new Int32Array(ni),
    right: new Int32Array(ni),
    nodeValue: new Float64Array(ni),
    nodeCover: new Float64Array(ni),
    leafValue: new Float64Array(nl),
    leafCover: new Float64Array(nl),
  };
  for (let k = 0; k < n; k++) {
    const cover = t.sum_hessian[k] as number;
    if ((t.left_children[k] as number) < 0) {
      out.leafValue[leaf[k] as number] = t.split_conditions[k] as number;
      out.leafCover[leaf[k] as number] = cover;
      continue;
    }
    const j = internal[k] as number;
    const f = t.split_indices[k] as number;
    if (f >= features)
      throw new AppError('VALIDATION', `xgboost tree ${i}: feature ${f} beyond num_feature ${features}`);
    out.feature[j] = f;
    out.threshold[j] = t.split_conditions[k] as number;
    out.flags[j] = STRICT_LESS | (t.default_left[k] ? DEFAULT_LEFT : 0);
    out.left[j] = ref(t.left_children[k] as number);
    out.right[j] = ref(t.right_children[k] as number);
  }
  checkTreeShape(out, `xgboost tree ${i}`);
  fillNodeValues(out);
  return out;
}

/**
 * Parses an XGBoost JSON model.
 * @example
 * const m = readXgboostJson(readFileSync('model.json', 'utf8'));
 */
export function readXgboostJson(text: string): ImportedTrees {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AppError('VALIDATION', 'xgboost model: not JSON (save it with save_model("model.json"))', { cause: e });
  }
  const parsed = modelSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError(
      'VALIDATION',
      `xgboost model: ${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'}`,
    );
  }
  const l = parsed.data.learner;
  if (l.gradient_booster.name !== 'gbtree')
    throw new AppError(
      'UNSUPPORTED',
      `xgboost model: booster ${l.gradient_booster.name} is not supported (gbtree only)`,
    );
  const link = OBJECTIVES[l.objective.name];
  if (!link) throw new AppError('UNSUPPORTED', `xgboost model: objective ${l.objective.name} is not supported`);
  const features = Math.trunc(l.learner_model_param.num_feature);
  const numClass = Math.trunc(l.learner_model_param.num_class ?? 0);
  const groups = link === 'softmax' ? numClass : 1;
  if (link === 'softmax' && groups < 2) throw new AppError('VALIDATION', 'xgboost model: num_class must be at least 2');
  const { trees, tree_info: info } = l.gradient_booster.model;
  if (info.length !== trees.length) throw new AppError('VALIDATION', 'xgboost model: tree_info and trees differ');
  if (info.some((g) => g >= groups)) throw new AppError('VALIDATION', 'xgboost model: a tree belongs to no class');
  const bs = l.learner_model_param.base_score;
  if (link === 'sigmoid' && !(bs > 0 && bs < 1))
    throw new AppError('VALIDATION', `xgboost model: base_score ${bs} is not a probability`);
  const baseMargin = link === 'sigmoid' ? Math.log(bs / (1 - bs)) : bs;
  return {
    format: 'xgboost',
    objective: l.objective.name,
    features: l.feature_names ?? Array.from({ length: features }, (_, k) => `f${k}`),
    ensemble: {
      groups,
      base: new Float64Array(groups).fill(baseMargin),
      link,
      trees: trees.map((t, i) => convertTree(t, i, features)),
      treeGroup: Int32Array.from(info),
    },
  };
}
