/**
 * @module
 * Ranking a tenant's alert queue by the learned probability that an alert is real: the tenant's
 * own triage model when it trained one, else the shipped one (trained on the simulator). Alerts
 * are scored in time order so that each one's context (other rules on its host, its rule's
 * frequency) comes from the alerts before it. The same ranking runs over the node's SQLite event
 * store (`rankTenantAlerts`) and over the PostgreSQL store's `ev_alerts` and `alert_status`
 * (`pgAlertWindow`, the tables `PgAlertTriage` reads), through `rankAlerts`.
 */
import path from 'node:path';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { AppError, requireRole, type Alert, type AuthContext } from '@intersoc/core';
import type { SqliteDb } from '@intersoc/storage';
import type { SyncPg } from '@intersoc/storage/postgres';
import {
  defaultModelPath,
  dispositionLabel,
  SqliteReportStore,
  TriageModel,
  type LabelledAlert,
  type RankingFigures,
  type ReportStore,
  type TriageScore,
} from '@intersoc/text';

/** The shipped triage model (beside the sentence model). */
export function shippedTriagePath(): string {
  return path.join(path.dirname(defaultModelPath()), 'alert-triage.json.gz');
}

/** The shipped incident categoriser. */
export function shippedCategoriserPath(): string {
  return path.join(path.dirname(defaultModelPath()), 'incident-categoriser.json.gz');
}

const cache = new Map<string, TriageModel>();

function load(file: string): TriageModel {
  let m = cache.get(file);
  if (!m) {
    m = TriageModel.load(readFileSync(file));
    cache.set(file, m);
  }
  return m;
}

/** An alert with its score. */
export interface RankedAlert extends TriageScore {
  readonly alert: Alert;
  readonly status: 'new' | 'acknowledged' | 'closed';
}

/** Most alerts read for one ranking (the newest). */
const MAX_ALERTS = 5_000;

/** A stored alert with its triage state. */
export interface AlertStateRow {
  readonly doc: string;
  readonly status: RankedAlert['status'];
}

/** The tenant's newest alerts (at most `limit`) from `from` to `to`, newest first, with their states. */
export type AlertWindow = (ctx: AuthContext, from: number, to: number, limit: number) => AlertStateRow[];

/** What to rank. */
export interface RankingStores {
  /** Where the tenant's own triage model version is recorded. */
  readonly models: Pick<ReportStore, 'activeModel'>;
  readonly alerts: AlertWindow;
  /** The data folder model files are under. */
  readonly data: string;
}

/** What to rank: how many, in which states and time range. */
export interface RankingQuery {
  readonly limit: number;
  readonly statuses?: readonly ('new' | 'acknowledged' | 'closed')[];
  readonly from?: number;
  readonly to?: number;
}

/** The alerts of the node's SQLite event store. */
export function sqliteAlertWindow(events: SqliteDb): AlertWindow {
  return (ctx, from, to, limit) => {
    // Triage states live beside the alerts once the queue was first used; before that every alert is new.
    const states = events.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_status'").get();
    return events
      .prepare(
        states
          ? `SELECT a.doc, COALESCE(s.status, 'new') AS status FROM alerts a
             LEFT JOIN alert_status s ON s.tenant = a.tenant AND s.alert_id = a.id
             WHERE a.tenant = ? AND a.time >= ? AND a.time <= ? ORDER BY a.time DESC, a.id DESC LIMIT ?`
          : `SELECT a.doc, 'new' AS status FROM alerts a
             WHERE a.tenant = ? AND a.time >= ? AND a.time <= ? ORDER BY a.time DESC, a.id DESC LIMIT ?`,
      )
      .all(ctx.tenant, from, to, limit) as AlertStateRow[];
  };
}

/**
 * The alerts of the PostgreSQL store: `ev_alerts` (the event store's) with `alert_status` (the
 * states `PgAlertTriage` writes; both from `migratePg`), in the SQLite query's order (ids `COLLATE "C"`).
 */
export function pgAlertWindow(pg: SyncPg): AlertWindow {
  return (ctx, from, to, limit) =>
    pg.query<AlertStateRow>(
      `SELECT a.doc, COALESCE(s.status, 'new') AS status FROM ev_alerts a
       LEFT JOIN alert_status s ON s.tenant = a.tenant AND s.alert_id = a.id
       WHERE a.tenant = $1 AND a.time >= $2 AND a.time <= $3 ORDER BY a.time DESC, a.id DESC LIMIT $4`,
      [ctx.tenant, from, to, limit],
    );
}

/** Ranks the tenant's alerts. */
export function rankAlerts(
  ctx: AuthContext,
  stores: RankingStores,
  q: RankingQuery,
): { model: string; trained: boolean; items: RankedAlert[] } {
  requireRole(ctx, ['admin', 'analyst', 'viewer']);
  const own = stores.models.activeModel(ctx, 'triage');
  const file = own ? path.join(stores.data, own.file) : shippedTriagePath();
  if (!existsSync(file)) throw new AppError('UNAVAILABLE', 'no triage model: run intersoc triage train');
  const model = load(file);
  const rows = stores.alerts(ctx, q.from ?? Number.MIN_SAFE_INTEGER, q.to ?? Number.MAX_SAFE_INTEGER, MAX_ALERTS);
  rows.reverse();
  const alerts = rows.map((r) => JSON.parse(r.doc) as Alert);
  const scores = model.scoreStream(alerts);
  const wanted = new Set(q.statuses ?? ['new', 'acknowledged']);
  const items = rows
    .map((r, i) => ({ alert: alerts[i] as Alert, status: r.status, ...(scores[i] as TriageScore) }))
    .filter((x) => wanted.has(x.status))
    .sort((a, b) => b.probability - a.probability || b.alert.time - a.alert.time)
    .slice(0, q.limit);
  return { model: model.version, trained: own !== undefined, items };
}

/** Ranks the tenant's alerts of a node (its main database and SQLite event store). */
export function rankTenantAlerts(
  ctx: AuthContext,
  stores: { readonly db: SqliteDb; readonly events: SqliteDb; readonly data: string },
  q: RankingQuery,
): { model: string; trained: boolean; items: RankedAlert[] } {
  requireRole(ctx, ['admin', 'analyst', 'viewer']);
  return rankAlerts(
    ctx,
    { models: new SqliteReportStore(stores.db), alerts: sqliteAlertWindow(stores.events), data: stores.data },
    q,
  );
}

/** The tenant's alerts with an analyst's disposition, in time order. */
export function dispositions(ctx: AuthContext, events: SqliteDb): LabelledAlert[] {
  const states = events.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_status'").get();
  if (!states) return [];
  const rows = events
    .prepare(
      `SELECT a.doc, s.reason FROM alerts a JOIN alert_status s ON s.tenant = a.tenant AND s.alert_id = a.id
       WHERE a.tenant = ? AND s.reason IS NOT NULL ORDER BY a.time, a.id`,
    )
    .all(ctx.tenant) as { doc: string; reason: string }[];
  return rows.flatMap((r) => {
    const label = dispositionLabel(r.reason);
    return label === undefined ? [] : [{ alert: JSON.parse(r.doc) as Alert, label }];
  });
}

/** What learning from dispositions found. */
export interface DispositionLearning {
  readonly version: string;
  readonly dispositions: { readonly training: number; readonly heldOut: number; readonly real: number };
  readonly current: { readonly version: string; readonly heldOut: RankingFigures };
  readonly candidate: { readonly heldOut: RankingFigures };
  readonly promoted: boolean;
  readonly reason: string;
  readonly file: string;
}

/** Fewest dispositions to learn from. */
const MIN_DISPOSITIONS = 20;

/**
 * Trains a triage model on the tenant's dispositions (the older 70 %, with simulated streams
 * when given) and keeps it as the tenant's model only if it ranks the newer 30 % better than the
 * current one (ROC AUC).
 */
export function learnFromDispositions(
  ctx: AuthContext,
  stores: { readonly db: SqliteDb; readonly events: SqliteDb; readonly data: string },
  extra: readonly (readonly LabelledAlert[])[] = [],
): DispositionLearning {
  requireRole(ctx, ['admin', 'analyst']);
  return learnTriage(
    ctx,
    {
      models: new SqliteReportStore(stores.db),
      dispositions: (c) => dispositions(c, stores.events),
      data: stores.data,
    },
    extra,
  );
}

/** The tenant's alerts with an analyst's disposition, in time order, from the PostgreSQL store. */
export function pgDispositions(ctx: AuthContext, pg: SyncPg): LabelledAlert[] {
  const rows = pg.query<{ doc: string; reason: string }>(
    `SELECT a.doc, s.reason FROM ev_alerts a JOIN alert_status s ON s.tenant = a.tenant AND s.alert_id = a.id
     WHERE a.tenant = $1 AND s.reason IS NOT NULL ORDER BY a.time, a.id`,
    [ctx.tenant],
  );
  return rows.flatMap((r) => {
    const label = dispositionLabel(r.reason);
    return label === undefined ? [] : [{ alert: JSON.parse(r.doc) as Alert, label }];
  });
}

/** `learnFromDispositions` over any report store (model versions) and source of dispositions. */
export function learnTriage(
  ctx: AuthContext,
  stores: {
    readonly models: Pick<ReportStore, 'activeModel' | 'addModel'>;
    readonly dispositions: (ctx: AuthContext) => LabelledAlert[];
    readonly data: string;
  },
  extra: readonly (readonly LabelledAlert[])[] = [],
): DispositionLearning {
  requireRole(ctx, ['admin', 'analyst']);
  const all = stores.dispositions(ctx);
  const real = all.filter((a) => a.label === 1).length;
  if (all.length < MIN_DISPOSITIONS || real === 0 || real === all.length)
    throw new AppError(
      'VALIDATION',
      `learning needs at least ${MIN_DISPOSITIONS} alerts closed or acknowledged with a disposition, real and not (have ${all.length}, ${real} real)`,
    );
  const cut = Math.floor(all.length * 0.7);
  const train = all.slice(0, cut);
  const held = all.slice(cut);
  const store = stores.models;
  const own = store.activeModel(ctx, 'triage');
  const currentFile = own ? path.join(stores.data, own.file) : shippedTriagePath();
  if (!existsSync(currentFile)) throw new AppError('UNAVAILABLE', 'no current triage model to compare with');
  const current = load(currentFile);
  const version = `dispositions-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`;
  const candidate = TriageModel.train([train, ...extra], version);
  const cur = current.evaluate(held);
  const cand = candidate.evaluate(held);
  const promoted = cand.auc > cur.auc;
  const file = path.join('models', 'text', ctx.tenant, `triage-${version}.json.gz`);
  mkdirSync(path.dirname(path.join(stores.data, file)), { recursive: true });
  writeFileSync(
    path.join(stores.data, file),
    candidate.withMetrics({ ...candidate.metrics, heldOut: cand }).serialise(),
  );
  store.addModel(
    ctx,
    { kind: 'triage', version, created: Date.now(), file, metrics: { candidate: cand, current: cur } },
    promoted,
  );
  return {
    version,
    dispositions: { training: train.length, heldOut: held.length, real },
    current: { version: current.version, heldOut: cur },
    candidate: { heldOut: cand },
    promoted,
    reason: promoted
      ? `ROC AUC ${cand.auc} beats ${cur.auc} on the ${held.length} newest dispositions`
      : `ROC AUC ${cand.auc} does not beat ${cur.auc} on the ${held.length} newest dispositions; the current model stays`,
    file,
  };
}
