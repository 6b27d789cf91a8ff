/**
 * @module
 * Ranking a tenant's alert queue by the learned probability that an alert is real: the tenant's
 * own triage model when it trained one, else the shipped one (trained on the simulator). Alerts
 * are scored in time order so that each one's context (other rules on its host, its rule's
 * frequency) comes from the alerts before it.
 */
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { AppError, requireRole, type Alert, type AuthContext } from '@intersoc/core';
import type { SqliteDb } from '@intersoc/storage';
import { defaultModelPath, SqliteReportStore, TriageModel, type TriageScore } from '@intersoc/text';

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

/** Ranks the tenant's alerts. */
export function rankTenantAlerts(
  ctx: AuthContext,
  stores: { readonly db: SqliteDb; readonly events: SqliteDb; readonly data: string },
  q: {
    readonly limit: number;
    readonly statuses?: readonly ('new' | 'acknowledged' | 'closed')[];
    readonly from?: number;
    readonly to?: number;
  },
): { model: string; trained: boolean; items: RankedAlert[] } {
  requireRole(ctx, ['admin', 'analyst', 'viewer']);
  const own = new SqliteReportStore(stores.db).activeModel(ctx, 'triage');
  const file = own ? path.join(stores.data, own.file) : shippedTriagePath();
  if (!existsSync(file)) throw new AppError('UNAVAILABLE', 'no triage model: run intersoc triage train');
  const model = load(file);
  // Triage states live beside the alerts once the queue was first used; before that every alert is new.
  const states = stores.events
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_status'")
    .get();
  const rows = stores.events
    .prepare(
      states
        ? `SELECT a.doc, COALESCE(s.status, 'new') AS status FROM alerts a
           LEFT JOIN alert_status s ON s.tenant = a.tenant AND s.alert_id = a.id
           WHERE a.tenant = ? AND a.time >= ? AND a.time <= ? ORDER BY a.time DESC, a.id DESC LIMIT ?`
        : `SELECT a.doc, 'new' AS status FROM alerts a
           WHERE a.tenant = ? AND a.time >= ? AND a.time <= ? ORDER BY a.time DESC, a.id DESC LIMIT ?`,
    )
    .all(ctx.tenant, q.from ?? Number.MIN_SAFE_INTEGER, q.to ?? Number.MAX_SAFE_INTEGER, MAX_ALERTS) as {
    doc: string;
    status: RankedAlert['status'];
  }[];
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
