/**
 * @module
 * PostgreSQL implementation of the incident store, over the synchronous bridge (`SyncPg` of
 * `@intersoc/storage/postgres`), so the incident stage and the routes call it exactly as they
 * call `SqliteIncidentStore`. Same tables (migration step 4, `intersoc db migrate`), same
 * statements in `$n` placeholders, same answers: the shared suite (`internal/incident-store-suite.ts`)
 * runs on both. A builder's changes go in one round trip inside one transaction.
 */
import { AppError, requireRole, SEVERITIES, type AuthContext, type Severity } from '@intersoc/core';
import type { SqlParam, Statement, SyncPg } from '@intersoc/storage/postgres';
import { READ_ROLES, WORK_ROLES } from '../access/roles.js';
import type { BuilderChanges } from '../incidents/builder.js';
import {
  INCIDENT_STATUSES,
  type CrossSocLink,
  type Incident,
  type IncidentAlert,
  type IncidentStatus,
} from '../incidents/types.js';
import {
  compactAlert,
  decodeCursor,
  encodeCursor,
  likePattern,
  parseCompact,
  ROW_COLUMNS,
  searchText,
  toAlertIncidentRef,
  toIncident,
  type IncidentRow,
} from './incident-rows.js';
import type { AlertIncidentRef, IncidentCounts, IncidentPage, IncidentQuery, IncidentStore } from './types.js';

const SEV_RANK = new Map(SEVERITIES.map((s, i) => [s, i]));

const UPSERT = `INSERT INTO incidents (tenant, id, status, severity, score, first_seen, last_seen, updated, case_id, search, doc)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
  ON CONFLICT (tenant, id) DO UPDATE SET severity = excluded.severity, score = excluded.score,
    first_seen = excluded.first_seen, last_seen = excluded.last_seen, updated = excluded.updated,
    search = excluded.search, doc = excluded.doc`;

/** Placeholders `$from` … `$(from + n - 1)`, comma-separated. */
function slots(from: number, n: number): string {
  return Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');
}

/** The incident store on PostgreSQL. */
export class PgIncidentStore implements IncidentStore {
  readonly #pg: SyncPg;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg) {
    this.#pg = pg;
  }

  apply(ctx: AuthContext, c: BuilderChanges): void {
    requireRole(ctx, WORK_ROLES);
    const tenant = ctx.tenant;
    const st: Statement[] = [];
    for (const m of c.members) {
      if (m.alert.tenant !== tenant) continue;
      st.push({
        text: `INSERT INTO incident_alerts (tenant, alert_id, incident, time, doc) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT DO NOTHING`,
        params: [tenant, m.alert.id, m.incident, m.alert.time, JSON.stringify(compactAlert(m.alert))],
      });
    }
    for (const m of c.merged) {
      st.push(
        {
          text: 'UPDATE incident_alerts SET incident = $1 WHERE tenant = $2 AND incident = $3',
          params: [m.into, tenant, m.from],
        },
        {
          text: `UPDATE incidents SET status = 'merged', merged_into = $1
                 WHERE tenant = $2 AND (id = $3 OR merged_into = $3)`,
          params: [m.into, tenant, m.from],
        },
        // SQLite's UPDATE OR IGNORE: a value the target already holds stays with the source.
        {
          text: `UPDATE incident_observables o SET incident = $1 WHERE tenant = $2 AND incident = $3
                 AND NOT EXISTS (SELECT 1 FROM incident_observables x
                                 WHERE x.tenant = o.tenant AND x.value = o.value AND x.incident = $1)`,
          params: [m.into, tenant, m.from],
        },
      );
    }
    for (const i of c.incidents) {
      if (i.tenant !== tenant) continue;
      st.push({
        text: UPSERT,
        params: [
          tenant,
          i.id,
          'open',
          i.severity,
          i.score,
          i.firstSeen,
          i.lastSeen,
          i.updated,
          null,
          searchText(i),
          JSON.stringify(i),
        ],
      });
      const values = [...i.ips, ...i.domains];
      if (values.length > 0) {
        st.push({
          text: `INSERT INTO incident_observables (tenant, value, incident)
                 SELECT $1, v, $2 FROM unnest(ARRAY[${slots(3, values.length)}]::text[]) AS v ON CONFLICT DO NOTHING`,
          params: [tenant, i.id, ...values],
        });
      }
    }
    if (st.length === 0) return;
    // BEGIN travels with the batch and COMMIT after it: two round trips for the whole drain.
    this.#pg.transaction(() => this.#pg.batch(st));
  }

  #links(tenant: string, ids: readonly string[]): Map<string, CrossSocLink[]> {
    const out = new Map<string, CrossSocLink[]>();
    if (ids.length === 0) return out;
    const rows = this.#pg.query<{ incident: string; doc: string }>(
      `SELECT incident, doc FROM incident_links WHERE tenant = $1 AND incident IN (${slots(2, ids.length)})`,
      [tenant, ...ids],
    );
    for (const r of rows) {
      const list = out.get(r.incident) ?? [];
      list.push(JSON.parse(r.doc) as CrossSocLink);
      out.set(r.incident, list);
    }
    return out;
  }

  /** Rows as incidents, reading the links of all of them in one query. */
  #incidents(tenant: string, rows: readonly IncidentRow[]): Incident[] {
    const links = this.#links(
      tenant,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toIncident(r, () => links.get(r.id) ?? []));
  }

  list(ctx: AuthContext, q: IncidentQuery = {}): IncidentPage {
    requireRole(ctx, READ_ROLES);
    const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? 100)), 1000);
    const args: SqlParam[] = [ctx.tenant, q.from ?? Number.MIN_SAFE_INTEGER, q.to ?? Number.MAX_SAFE_INTEGER];
    const where = ['tenant = $1', 'last_seen >= $2', 'last_seen <= $3'];
    const add = (values: readonly SqlParam[]): string => {
      const s = slots(args.length + 1, values.length);
      args.push(...values);
      return s;
    };
    const statuses = q.statuses ?? INCIDENT_STATUSES.filter((s) => s !== 'merged');
    where.push(statuses.length > 0 ? `status IN (${add(statuses)})` : 'false');
    if (q.minSeverity !== undefined) {
      where.push(`severity IN (${add(SEVERITIES.slice(SEV_RANK.get(q.minSeverity) ?? 0))})`);
    }
    if (q.q !== undefined && q.q.trim() !== '') where.push(`search LIKE ${add([likePattern(q.q)])} ESCAPE '\\'`);
    if (q.cursor !== undefined) {
      const [t, id] = decodeCursor(q.cursor);
      const [a, b] = add([t, id]).split(', ');
      where.push(`(last_seen < ${a} OR (last_seen = ${a} AND id < ${b}))`);
    }
    const rows = this.#pg.query<IncidentRow>(
      `SELECT ${ROW_COLUMNS} FROM incidents WHERE ${where.join(' AND ')}
       ORDER BY last_seen DESC, id DESC LIMIT ${add([limit + 1])}`,
      args,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: this.#incidents(ctx.tenant, page),
      ...(rows.length > limit && last ? { nextCursor: encodeCursor(last.last_seen, last.id) } : {}),
    };
  }

  get(ctx: AuthContext, id: string): Incident | undefined {
    requireRole(ctx, READ_ROLES);
    const [r] = this.#pg.query<IncidentRow>(`SELECT ${ROW_COLUMNS} FROM incidents WHERE tenant = $1 AND id = $2`, [
      ctx.tenant,
      id,
    ]);
    return r ? this.#incidents(ctx.tenant, [r])[0] : undefined;
  }

  alerts(ctx: AuthContext, id: string, limit = 10_000): readonly IncidentAlert[] {
    requireRole(ctx, READ_ROLES);
    return this.#pg
      .query<{ doc: string }>(
        'SELECT doc FROM incident_alerts WHERE tenant = $1 AND incident = $2 ORDER BY time, alert_id LIMIT $3',
        [ctx.tenant, id, limit],
      )
      .map((r) => parseCompact(r.doc));
  }

  incidentOfAlert(ctx: AuthContext, alertId: string): string | undefined {
    requireRole(ctx, READ_ROLES);
    const [r] = this.#pg.query<{ incident: string }>(
      'SELECT incident FROM incident_alerts WHERE tenant = $1 AND alert_id = $2',
      [ctx.tenant, alertId],
    );
    return r?.incident;
  }

  setStatus(ctx: AuthContext, ids: readonly string[], status: IncidentStatus, caseId?: string | null): number {
    requireRole(ctx, WORK_ROLES);
    if (status === 'merged') throw new AppError('VALIDATION', 'incidents are merged by the builder, not by hand');
    if (ids.length === 0) return 0;
    const st: Statement[] = ids.map((id) =>
      caseId === undefined
        ? {
            text: `UPDATE incidents SET status = $1, closed_reason = NULL WHERE tenant = $2 AND id = $3 AND status != 'merged'`,
            params: [status, ctx.tenant, id],
          }
        : {
            text: `UPDATE incidents SET status = $1, case_id = $2, closed_reason = NULL
                   WHERE tenant = $3 AND id = $4 AND status != 'merged'`,
            params: [status, caseId, ctx.tenant, id],
          },
    );
    return this.#pg.transaction(() => this.#pg.batch(st)).reduce((n, r) => n + r.count, 0);
  }

  /** The incidents of the given alerts (one query per chunk of ids), with title, status and case. */
  incidentsOfAlerts(ctx: AuthContext, alertIds: readonly string[]): Map<string, AlertIncidentRef> {
    requireRole(ctx, READ_ROLES);
    const out = new Map<string, AlertIncidentRef>();
    for (let i = 0; i < alertIds.length; i += 500) {
      const chunk = alertIds.slice(i, i + 500);
      const rows = this.#pg.query<{
        alert_id: string;
        id: string;
        status: string;
        case_id: string | null;
        title: string | null;
      }>(
        `SELECT m.alert_id, i.id, i.status, i.case_id, i.doc::jsonb ->> 'title' AS title
         FROM incident_alerts m JOIN incidents i ON i.tenant = m.tenant AND i.id = m.incident
         WHERE m.tenant = $1 AND m.alert_id IN (${slots(2, chunk.length)})`,
        [ctx.tenant, ...chunk],
      );
      for (const r of rows) {
        out.set(r.alert_id, toAlertIncidentRef(r));
      }
    }
    return out;
  }

  /** Closes an open incident outside a case with a reason; false when it was not open or is in a case. */
  closeWithReason(ctx: AuthContext, id: string, reason: string): boolean {
    requireRole(ctx, WORK_ROLES);
    return (
      this.#pg.run(
        `UPDATE incidents SET status = 'closed', closed_reason = $1
         WHERE tenant = $2 AND id = $3 AND status = 'open' AND case_id IS NULL`,
        [reason, ctx.tenant, id],
      ) > 0
    );
  }

  put(ctx: AuthContext, i: Incident): void {
    requireRole(ctx, WORK_ROLES);
    this.#pg.run(UPSERT, [
      ctx.tenant,
      i.id,
      i.status,
      i.severity,
      i.score,
      i.firstSeen,
      i.lastSeen,
      i.updated,
      i.caseId ?? null,
      searchText(i),
      JSON.stringify(i),
    ]);
  }

  moveAlerts(ctx: AuthContext, from: string, to: string, alertIds: readonly string[]): number {
    requireRole(ctx, WORK_ROLES);
    if (alertIds.length === 0) return 0;
    return this.#pg.run(
      `UPDATE incident_alerts SET incident = $1 WHERE tenant = $2 AND incident = $3
       AND alert_id IN (${slots(4, alertIds.length)})`,
      [to, ctx.tenant, from, ...alertIds],
    );
  }

  linkObservable(ctx: AuthContext, link: CrossSocLink): readonly string[] {
    requireRole(ctx, WORK_ROLES);
    const ids = this.#pg
      .query<{ incident: string }>('SELECT incident FROM incident_observables WHERE tenant = $1 AND value = $2', [
        ctx.tenant,
        link.observable.trim().toLowerCase(),
      ])
      .map((r) => r.incident);
    this.#pg.batch(
      ids.map((id) => ({
        text: `INSERT INTO incident_links (tenant, incident, peer, ref, doc) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (tenant, incident, peer, ref) DO UPDATE SET doc = excluded.doc`,
        params: [ctx.tenant, id, link.peer, link.ref, JSON.stringify(link)],
      })),
    );
    return ids;
  }

  /**
   * Incidents of every tenant written at or after `since` (wall clock), oldest change first, up to
   * `limit`: node-internal (the `respond` role's trigger scan), so no caller context.
   */
  changedSince(since: number, limit = 500): { tenant: string; id: string; updated: number }[] {
    return this.#pg.query<{ tenant: string; id: string; updated: number }>(
      `SELECT tenant, id, updated FROM incidents WHERE updated >= $1 AND status != 'merged'
       ORDER BY updated, tenant, id LIMIT $2`,
      [since, limit],
    );
  }

  openSince(ctx: AuthContext, since: number): readonly Incident[] {
    requireRole(ctx, READ_ROLES);
    return this.#pg
      .query<IncidentRow>(
        `SELECT ${ROW_COLUMNS} FROM incidents WHERE tenant = $1 AND last_seen >= $2 AND status != 'merged'
         ORDER BY last_seen`,
        [ctx.tenant, since],
      )
      .map((r) => toIncident(r, () => []));
  }

  counts(ctx: AuthContext): IncidentCounts {
    requireRole(ctx, READ_ROLES);
    const byStatus = Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, 0])) as Record<IncidentStatus, number>;
    const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    let total = 0;
    for (const r of this.#pg.query<{ status: IncidentStatus; severity: Severity; n: number }>(
      'SELECT status, severity, count(*) AS n FROM incidents WHERE tenant = $1 GROUP BY status, severity',
      [ctx.tenant],
    )) {
      byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
      if (r.status !== 'merged') {
        bySeverity[r.severity] = (bySeverity[r.severity] ?? 0) + r.n;
        total += r.n;
      }
    }
    return { total, byStatus, bySeverity };
  }
}
