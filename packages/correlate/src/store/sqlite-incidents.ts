/**
 * @module
 * SQLite implementation of the incident store, in the node's main database: `incidents` (one
 * row per incident: indexed columns plus the JSON document), `incident_alerts` (compact copies
 * of member alerts), `incident_observables` (external addresses and domains, for matching other
 * SOCs' sightings) and `incident_links`. The builder's state (title, score, timeline) is written
 * as it is; status and case belong to analysts and are never overwritten by the builder.
 */
import { AppError, requireRole, SEVERITIES, type AuthContext, type Severity } from '@intersoc/core';
import { migrate, type SqliteDb } from '@intersoc/storage';
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
  searchText,
  toAlertIncidentRef,
  toIncident,
  type IncidentRow,
} from './incident-rows.js';
import type { AlertIncidentRef, IncidentCounts, IncidentPage, IncidentQuery, IncidentStore } from './types.js';

export { alertOfCompact, compactAlert } from './incident-rows.js';

const STEPS = [
  `CREATE TABLE incidents (
     tenant TEXT NOT NULL,
     id TEXT NOT NULL,
     status TEXT NOT NULL,
     severity TEXT NOT NULL,
     score INTEGER NOT NULL,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     updated INTEGER NOT NULL,
     case_id TEXT,
     merged_into TEXT,
     search TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, id)
   ) WITHOUT ROWID;
   CREATE INDEX incidents_by_time ON incidents (tenant, last_seen, id);
   CREATE TABLE incident_alerts (
     tenant TEXT NOT NULL,
     alert_id TEXT NOT NULL,
     incident TEXT NOT NULL,
     time INTEGER NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, alert_id)
   ) WITHOUT ROWID;
   CREATE INDEX incident_alerts_by_incident ON incident_alerts (tenant, incident, time);
   CREATE TABLE incident_observables (
     tenant TEXT NOT NULL,
     value TEXT NOT NULL,
     incident TEXT NOT NULL,
     PRIMARY KEY (tenant, value, incident)
   ) WITHOUT ROWID;
   CREATE TABLE incident_links (
     tenant TEXT NOT NULL,
     incident TEXT NOT NULL,
     peer TEXT NOT NULL,
     ref TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, incident, peer, ref)
   ) WITHOUT ROWID;`,
  // Merges find what they move by incident: without these, each merge read the tenant's whole tables.
  `CREATE INDEX incidents_by_merged_into ON incidents (tenant, merged_into) WHERE merged_into IS NOT NULL;
   CREATE INDEX incident_observables_by_incident ON incident_observables (tenant, incident);`,
  // Why an incident was closed from its alerts (every one closed as a false positive); the builder
  // rewrites `doc`, so the reason has its own column.
  `ALTER TABLE incidents ADD COLUMN closed_reason TEXT;`,
];

const SEV_RANK = new Map(SEVERITIES.map((s, i) => [s, i]));

type Row = IncidentRow;

/** The incident store in SQLite. */
export class SqliteIncidentStore implements IncidentStore {
  constructor(private readonly db: SqliteDb) {
    migrate(db, 'incidents', STEPS);
  }

  apply(ctx: AuthContext, c: BuilderChanges): void {
    requireRole(ctx, WORK_ROLES);
    const tenant = ctx.tenant;
    const upsert = this.db.prepare(
      `INSERT INTO incidents (tenant, id, status, severity, score, first_seen, last_seen, updated, search, doc)
       VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, id) DO UPDATE SET severity = excluded.severity, score = excluded.score,
         first_seen = excluded.first_seen, last_seen = excluded.last_seen, updated = excluded.updated,
         search = excluded.search, doc = excluded.doc`,
    );
    const member = this.db.prepare(
      'INSERT OR IGNORE INTO incident_alerts (tenant, alert_id, incident, time, doc) VALUES (?, ?, ?, ?, ?)',
    );
    // SQLite does not search by an index on a column the UPDATE changes: the rows are found by a
    // subquery on that index and updated by primary key.
    const moveAll = this.db.prepare(
      `UPDATE incident_alerts SET incident = ? WHERE tenant = ? AND alert_id IN
         (SELECT alert_id FROM incident_alerts WHERE tenant = ? AND incident = ?)`,
    );
    const markMerged = this.db.prepare(
      `UPDATE incidents SET status = 'merged', merged_into = ? WHERE tenant = ? AND id IN
         (SELECT ? UNION ALL SELECT id FROM incidents WHERE tenant = ? AND merged_into = ?)`,
    );
    const moveObs = this.db.prepare(
      `UPDATE OR IGNORE incident_observables SET incident = ? WHERE tenant = ? AND incident = ? AND value IN
         (SELECT value FROM incident_observables WHERE tenant = ? AND incident = ?)`,
    );
    const obs = this.db.prepare(
      'INSERT OR IGNORE INTO incident_observables (tenant, value, incident) VALUES (?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const m of c.members) {
        if (m.alert.tenant !== tenant) continue;
        member.run(tenant, m.alert.id, m.incident, m.alert.time, JSON.stringify(compactAlert(m.alert)));
      }
      for (const m of c.merged) {
        moveAll.run(m.into, tenant, tenant, m.from);
        markMerged.run(m.into, tenant, m.from, tenant, m.from);
        moveObs.run(m.into, tenant, m.from, tenant, m.from);
      }
      for (const i of c.incidents) {
        if (i.tenant !== tenant) continue;
        upsert.run(
          tenant,
          i.id,
          i.severity,
          i.score,
          i.firstSeen,
          i.lastSeen,
          i.updated,
          searchText(i),
          JSON.stringify(i),
        );
        for (const v of [...i.ips, ...i.domains]) obs.run(tenant, v, i.id);
      }
    })();
  }

  private toIncident(r: Row, links?: readonly CrossSocLink[]): Incident {
    return toIncident(r, (tenant) => links ?? this.links(tenant, r.id));
  }

  private links(tenant: string, id: string): CrossSocLink[] {
    return (
      this.db.prepare('SELECT doc FROM incident_links WHERE tenant = ? AND incident = ?').all(tenant, id) as {
        doc: string;
      }[]
    ).map((r) => JSON.parse(r.doc) as CrossSocLink);
  }

  list(ctx: AuthContext, q: IncidentQuery = {}): IncidentPage {
    requireRole(ctx, READ_ROLES);
    const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? 100)), 1000);
    const where = ['tenant = ?', 'last_seen >= ?', 'last_seen <= ?'];
    const args: (string | number)[] = [ctx.tenant, q.from ?? Number.MIN_SAFE_INTEGER, q.to ?? Number.MAX_SAFE_INTEGER];
    const statuses = q.statuses ?? INCIDENT_STATUSES.filter((s) => s !== 'merged');
    where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
    args.push(...statuses);
    if (q.minSeverity !== undefined) {
      const sev = SEVERITIES.slice(SEV_RANK.get(q.minSeverity) ?? 0);
      where.push(`severity IN (${sev.map(() => '?').join(', ')})`);
      args.push(...sev);
    }
    if (q.q !== undefined && q.q.trim() !== '') {
      where.push("search LIKE ? ESCAPE '\\'");
      args.push(likePattern(q.q));
    }
    if (q.cursor !== undefined) {
      const [t, id] = decodeCursor(q.cursor);
      where.push('(last_seen < ? OR (last_seen = ? AND id < ?))');
      args.push(t, t, id);
    }
    const rows = this.db
      .prepare(
        `SELECT id, status, case_id, merged_into, closed_reason, last_seen, doc FROM incidents WHERE ${where.join(' AND ')}
         ORDER BY last_seen DESC, id DESC LIMIT ?`,
      )
      .all(...args, limit + 1) as Row[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.toIncident(r)),
      ...(rows.length > limit && last ? { nextCursor: encodeCursor(last.last_seen, last.id) } : {}),
    };
  }

  get(ctx: AuthContext, id: string): Incident | undefined {
    requireRole(ctx, READ_ROLES);
    const r = this.db
      .prepare(
        'SELECT id, status, case_id, merged_into, closed_reason, last_seen, doc FROM incidents WHERE tenant = ? AND id = ?',
      )
      .get(ctx.tenant, id) as Row | undefined;
    return r ? this.toIncident(r) : undefined;
  }

  alerts(ctx: AuthContext, id: string, limit = 10_000): readonly IncidentAlert[] {
    requireRole(ctx, READ_ROLES);
    return (
      this.db
        .prepare('SELECT doc FROM incident_alerts WHERE tenant = ? AND incident = ? ORDER BY time, alert_id LIMIT ?')
        .all(ctx.tenant, id, limit) as { doc: string }[]
    ).map((r) => parseCompact(r.doc));
  }

  incidentOfAlert(ctx: AuthContext, alertId: string): string | undefined {
    requireRole(ctx, READ_ROLES);
    const r = this.db
      .prepare('SELECT incident FROM incident_alerts WHERE tenant = ? AND alert_id = ?')
      .get(ctx.tenant, alertId) as { incident: string } | undefined;
    return r?.incident;
  }

  setStatus(ctx: AuthContext, ids: readonly string[], status: IncidentStatus, caseId?: string | null): number {
    requireRole(ctx, WORK_ROLES);
    if (status === 'merged') throw new AppError('VALIDATION', 'incidents are merged by the builder, not by hand');
    const stmt =
      caseId === undefined
        ? this.db.prepare(
            `UPDATE incidents SET status = ?, closed_reason = NULL WHERE tenant = ? AND id = ? AND status != 'merged'`,
          )
        : this.db.prepare(
            `UPDATE incidents SET status = ?, case_id = ?, closed_reason = NULL
             WHERE tenant = ? AND id = ? AND status != 'merged'`,
          );
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) {
        n += (caseId === undefined ? stmt.run(status, ctx.tenant, id) : stmt.run(status, caseId, ctx.tenant, id))
          .changes;
      }
    })();
    return n;
  }

  /**
   * The incidents of the given alerts (one query per chunk of ids), with what a queue shows of
   * them: title, status and case.
   */
  incidentsOfAlerts(ctx: AuthContext, alertIds: readonly string[]): Map<string, AlertIncidentRef> {
    requireRole(ctx, READ_ROLES);
    const out = new Map<string, AlertIncidentRef>();
    for (let i = 0; i < alertIds.length; i += 500) {
      const chunk = alertIds.slice(i, i + 500);
      const rows = this.db
        .prepare(
          `SELECT m.alert_id, i.id, i.status, i.case_id, json_extract(i.doc, '$.title') AS title
           FROM incident_alerts m JOIN incidents i ON i.tenant = m.tenant AND i.id = m.incident
           WHERE m.tenant = ? AND m.alert_id IN (${chunk.map(() => '?').join(',')})`,
        )
        .all(ctx.tenant, ...chunk) as {
        alert_id: string;
        id: string;
        status: string;
        case_id: string | null;
        title: string | null;
      }[];
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
      this.db
        .prepare(
          `UPDATE incidents SET status = 'closed', closed_reason = ?
           WHERE tenant = ? AND id = ? AND status = 'open' AND case_id IS NULL`,
        )
        .run(reason, ctx.tenant, id).changes > 0
    );
  }

  put(ctx: AuthContext, i: Incident): void {
    requireRole(ctx, WORK_ROLES);
    this.db
      .prepare(
        `INSERT INTO incidents (tenant, id, status, severity, score, first_seen, last_seen, updated, case_id, search, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant, id) DO UPDATE SET severity = excluded.severity, score = excluded.score,
           first_seen = excluded.first_seen, last_seen = excluded.last_seen, updated = excluded.updated,
           search = excluded.search, doc = excluded.doc`,
      )
      .run(
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
      );
  }

  moveAlerts(ctx: AuthContext, from: string, to: string, alertIds: readonly string[]): number {
    requireRole(ctx, WORK_ROLES);
    const stmt = this.db.prepare(
      'UPDATE incident_alerts SET incident = ? WHERE tenant = ? AND incident = ? AND alert_id = ?',
    );
    let n = 0;
    this.db.transaction(() => {
      for (const id of alertIds) n += stmt.run(to, ctx.tenant, from, id).changes;
    })();
    return n;
  }

  linkObservable(ctx: AuthContext, link: CrossSocLink): readonly string[] {
    requireRole(ctx, WORK_ROLES);
    const ids = (
      this.db
        .prepare('SELECT incident FROM incident_observables WHERE tenant = ? AND value = ?')
        .all(ctx.tenant, link.observable.trim().toLowerCase()) as { incident: string }[]
    ).map((r) => r.incident);
    const put = this.db.prepare(
      'INSERT OR REPLACE INTO incident_links (tenant, incident, peer, ref, doc) VALUES (?, ?, ?, ?, ?)',
    );
    for (const id of ids) put.run(ctx.tenant, id, link.peer, link.ref, JSON.stringify(link));
    return ids;
  }

  openSince(ctx: AuthContext, since: number): readonly Incident[] {
    requireRole(ctx, READ_ROLES);
    return (
      this.db
        .prepare(
          `SELECT id, status, case_id, merged_into, closed_reason, last_seen, doc FROM incidents
           WHERE tenant = ? AND last_seen >= ? AND status != 'merged' ORDER BY last_seen`,
        )
        .all(ctx.tenant, since) as Row[]
    ).map((r) => this.toIncident(r, []));
  }

  counts(ctx: AuthContext): IncidentCounts {
    requireRole(ctx, READ_ROLES);
    const byStatus = Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, 0])) as Record<IncidentStatus, number>;
    const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    let total = 0;
    for (const r of this.db
      .prepare('SELECT status, severity, COUNT(*) AS n FROM incidents WHERE tenant = ? GROUP BY status, severity')
      .all(ctx.tenant) as { status: IncidentStatus; severity: Severity; n: number }[]) {
      byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
      if (r.status !== 'merged') {
        bySeverity[r.severity] = (bySeverity[r.severity] ?? 0) + r.n;
        total += r.n;
      }
    }
    return { total, byStatus, bySeverity };
  }
}
