/**
 * @module
 * Analyst triage state of alerts: each alert is `new` until someone acknowledges or closes it
 * (with a reason). The state lives in its own table beside `alerts` in the event database, so
 * the pipeline's writer never touches it and the queue can filter on it in SQL. Every method
 * takes the caller's context and reads or writes only its tenant.
 *
 * `AlertTriage` is the interface of this store and of `PgAlertTriage` (`@intersoc/storage/postgres`,
 * over `ev_alerts`); the filter, the row mapping and the paging of the queue are shared below, so
 * both build the same pages and cursors.
 */
import { AppError, SEVERITIES, type Alert, type AuthContext, type Severity } from '@intersoc/core';
import { checkQueryCost, type QueryLimits } from '../query/cost.js';
import { compileQuery, type Predicate } from '../query/evaluate.js';
import { parseQuery } from '../query/parse.js';
import { migrate, type SqliteDb } from '../sqlite/database.js';
import { flattenForQuery } from './alert-doc.js';
import { decodeCursor, encodeCursor } from './cursor.js';

/** Triage states of an alert. */
export type AlertStatus = 'new' | 'acknowledged' | 'closed';

/** Every triage state, in workflow order. */
export const ALERT_STATUSES: readonly AlertStatus[] = ['new', 'acknowledged', 'closed'];

/** Triage state of one alert. */
export interface AlertState {
  readonly status: AlertStatus;
  /** Why it was acknowledged or closed. */
  readonly reason?: string;
  /** Who changed it last. */
  readonly by?: string;
  /** When it was changed last, epoch ms. */
  readonly changed?: number;
}

/** An alert with its triage state. */
export interface TriagedAlert {
  readonly alert: Alert;
  readonly state: AlertState;
}

/** A filtered listing of the alert queue, newest first. */
export interface TriageQuery {
  /** Query language over the alert (`rule:`, `host:`, `technique:` ...); empty matches all. */
  readonly q?: string;
  readonly from?: number;
  readonly to?: number;
  /** Only these states (all when omitted or empty). */
  readonly statuses?: readonly AlertStatus[];
  /** Only this severity and above. */
  readonly minSeverity?: Severity;
  /** Page size, 1 to 10,000 (default 500). */
  readonly limit?: number;
  readonly cursor?: string;
  /** Refuse the query with `EXPENSIVE_QUERY` when it exceeds these. */
  readonly limits?: QueryLimits;
  /** Epoch ms after which the listing stops and returns what it has, with a cursor. */
  readonly deadline?: number;
}

/** A page of the queue. */
export interface TriagePage {
  readonly items: readonly TriagedAlert[];
  readonly next?: string;
}

/** A status change for one or more alerts. */
export interface StatusChange {
  readonly status: AlertStatus;
  readonly reason?: string;
}

/** Outcome of a status change. */
export interface StatusChangeResult {
  /** Alerts whose state was written. */
  readonly updated: number;
  /** Ids that name no alert of the caller's tenant. */
  readonly missing: readonly string[];
}

const STEPS = [
  `CREATE TABLE alert_status (
     tenant TEXT NOT NULL,
     alert_id TEXT NOT NULL,
     status TEXT NOT NULL,
     reason TEXT,
     actor TEXT NOT NULL,
     changed INTEGER NOT NULL,
     PRIMARY KEY (tenant, alert_id)
   ) WITHOUT ROWID;
   CREATE INDEX alert_status_by_status ON alert_status (tenant, status);`,
];

const MAX_LIMIT = 10_000;
const DEFAULT_LIMIT = 500;
/** Alert rows examined per call before a partial page is returned with a cursor. */
const SCAN_BUDGET = 200_000;
/** Ids per `IN (...)` statement (SQLite's variable limit is far above; this keeps statements small). */
export const TRIAGE_ID_CHUNK = 500;
const ID_CHUNK = TRIAGE_ID_CHUNK;

/** The analyst's queue over alerts (`SqliteAlertTriage`, `PgAlertTriage`). Every method stays in `ctx.tenant`. */
export interface AlertTriage {
  /** The queue: alerts with their state, newest first, filtered in SQL and by the query language. */
  list(ctx: AuthContext, q: TriageQuery): TriagePage;
  /** One alert with its state; undefined when the caller's tenant has no such alert. */
  get(ctx: AuthContext, id: string): TriagedAlert | undefined;
  /** States of the given alerts (alerts without a stored state are `new`). */
  states(ctx: AuthContext, ids: readonly string[]): Map<string, AlertState>;
  /**
   * Sets the state of alerts of the caller's tenant. Viewers and partners may not; closing
   * needs a reason. Ids of other tenants are reported as missing, never touched.
   */
  setStatus(ctx: AuthContext, ids: readonly string[], change: StatusChange): StatusChangeResult;
  /** Alerts closed in the queue between `from` and `to` (by when they were closed), with the reason. */
  closedBetween(ctx: AuthContext, from: number, to: number): { readonly id: string; readonly reason: string }[];
  /** Number of alerts per state within a time window. */
  counts(ctx: AuthContext, from: number, to: number): Record<AlertStatus, number>;
}

/** An alert row with its state (alerts LEFT JOIN `alert_status`), as both stores read it. */
export interface TriageRow {
  id: string;
  time: number;
  doc: string;
  status: string | null;
  reason: string | null;
  actor: string | null;
  changed: number | null;
}
type Row = TriageRow;

/** The state of a row (no stored state: `new`). */
export function alertStateOf(r: Pick<TriageRow, 'status' | 'reason' | 'actor' | 'changed'>): AlertState {
  if (r.status === null) return { status: 'new' };
  return {
    status: r.status as AlertStatus,
    ...(r.reason === null ? {} : { reason: r.reason }),
    ...(r.actor === null ? {} : { by: r.actor }),
    ...(r.changed === null ? {} : { changed: r.changed }),
  };
}
const stateOf = alertStateOf;

/** A queue listing planned: page size, query predicate, and where it resumes. */
export interface TriagePlan {
  readonly limit: number;
  readonly pred: Predicate;
  /** Where the listing resumes: rows strictly older than this time and id, newest first. */
  readonly after: { readonly time: number; readonly id: string };
}

/** Parses and checks a listing (`VALIDATION`, `EXPENSIVE_QUERY`) before any row is read. */
export function planTriage(q: TriageQuery): TriagePlan {
  const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
  const tree = parseQuery(q.q ?? '');
  if (q.limits) checkQueryCost(tree, q.limits);
  const pred = compileQuery(tree);
  const cur = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
  return { limit, pred, after: { time: cur?.tMax ?? Number.MAX_SAFE_INTEGER, id: cur?.id ?? '\uffff' } };
}

/**
 * The WHERE conditions of a listing over `a` (alerts) joined with `s` (states), rows before
 * `after` only. `param` binds a value and returns its placeholder (`?` or `$n`); it is called in
 * the order the placeholders appear.
 */
export function triageConditions(
  ctx: AuthContext,
  q: TriageQuery,
  after: TriagePlan['after'],
  param: (v: string | number) => string,
): string[] {
  const where = [
    `a.tenant = ${param(ctx.tenant)}`,
    `a.time >= ${param(q.from ?? Number.MIN_SAFE_INTEGER)}`,
    `a.time <= ${param(q.to ?? Number.MAX_SAFE_INTEGER)}`,
    `(a.time < ${param(after.time)} OR (a.time = ${param(after.time)} AND a.id < ${param(after.id)}))`,
  ];
  if (q.minSeverity !== undefined) {
    const sev = SEVERITIES.slice(SEVERITIES.indexOf(q.minSeverity));
    where.push(`a.severity IN (${sev.map((v) => param(v)).join(', ')})`);
  }
  const statuses = q.statuses ?? [];
  if (statuses.length > 0 && statuses.length < ALERT_STATUSES.length) {
    where.push(`COALESCE(s.status, 'new') IN (${statuses.map((v) => param(v)).join(', ')})`);
  }
  return where;
}

/** Builds a page from rows read newest first; `add` says when to stop reading. */
export class TriagePageBuilder {
  readonly #items: TriagedAlert[] = [];
  #scanned = 0;
  #next: string | undefined;

  constructor(
    private readonly plan: TriagePlan,
    private readonly deadline: number | undefined,
  ) {}

  /** Takes one row; true when the page is full, the scan budget spent or the deadline passed. */
  add(r: TriageRow): boolean {
    const alert = JSON.parse(r.doc) as Alert;
    this.#scanned++;
    if (this.plan.pred(flattenForQuery(alert))) this.#items.push({ alert, state: stateOf(r) });
    const late = this.deadline !== undefined && Date.now() > this.deadline;
    if (this.#items.length >= this.plan.limit || this.#scanned >= SCAN_BUDGET || late) {
      this.#next = encodeCursor({ tMax: r.time, block: 0, skip: 0, id: r.id });
      return true;
    }
    return false;
  }

  /** The page built so far, with a cursor when reading stopped early. */
  page(): TriagePage {
    return this.#next === undefined ? { items: this.#items } : { items: this.#items, next: this.#next };
  }
}

/** Checks that the caller may change alert states, and the change itself; returns the trimmed reason. */
export function checkStatusChange(ctx: AuthContext, change: StatusChange): string {
  if (!ctx.roles.some((r) => r === 'admin' || r === 'analyst')) {
    throw new AppError('FORBIDDEN', 'changing alerts requires role admin or analyst');
  }
  const reason = change.reason?.trim() ?? '';
  if (change.status === 'closed' && reason === '') throw new AppError('VALIDATION', 'closing alerts needs a reason');
  return reason;
}

/** Triage over the event database's alerts (open it with the event reader's handle). */
export class SqliteAlertTriage implements AlertTriage {
  constructor(
    readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
  ) {
    migrate(db, 'alert-triage', STEPS);
  }

  /** The queue: alerts with their state, newest first, filtered in SQL and by the query language. */
  list(ctx: AuthContext, q: TriageQuery): TriagePage {
    const plan = planTriage(q);
    const args: (string | number)[] = [];
    const where = triageConditions(ctx, q, plan.after, (v) => {
      args.push(v);
      return '?';
    });
    const rows = this.db
      .prepare(
        `SELECT a.id, a.time, a.doc, s.status, s.reason, s.actor, s.changed
         FROM alerts a LEFT JOIN alert_status s ON s.tenant = a.tenant AND s.alert_id = a.id
         WHERE ${where.join(' AND ')} ORDER BY a.time DESC, a.id DESC`,
      )
      .iterate(...args) as IterableIterator<Row>;
    const page = new TriagePageBuilder(plan, q.deadline);
    for (const r of rows) if (page.add(r)) break;
    return page.page();
  }

  /** One alert with its state; undefined when the caller's tenant has no such alert. */
  get(ctx: AuthContext, id: string): TriagedAlert | undefined {
    const r = this.db
      .prepare(
        `SELECT a.id, a.time, a.doc, s.status, s.reason, s.actor, s.changed
         FROM alerts a LEFT JOIN alert_status s ON s.tenant = a.tenant AND s.alert_id = a.id
         WHERE a.tenant = ? AND a.id = ?`,
      )
      .get(ctx.tenant, id) as Row | undefined;
    return r ? { alert: JSON.parse(r.doc) as Alert, state: stateOf(r) } : undefined;
  }

  /** States of the given alerts (alerts without a stored state are `new`). */
  states(ctx: AuthContext, ids: readonly string[]): Map<string, AlertState> {
    const out = new Map<string, AlertState>();
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const chunk = ids.slice(i, i + ID_CHUNK);
      const rows = this.db
        .prepare(
          `SELECT alert_id, status, reason, actor, changed FROM alert_status
           WHERE tenant = ? AND alert_id IN (${chunk.map(() => '?').join(', ')})`,
        )
        .all(ctx.tenant, ...chunk) as (Omit<Row, 'id' | 'time' | 'doc'> & { alert_id: string })[];
      for (const r of rows) out.set(r.alert_id, stateOf(r));
    }
    for (const id of ids) if (!out.has(id)) out.set(id, { status: 'new' });
    return out;
  }

  /**
   * Sets the state of alerts of the caller's tenant. Viewers and partners may not; closing
   * needs a reason. Ids of other tenants are reported as missing, never touched.
   */
  setStatus(ctx: AuthContext, ids: readonly string[], change: StatusChange): StatusChangeResult {
    const reason = checkStatusChange(ctx, change);
    const unique = [...new Set(ids)];
    const at = this.now();
    const upsert = this.db.prepare(
      `INSERT INTO alert_status (tenant, alert_id, status, reason, actor, changed) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, alert_id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
         actor = excluded.actor, changed = excluded.changed`,
    );
    const missing: string[] = [];
    let updated = 0;
    this.db.transaction(() => {
      for (let i = 0; i < unique.length; i += ID_CHUNK) {
        const chunk = unique.slice(i, i + ID_CHUNK);
        const found = new Set(
          (
            this.db
              .prepare(`SELECT id FROM alerts WHERE tenant = ? AND id IN (${chunk.map(() => '?').join(', ')})`)
              .all(ctx.tenant, ...chunk) as { id: string }[]
          ).map((r) => r.id),
        );
        for (const id of chunk) {
          if (!found.has(id)) {
            missing.push(id);
            continue;
          }
          upsert.run(ctx.tenant, id, change.status, reason === '' ? null : reason, ctx.user, at);
          updated++;
        }
      }
    })();
    return { updated, missing };
  }

  /** Alerts closed in the queue between `from` and `to` (by when they were closed), with the reason. */
  closedBetween(ctx: AuthContext, from: number, to: number): { readonly id: string; readonly reason: string }[] {
    return this.db
      .prepare(
        `SELECT alert_id AS id, COALESCE(reason, '') AS reason FROM alert_status
           WHERE tenant = ? AND status = 'closed' AND changed >= ? AND changed <= ?`,
      )
      .all(ctx.tenant, from, to) as { id: string; reason: string }[];
  }

  /** Number of alerts per state within a time window. */
  counts(ctx: AuthContext, from: number, to: number): Record<AlertStatus, number> {
    const rows = this.db
      .prepare(
        `SELECT COALESCE(s.status, 'new') AS status, COUNT(*) AS n
         FROM alerts a LEFT JOIN alert_status s ON s.tenant = a.tenant AND s.alert_id = a.id
         WHERE a.tenant = ? AND a.time >= ? AND a.time <= ? GROUP BY 1`,
      )
      .all(ctx.tenant, from, to) as { status: AlertStatus; n: number }[];
    const out: Record<AlertStatus, number> = { new: 0, acknowledged: 0, closed: 0 };
    for (const r of rows) if (r.status in out) out[r.status] = r.n;
    return out;
  }
}
