/**
 * @module
 * The alert triage state on PostgreSQL (migration step `15-alert-triage`), over the synchronous
 * bridge, so callers use it exactly as `SqliteAlertTriage`: the queue reads `ev_alerts` (written by
 * the event store) LEFT JOIN `alert_status`, with the filter, row mapping and paging of the SQLite
 * store (`events/alert-triage.ts`), hence the same pages and cursors. The SQLite store streams the
 * queue from one statement; here rows come in keyset chunks, newest first, until the page is full.
 * Several processes may change states at once: each chunk of ids is one INSERT … SELECT from
 * `ev_alerts` … ON CONFLICT, so the existence check and the write cannot be split by another
 * writer, and ids are locked in sorted order, so two bulk changes cannot deadlock.
 */
import type { Alert, AuthContext } from '@intersoc/core';
import {
  alertStateOf,
  checkStatusChange,
  planTriage,
  TRIAGE_ID_CHUNK,
  triageConditions,
  TriagePageBuilder,
  type AlertState,
  type AlertStatus,
  type AlertTriage,
  type StatusChange,
  type StatusChangeResult,
  type TriagedAlert,
  type TriagePage,
  type TriageQuery,
  type TriageRow,
} from '../../events/alert-triage.js';
import type { SqlParam, SyncPg } from '../sync/bridge.js';

/** Alert rows read per round trip of a listing, at least. */
const MIN_FETCH = 200;
/** Alert rows read per round trip of a listing, at most (documents are a few KB each). */
const MAX_FETCH = 2_000;

const JOINED = `SELECT a.id, a.time, a.doc, s.status, s.reason, s.actor, s.changed
  FROM ev_alerts a LEFT JOIN alert_status s ON s.tenant = a.tenant AND s.alert_id = a.id`;

/** `$1, $2, …` from `from` on, one per value. */
function placeholders(n: number, from: number): string {
  return Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');
}

/** Triage over the PostgreSQL store's alerts. */
export class PgAlertTriage implements AlertTriage {
  readonly #pg: SyncPg;
  readonly #now: () => number;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg, now: () => number = Date.now) {
    this.#pg = pg;
    this.#now = now;
  }

  list(ctx: AuthContext, q: TriageQuery): TriagePage {
    const plan = planTriage(q);
    const page = new TriagePageBuilder(plan, q.deadline);
    const fetch = Math.min(Math.max(plan.limit, MIN_FETCH), MAX_FETCH);
    let after = plan.after;
    for (;;) {
      const args: SqlParam[] = [];
      const where = triageConditions(ctx, q, after, (v) => {
        args.push(v);
        return `$${args.length}`;
      });
      args.push(fetch);
      const rows = this.#pg.query<TriageRow>(
        `${JOINED} WHERE ${where.join(' AND ')} ORDER BY a.time DESC, a.id DESC LIMIT $${args.length}`,
        args,
      );
      for (const r of rows) if (page.add(r)) return page.page();
      const last = rows.at(-1);
      if (!last || rows.length < fetch) return page.page();
      after = { time: last.time, id: last.id };
    }
  }

  get(ctx: AuthContext, id: string): TriagedAlert | undefined {
    const [r] = this.#pg.query<TriageRow>(`${JOINED} WHERE a.tenant = $1 AND a.id = $2`, [ctx.tenant, id]);
    return r ? { alert: JSON.parse(r.doc) as Alert, state: alertStateOf(r) } : undefined;
  }

  states(ctx: AuthContext, ids: readonly string[]): Map<string, AlertState> {
    const out = new Map<string, AlertState>();
    for (let i = 0; i < ids.length; i += TRIAGE_ID_CHUNK) {
      const chunk = ids.slice(i, i + TRIAGE_ID_CHUNK);
      const rows = this.#pg.query<Omit<TriageRow, 'id' | 'time' | 'doc'> & { alert_id: string }>(
        `SELECT alert_id, status, reason, actor, changed FROM alert_status
         WHERE tenant = $1 AND alert_id IN (${placeholders(chunk.length, 2)})`,
        [ctx.tenant, ...chunk],
      );
      for (const r of rows) out.set(r.alert_id, alertStateOf(r));
    }
    for (const id of ids) if (!out.has(id)) out.set(id, { status: 'new' });
    return out;
  }

  setStatus(ctx: AuthContext, ids: readonly string[], change: StatusChange): StatusChangeResult {
    const reason = checkStatusChange(ctx, change);
    const unique = [...new Set(ids)];
    // Sorted (byte order, as `COLLATE "C"`) so concurrent bulk changes lock rows in one order.
    const sorted = [...unique].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    const at = this.#now();
    const found = new Set<string>();
    this.#pg.transaction(() => {
      for (let i = 0; i < sorted.length; i += TRIAGE_ID_CHUNK) {
        const chunk = sorted.slice(i, i + TRIAGE_ID_CHUNK);
        const rows = this.#pg.query<{ alert_id: string }>(
          `INSERT INTO alert_status (tenant, alert_id, status, reason, actor, changed)
             SELECT a.tenant, a.id, $2, $3, $4, $5 FROM ev_alerts a
             WHERE a.tenant = $1 AND a.id IN (${placeholders(chunk.length, 6)}) ORDER BY a.id
           ON CONFLICT (tenant, alert_id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
             actor = excluded.actor, changed = excluded.changed
           RETURNING alert_id`,
          [ctx.tenant, change.status, reason === '' ? null : reason, ctx.user, at, ...chunk],
        );
        for (const r of rows) found.add(r.alert_id);
      }
    });
    // Missing ids in the caller's order, as the SQLite store reports them.
    return { updated: found.size, missing: unique.filter((id) => !found.has(id)) };
  }

  closedBetween(ctx: AuthContext, from: number, to: number): { readonly id: string; readonly reason: string }[] {
    return this.#pg.query<{ id: string; reason: string }>(
      `SELECT alert_id AS id, COALESCE(reason, '') AS reason FROM alert_status
         WHERE tenant = $1 AND status = 'closed' AND changed >= $2 AND changed <= $3`,
      [ctx.tenant, from, to],
    );
  }

  counts(ctx: AuthContext, from: number, to: number): Record<AlertStatus, number> {
    const rows = this.#pg.query<{ status: AlertStatus; n: number }>(
      `SELECT COALESCE(s.status, 'new') AS status, COUNT(*) AS n
       FROM ev_alerts a LEFT JOIN alert_status s ON s.tenant = a.tenant AND s.alert_id = a.id
       WHERE a.tenant = $1 AND a.time >= $2 AND a.time <= $3 GROUP BY 1`,
      [ctx.tenant, from, to],
    );
    const out: Record<AlertStatus, number> = { new: 0, acknowledged: 0, closed: 0 };
    for (const r of rows) if (r.status in out) out[r.status] = r.n;
    return out;
  }
}
