/**
 * @module
 * `intersoc ml import`: stores a model trained elsewhere (an XGBoost JSON or a LightGBM text
 * file) as a new version of a named model, so that it predicts, explains and deploys like the
 * node's own. The file is read whole (LightGBM's cap applies) and refused with a reason when it
 * uses what our evaluator cannot run (categorical splits, other objectives).
 */
import { readFileSync, statSync } from 'node:fs';
import { AppError, type AuthContext } from '@intersoc/core';
import {
  checkModelName,
  importedModelDoc,
  MAX_LIGHTGBM_BYTES,
  readLightgbmText,
  readXgboostJson,
  type ImportOptions,
} from '@intersoc/learn';
import { modelStoreOf, type ModelRegistry } from './ml-ops.js';

/** Formats `ml import` reads. */
export const IMPORT_FORMATS = ['xgboost', 'lightgbm'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The format of a model file: by `--format`, else by its first bytes. */
export function importFormat(text: string, given: string | undefined): ImportFormat {
  if (given !== undefined) {
    if (!(IMPORT_FORMATS as readonly string[]).includes(given))
      throw new AppError('VALIDATION', `--format must be one of ${IMPORT_FORMATS.join(', ')}`);
    return given as ImportFormat;
  }
  if (text.trimStart().startsWith('{')) return 'xgboost';
  if (text.startsWith('tree')) return 'lightgbm';
  throw new AppError('VALIDATION', 'cannot tell the model format: give --format xgboost|lightgbm');
}

/** What `ml import` reports. */
export interface ImportReport {
  readonly name: string;
  readonly version: number;
  readonly algorithm: ImportFormat;
  readonly objective: string;
  readonly trees: number;
  readonly features: readonly string[];
  readonly classes: readonly string[];
  readonly benign: string;
  readonly threshold: number;
  readonly dataHash: string;
}

/** Reads a model file and stores it as the next version of `name`. */
export function importAndStore(
  ctx: AuthContext,
  models: ModelRegistry,
  name: string,
  file: string,
  o: ImportOptions & { format?: string },
): ImportReport {
  checkModelName(name);
  if (statSync(file).size > MAX_LIGHTGBM_BYTES) throw new AppError('VALIDATION', `${file}: model file too large`);
  const text = readFileSync(file, 'utf8');
  const format = importFormat(text, o.format);
  const trees = format === 'xgboost' ? readXgboostJson(text) : readLightgbmText(text);
  const doc = importedModelDoc(trees, { ...o, source: file.split(/[\\/]/).pop() ?? file }, text);
  const stored = modelStoreOf(models).add(ctx, name, doc);
  return {
    name: stored.name,
    version: stored.version,
    algorithm: format,
    objective: trees.objective,
    trees: trees.ensemble.trees.length,
    features: trees.features,
    classes: doc.schema.classes,
    benign: doc.schema.benign,
    threshold: doc.threshold,
    dataHash: String(doc.training['dataHash']),
  };
}
