/**
 * @module
 * The model registry's contract, shared by its SQLite store (`sqlite-models.ts`) and its
 * PostgreSQL store (`pg-models.ts`): the `ModelStore` interface, the stored types, the name
 * check, and the row → object mapping both stores read their `ml_models` rows with, so the two
 * cannot drift apart. The suite in `internal/testing.ts` runs on both.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import type { ModelDoc } from '../model/model.js';

/** Where a model version stands. */
export type ModelStatus = 'trained' | 'deployed' | 'retired';

/** Model names: letters, digits, dot, dash and underscore. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A stored model version without its trees. */
export interface ModelSummary {
  readonly name: string;
  readonly version: number;
  readonly algorithm: string;
  readonly status: ModelStatus;
  readonly created: number;
  readonly deployed?: number;
  readonly features: number;
  readonly classes: readonly string[];
  readonly benign: string;
  readonly threshold: number;
  readonly dataHash?: string;
  readonly metrics: Readonly<Record<string, unknown>>;
  /** For a retrained version: its parent, the verdicts added and their hash. */
  readonly lineage?: Readonly<Record<string, unknown>>;
}

/** A stored model version with its document. */
export interface StoredModel extends ModelSummary {
  readonly doc: ModelDoc;
}

/**
 * The model registry: every trained model is a new version of its name within a tenant; at most
 * one version of a name is deployed. Every method taking a context reads and writes only
 * `ctx.tenant`; `tenantsWithDeployed` and `revision` serve the node's pipeline across tenants.
 */
export interface ModelStore {
  /** Stores `doc` as the next version of `name` (status `trained`). */
  add(ctx: AuthContext, name: string, doc: ModelDoc, now?: number): StoredModel;
  /** Every version of every model of the tenant (by name, newest version first within a name). */
  list(ctx: AuthContext): ModelSummary[];
  /** One version (the newest when `version` is undefined), or undefined. */
  get(ctx: AuthContext, name: string, version?: number): StoredModel | undefined;
  /** Like `get`, but a missing model is a NOT_FOUND error. */
  require(ctx: AuthContext, name: string, version?: number): StoredModel;
  /** Deploys a version (the newest by default); the name's earlier deployed version goes back to `trained`. */
  deploy(ctx: AuthContext, name: string, version?: number, now?: number): StoredModel;
  /** Retires a version (every version of the name when `version` is undefined); returns how many changed. */
  retire(ctx: AuthContext, name: string, version?: number): number;
  /** The deployed models of the tenant, by name. */
  deployed(ctx: AuthContext): StoredModel[];
  /** The tenants that have a deployed model (for the node's pipeline). */
  tenantsWithDeployed(): string[];
  /** A number that changes whenever any tenant deploys or retires (the pipeline reloads then). */
  revision(): number;
}

/** An `ml_models` row as both stores read it. */
export interface ModelRow {
  readonly name: string;
  readonly version: number;
  readonly algorithm: string;
  readonly status: string;
  readonly created: number;
  readonly deployed: number | null;
  /** The `ModelDoc` as JSON text. */
  readonly doc: string;
}

/** The summary of a row whose document is already parsed. */
export function summaryOf(r: ModelRow, doc: ModelDoc): ModelSummary {
  const hash = doc.training['dataHash'];
  const lineage = doc.training['lineage'] as Readonly<Record<string, unknown>> | undefined;
  return {
    name: r.name,
    version: r.version,
    algorithm: r.algorithm,
    status: r.status as ModelStatus,
    created: r.created,
    ...(r.deployed === null ? {} : { deployed: r.deployed }),
    features: doc.schema.features.length,
    classes: doc.schema.classes,
    benign: doc.schema.benign,
    threshold: doc.threshold,
    ...(typeof hash === 'string' ? { dataHash: hash } : {}),
    metrics: doc.metrics,
    ...(lineage ? { lineage } : {}),
  };
}

/** The summary of a row (parses its document). */
export function toModelSummary(r: ModelRow): ModelSummary {
  return summaryOf(r, JSON.parse(r.doc) as ModelDoc);
}

/** The stored model of a row (parses its document). */
export function toStoredModel(r: ModelRow): StoredModel {
  const doc = JSON.parse(r.doc) as ModelDoc;
  return { ...summaryOf(r, doc), doc };
}

/** A version just added: trained, not deployed (what `add` answers on either store). */
export function newModel(name: string, version: number, doc: ModelDoc, text: string, now: number): StoredModel {
  const row: ModelRow = {
    name,
    version,
    algorithm: doc.algorithm,
    status: 'trained',
    created: now,
    deployed: null,
    doc: text,
  };
  return { ...summaryOf(row, doc), doc };
}

/** Checks a model name. */
export function checkModelName(name: string): void {
  if (!MODEL_NAME_PATTERN.test(name))
    throw new AppError('VALIDATION', `model name "${name}": use 1-64 letters, digits, '.', '-' or '_'`);
}

/** The NOT_FOUND error of a missing model or version (same text on both stores). */
export function noModel(name: string, version?: number): AppError {
  return new AppError('NOT_FOUND', `no model ${name}${version === undefined ? '' : ` version ${version}`}`);
}
