/**
 * @module
 * `intersoc ml retrain NAME` and `POST /api/ml/models/:name/retrain`: a new version of a model
 * from its original training data plus the analysts' verdicts on its alerts. False positives are
 * `ml:<name>` alerts closed in the queue with a reason that says false positive or benign, and
 * alerts in cases resolved `false-positive` or `benign`; true positives are alerts in cases
 * resolved `true-positive` (a case's verdict wins over the queue's). Each verdict brings the
 * feature row the alert kept (`details.vector`). The original data is read again from the paths
 * the parent recorded (or from `--input` on the CLI) and must hash as the parent's did, unless
 * given explicitly; without it there is no retrain (a model imported or trained before paths
 * were kept says so). The verdict rows join the training part only, so the new version and its
 * parent are measured on the same held-out rows, reported side by side and kept with the version.
 */
import path from 'node:path';
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import { CaseService, SqliteCaseStore } from '@intersoc/cases';
import { SqliteIncidentStore } from '@intersoc/correlate';
import type { SqliteDb } from '@intersoc/storage';
import {
  datasetFor,
  evaluateModel,
  feedbackDataset,
  feedbackHash,
  lineageDataHash,
  Model,
  readTable,
  SqliteModelStore,
  stratifiedSplit,
  subset,
  summary,
  trainGbdtInWorker,
  trainModelInWorkers,
  vectorOf,
  type Dataset,
  type FeedbackOutcome,
  type FeedbackRow,
  type ModelStore,
  type TableFormat,
  type TrainOptions,
} from '@intersoc/learn';

/** Most verdicts one retrain reads (newest alerts first). */
export const MAX_VERDICTS = 50_000;
/** Queue closing reasons that count as a false positive. */
const FALSE_POSITIVE_REASON = /false[\s_-]*positive|benign|\bfp\b/i;

/** What a retrain is asked. */
export interface RetrainRequest {
  readonly name: string;
  /** The parent (default: the deployed version, else the newest). */
  readonly version?: number;
  /** The original data, when it is not (or no longer) where the parent recorded it. */
  readonly inputs?: readonly string[];
  readonly format?: TableFormat;
  /** Copies of each verdict row (1–100, default 1). */
  readonly repeat?: number;
  /** Labelled files both versions are also evaluated on (CLI only). */
  readonly evaluate?: readonly string[];
  readonly log?: (line: string) => void;
}

/** Where the verdicts are. */
export interface VerdictStores {
  /** The node's main database (registry, cases, incidents). */
  readonly db: SqliteDb;
  /** The event database (alerts and their queue state), a read connection is enough. */
  readonly events: SqliteDb;
  /** The registry the parent is read from and the new version written to (default: `db`'s). */
  readonly models?: ModelStore;
}

/** Verdicts found, and why some could not be used. */
export interface Verdicts {
  readonly rows: FeedbackRow[];
  /** Alerts with a verdict but without a usable feature row (older alerts, wider models). */
  readonly withoutVector: number;
}

function hasTable(db: SqliteDb, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Alert ids of the tenant's cases by verdict (true positive wins over false positive). */
function caseVerdicts(ctx: AuthContext, db: SqliteDb): Map<string, FeedbackOutcome> {
  const out = new Map<string, FeedbackOutcome>();
  if (!hasTable(db, 'cases')) return out;
  const cases = new CaseService({ store: new SqliteCaseStore(db), incidents: new SqliteIncidentStore(db) });
  for (const c of cases.store.all(ctx)) {
    const r = c.resolution;
    if (r !== 'true-positive' && r !== 'false-positive' && r !== 'benign') continue;
    const outcome: FeedbackOutcome = r === 'true-positive' ? 'true-positive' : 'false-positive';
    for (const id of cases.alertIdsOf(ctx, c)) if (out.get(id) !== 'true-positive') out.set(id, outcome);
  }
  return out;
}

/** The verdicts on a model's alerts (every version of the name), with their feature rows. */
export function collectVerdicts(ctx: AuthContext, s: VerdictStores, name: string, cols: number): Verdicts {
  const verdicts = caseVerdicts(ctx, s.db);
  if (hasTable(s.events, 'alert_status')) {
    const closed = s.events
      .prepare(
        `SELECT s.alert_id AS id, COALESCE(s.reason, '') AS reason FROM alert_status s
           JOIN alerts a ON a.tenant = s.tenant AND a.id = s.alert_id
          WHERE s.tenant = ? AND s.status = 'closed' AND a.rule_id = ?`,
      )
      .all(ctx.tenant, `ml:${name}`) as { id: string; reason: string }[];
    for (const c of closed)
      if (FALSE_POSITIVE_REASON.test(c.reason) && !verdicts.has(c.id)) verdicts.set(c.id, 'false-positive');
  }
  const ids = [...verdicts.keys()];
  const rows: FeedbackRow[] = [];
  let withoutVector = 0;
  const CHUNK = 500;
  for (let i = 0; i < ids.length && rows.length < MAX_VERDICTS; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const found = s.events
      .prepare(
        `SELECT id, doc FROM alerts WHERE tenant = ? AND rule_id = ? AND id IN (${chunk.map(() => '?').join(', ')})
          ORDER BY time DESC, id`,
      )
      .all(ctx.tenant, `ml:${name}`, ...chunk) as { id: string; doc: string }[];
    for (const a of found) {
      const details = (JSON.parse(a.doc) as { details?: { vector?: unknown; label?: unknown } }).details;
      const vector = vectorOf(details?.vector, cols);
      if (!vector) {
        withoutVector++;
        continue;
      }
      const predicted = typeof details?.label === 'string' ? details.label : undefined;
      rows.push({
        alertId: a.id,
        outcome: verdicts.get(a.id) as FeedbackOutcome,
        vector,
        ...(predicted ? { predicted } : {}),
      });
      if (rows.length >= MAX_VERDICTS) break;
    }
  }
  rows.sort((a, b) => (a.alertId < b.alertId ? -1 : a.alertId > b.alertId ? 1 : 0));
  return { rows, withoutVector };
}

/** How often a model flags the verdict rows. */
function flagged(model: Model, rows: readonly FeedbackRow[]): { falsePositives: number; truePositives: number } {
  let fp = 0;
  let tp = 0;
  for (const r of rows) {
    if (!model.predict(r.vector).attack) continue;
    if (r.outcome === 'false-positive') fp++;
    else tp++;
  }
  return { falsePositives: fp, truePositives: tp };
}

/** The held-out rows of a training run on `data` (the same split `trainModel` makes). */
function heldOut(data: Dataset, seed: number): Dataset {
  const labelled = subset(
    data,
    Array.from({ length: data.rows }, (_, i) => i).filter((i) => (data.y[i] as number) >= 0),
  );
  return subset(labelled, stratifiedSplit(labelled.y, 0.1, seed).valid);
}

/** What a retrain reports. */
export interface RetrainReport {
  readonly name: string;
  readonly version: number;
  readonly parent: number;
  readonly algorithm: string;
  readonly baseRows: number;
  readonly added: { readonly falsePositives: number; readonly truePositives: number; readonly repeat: number };
  readonly withoutVector: number;
  readonly verdictsHash: string;
  readonly dataHash: string;
  readonly baseDataHash: string;
  /** False when `--input` gave other data than the parent was trained on. */
  readonly sameBaseData: boolean;
  readonly seconds: number;
  /** Both versions on the same held-out rows of the original data. */
  readonly validation: { readonly parent: Record<string, unknown>; readonly retrained: Record<string, unknown> };
  /** Verdict rows each version still flags (the new version trained on them: optimistic). */
  readonly verdictRows: {
    readonly parent: { falsePositives: number; truePositives: number };
    readonly retrained: { falsePositives: number; truePositives: number };
  };
  /** Both versions on `evaluate` files, when given. */
  readonly evaluation?: { readonly parent: Record<string, unknown>; readonly retrained: Record<string, unknown> };
}

/** Retrains a model from its data and the verdicts on its alerts; stores the new version. */
export async function retrainModel(ctx: AuthContext, s: VerdictStores, r: RetrainRequest): Promise<RetrainReport> {
  requireRole(ctx, ['admin', 'analyst']);
  const started = Date.now();
  const repeat = r.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100)
    throw new AppError('VALIDATION', 'repeat must be an integer in [1, 100]');
  const store = s.models ?? new SqliteModelStore(s.db);
  const parent =
    r.version === undefined
      ? (store.deployed(ctx).find((m) => m.name === r.name) ?? store.require(ctx, r.name))
      : store.require(ctx, r.name, r.version);
  const doc = parent.doc;
  const training = doc.training;
  const recorded = Array.isArray(training['paths']) ? (training['paths'] as string[]) : undefined;
  const files = r.inputs && r.inputs.length > 0 ? r.inputs.map((f) => path.resolve(f)) : recorded;
  if (!files)
    throw new AppError(
      'VALIDATION',
      `the training data of ${parent.name} v${parent.version} is not known (imported, or trained before paths were kept); give it with --input`,
    );
  const baseDataHash = String(training['dataHash'] ?? '');
  let table;
  try {
    table = readTable(files, r.format ?? (training['format'] as TableFormat | undefined));
  } catch (err) {
    throw new AppError('VALIDATION', `the training data of ${parent.name} v${parent.version} cannot be read`, {
      cause: err,
    });
  }
  // The recorded files must be the data the parent saw; explicit inputs may differ (and say so).
  const rootHash =
    typeof training['lineage'] === 'object'
      ? String((training['lineage'] as Record<string, unknown>)['baseDataHash'] ?? '')
      : baseDataHash;
  const sameBaseData = table.hash === rootHash;
  if (!sameBaseData && !r.inputs)
    throw new AppError(
      'CONFLICT',
      `the files ${parent.name} v${parent.version} was trained on changed since (hash differs); give the data with --input`,
    );
  const model = new Model(doc);
  const data = datasetFor(model, table);
  const verdicts = collectVerdicts(ctx, s, r.name, data.cols);
  if (verdicts.rows.length === 0)
    throw new AppError(
      'VALIDATION',
      `no verdicts with feature rows on alerts of ${r.name} (${verdicts.withoutVector} without): close false positives or resolve cases first`,
    );
  const seed = typeof training['seed'] === 'number' ? training['seed'] : 1;
  const params = doc.params as Record<string, unknown>;
  const algorithm = doc.algorithm as TrainOptions['algorithm'];
  const o: TrainOptions = {
    algorithm,
    seed,
    classifier: doc.classifier !== undefined,
    ...(doc.targetFpr === undefined ? {} : { targetFpr: doc.targetFpr }),
    ...(algorithm === 'gbdt' ? { gbdt: params } : algorithm === 'logreg' ? { logreg: params } : { iforest: params }),
    extraTrain: feedbackDataset(doc.schema, verdicts.rows, repeat),
    ...(r.log ? { log: r.log } : {}),
  };
  const fp = verdicts.rows.filter((v) => v.outcome === 'false-positive').length;
  const tp = verdicts.rows.length - fp;
  const verdictsHash = feedbackHash(verdicts.rows);
  const dataHash = lineageDataHash(table.hash, verdictsHash, repeat);
  const lineage = {
    parent: parent.version,
    falsePositives: fp,
    truePositives: tp,
    repeat,
    verdictsHash,
    alertIds: verdicts.rows.slice(0, 200).map((v) => v.alertId),
    baseDataHash: table.hash,
    sameBaseData,
  };
  const trained = await trainModelInWorkers(
    data,
    o,
    {
      dataHash,
      ...(table.format ? { format: table.format } : {}),
      files: files.map((f) => path.basename(f)),
      paths: files,
      lineage,
    },
    trainGbdtInWorker,
  );
  const child = new Model(trained.doc);
  const valid = heldOut(data, seed);
  const parentValidation = summary(evaluateModel(model, valid));
  const evaluation = r.evaluate && r.evaluate.length > 0 ? readTable(r.evaluate, r.format) : undefined;
  const evalPair = evaluation
    ? {
        parent: summary(evaluateModel(model, datasetFor(model, evaluation))),
        retrained: summary(evaluateModel(child, datasetFor(child, evaluation))),
      }
    : undefined;
  const verdictRows = { parent: flagged(model, verdicts.rows), retrained: flagged(child, verdicts.rows) };
  const stored = store.add(ctx, r.name, {
    ...trained.doc,
    metrics: { ...trained.doc.metrics, parentValidation, verdictRows },
  });
  return {
    name: stored.name,
    version: stored.version,
    parent: parent.version,
    algorithm,
    baseRows: table.rows.length,
    added: { falsePositives: fp, truePositives: tp, repeat },
    withoutVector: verdicts.withoutVector,
    verdictsHash,
    dataHash,
    baseDataHash: table.hash,
    sameBaseData,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    validation: { parent: parentValidation, retrained: summary(trained.validation) },
    verdictRows,
    ...(evalPair ? { evaluation: evalPair } : {}),
  };
}
