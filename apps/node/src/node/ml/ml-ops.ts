/**
 * @module
 * What `intersoc ml ...` does, as functions over the node's main database: train a model from
 * files and store it as a new version, predict, evaluate, explain, list, show, deploy and retire.
 * Every function takes the caller's context; the registry keeps each tenant's models apart.
 * The registry is any `ModelStore` (the api role passes `PgModelStore`), or the node's main
 * database, whose `SqliteModelStore` is then opened per call (as the CLI and the embedded node do).
 * A serving node notices deploys and retirements by the registry's revision (its ML detector
 * reloads within seconds), so these may run while the node serves.
 */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { AppError, type AuthContext } from '@intersoc/core';
import type { SqliteDb } from '@intersoc/storage';
import {
  checkModelName,
  datasetFor,
  evaluateModel,
  explainRow,
  fitSchema,
  Model,
  predictRows,
  readTable,
  SqliteModelStore,
  summary,
  TABLE_FORMATS,
  toDataset,
  trainGbdtInWorker,
  trainModelInWorkers,
  type ModelStore,
  type ModelSummary,
  type RowExplanation,
  type StoredModel,
  type TableFormat,
  type TrainAlgorithm,
} from '@intersoc/learn';

/** Where models are read and written: a store, or the node's main database (its SQLite registry). */
export type ModelRegistry = ModelStore | SqliteDb;

/** The store of a registry argument; opening the SQLite one on demand keeps an untouched node free of its tables. */
export function modelStoreOf(r: ModelRegistry): ModelStore {
  return isModelStore(r) ? r : new SqliteModelStore(r);
}

function isModelStore(r: ModelRegistry): r is ModelStore {
  const s = r as Partial<ModelStore>;
  return typeof s.deployed === 'function' && typeof s.revision === 'function';
}

/** Algorithms `ml train` accepts. */
export const ML_ALGORITHMS: readonly TrainAlgorithm[] = ['gbdt', 'iforest', 'logreg'];

/** Parses `--format`. */
export function formatArg(v: string | undefined): TableFormat | undefined {
  if (v === undefined) return undefined;
  if (!(TABLE_FORMATS as readonly string[]).includes(v))
    throw new AppError('VALIDATION', `--format must be one of ${TABLE_FORMATS.join(', ')}`);
  return v as TableFormat;
}

/** Parses `--algorithm`. */
export function algorithmArg(v: string | undefined): TrainAlgorithm {
  const a = v ?? 'gbdt';
  if (!(ML_ALGORITHMS as readonly string[]).includes(a))
    throw new AppError('VALIDATION', `--algorithm must be one of ${ML_ALGORITHMS.join(', ')}`);
  return a as TrainAlgorithm;
}

/** Training request. */
export interface TrainRequest {
  readonly name: string;
  readonly files: readonly string[];
  readonly format?: TableFormat;
  readonly label?: string;
  readonly benign?: string;
  readonly algorithm: TrainAlgorithm;
  readonly seed?: number;
  readonly targetFpr?: number;
  readonly rounds?: number;
  readonly log?: (line: string) => void;
}

/** What training reports. */
export interface TrainReport {
  readonly name: string;
  readonly version: number;
  readonly algorithm: TrainAlgorithm;
  readonly rows: number;
  readonly features: number;
  readonly classes: readonly string[];
  readonly benign: string;
  readonly threshold: number;
  readonly dataHash: string;
  readonly seconds: number;
  readonly validation: Readonly<Record<string, unknown>>;
}

/**
 * Trains a model and stores it as the next version of `name`. Boosted trees train the detector
 * and the attack classifier side by side on two worker threads.
 */
export async function trainAndStore(ctx: AuthContext, models: ModelRegistry, r: TrainRequest): Promise<TrainReport> {
  checkModelName(r.name);
  const started = Date.now();
  const table = readTable(r.files, r.format);
  const schema = fitSchema(table, {
    ...(r.label === undefined ? {} : { label: r.label }),
    ...(r.benign === undefined ? {} : { benign: r.benign }),
  });
  const trained = await trainModelInWorkers(
    toDataset(table, schema),
    {
      algorithm: r.algorithm,
      ...(r.seed === undefined ? {} : { seed: r.seed }),
      ...(r.targetFpr === undefined ? {} : { targetFpr: r.targetFpr }),
      ...(r.rounds === undefined ? {} : { gbdt: { rounds: r.rounds } }),
      ...(r.log ? { log: r.log } : {}),
    },
    {
      dataHash: table.hash,
      format: table.format,
      files: r.files.map((f) => f.split(/[\\/]/).pop() ?? f),
      // Where the data is, so `ml retrain` can read it again (its hash is checked then).
      paths: r.files.map((f) => path.resolve(f)),
    },
    trainGbdtInWorker,
  );
  const stored = modelStoreOf(models).add(ctx, r.name, trained.doc);
  return {
    name: stored.name,
    version: stored.version,
    algorithm: r.algorithm,
    rows: table.rows.length,
    features: schema.features.length,
    classes: schema.classes,
    benign: schema.benign,
    threshold: trained.doc.threshold,
    dataHash: table.hash,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    validation: summary(trained.validation),
  };
}

function load(
  ctx: AuthContext,
  models: ModelRegistry,
  name: string,
  version?: number,
): { stored: StoredModel; model: Model } {
  const stored = modelStoreOf(models).require(ctx, name, version);
  return { stored, model: new Model(stored.doc) };
}

/** Writes one JSON line per input row, in input order; returns the count and the attacks found. */
export async function predictToFile(
  ctx: AuthContext,
  models: ModelRegistry,
  name: string,
  files: readonly string[],
  output: string,
  o: { format?: TableFormat; version?: number } = {},
): Promise<{ rows: number; attacks: number; model: string; version: number }> {
  const { stored, model } = load(ctx, models, name, o.version);
  const table = readTable(files, o.format);
  const d = datasetFor(model, table);
  const out = createWriteStream(output);
  let rows = 0;
  let attacks = 0;
  let chunk = '';
  for (const p of predictRows(model, d)) {
    rows++;
    if (p.attack) attacks++;
    chunk += `${JSON.stringify({ row: p.row, label: p.label, attack: p.attack, score: p.score })}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return { rows, attacks, model: stored.name, version: stored.version };
}

/** The model's figures on labelled files. */
export function evaluateFiles(
  ctx: AuthContext,
  models: ModelRegistry,
  name: string,
  files: readonly string[],
  o: { format?: TableFormat; version?: number } = {},
): Record<string, unknown> {
  const { stored, model } = load(ctx, models, name, o.version);
  const ev = evaluateModel(model, datasetFor(model, readTable(files, o.format)));
  return { model: stored.name, version: stored.version, threshold: stored.threshold, ...summary(ev) };
}

/** Explanations of chosen rows of the input. */
export function explainFiles(
  ctx: AuthContext,
  models: ModelRegistry,
  name: string,
  files: readonly string[],
  rows: readonly number[],
  o: { format?: TableFormat; version?: number; top?: number } = {},
): { model: string; version: number; rows: RowExplanation[] } {
  const { stored, model } = load(ctx, models, name, o.version);
  const d = datasetFor(model, readTable(files, o.format));
  return { model: stored.name, version: stored.version, rows: rows.map((r) => explainRow(model, d, r, o.top ?? 5)) };
}

/** The tenant's model versions. */
export function listModels(ctx: AuthContext, models: ModelRegistry): ModelSummary[] {
  return modelStoreOf(models).list(ctx);
}

/** One version with its parameters, training record and schema (without its trees). */
export function showModel(
  ctx: AuthContext,
  models: ModelRegistry,
  name: string,
  version?: number,
): Record<string, unknown> {
  const m = modelStoreOf(models).require(ctx, name, version);
  const { doc, ...rest } = m;
  return {
    ...rest,
    params: doc.params,
    training: doc.training,
    ...(doc.targetFpr === undefined ? {} : { targetFpr: doc.targetFpr }),
    schema: {
      label: doc.schema.label,
      benign: doc.schema.benign,
      classes: doc.schema.classes,
      features: doc.schema.features.map((f) => ({ name: f.name, kind: f.kind })),
    },
  };
}

/** Deploys a version (the newest by default). */
export function deployModel(ctx: AuthContext, models: ModelRegistry, name: string, version?: number): ModelSummary {
  const { doc: _doc, ...rest } = modelStoreOf(models).deploy(ctx, name, version);
  return rest;
}

/** Retires a version, or all versions of a name. */
export function retireModel(
  ctx: AuthContext,
  models: ModelRegistry,
  name: string,
  version?: number,
): { retired: number } {
  return { retired: modelStoreOf(models).retire(ctx, name, version) };
}
