/**
 * @module
 * Reading the node database's tables for data-subject requests. The domain stores own their
 * tables; a subject request must see every row of every one of them, whatever API each store
 * offers, so this reads the tables directly and tolerates the ones a node has not created yet.
 */
import type { SqliteDb } from '@intersoc/storage';

/** True when the table exists. */
export function hasTable(db: SqliteDb, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Rows of a query, or none when the table is missing. */
export function rowsOf<T>(db: SqliteDb, table: string, sql: string, ...args: unknown[]): T[] {
  return hasTable(db, table) ? (db.prepare(sql).all(...args) as T[]) : [];
}

/** Tenants that hold data on the node. */
export function tenantsOf(nodeDb: SqliteDb, eventsDb: SqliteDb | undefined): string[] {
  const set = new Set<string>();
  const add = (rows: { tenant: string }[]): void => rows.forEach((r) => set.add(r.tenant));
  add(rowsOf(nodeDb, 'tenants', 'SELECT name AS tenant FROM tenants'));
  add(rowsOf(nodeDb, 'incidents', 'SELECT DISTINCT tenant FROM incidents'));
  add(rowsOf(nodeDb, 'cases', 'SELECT DISTINCT tenant FROM cases'));
  add(rowsOf(nodeDb, 'cti_objects', 'SELECT DISTINCT tenant FROM cti_objects'));
  if (eventsDb) add(rowsOf(eventsDb, 'partitions', 'SELECT DISTINCT tenant FROM partitions'));
  return [...set].sort();
}

/** Legal holds: cases still open or reported under NIS2, and what they cover. */
export interface Holds {
  /** case id -> reason */
  readonly cases: ReadonlyMap<string, string>;
  /** incident id -> reason */
  readonly incidents: ReadonlyMap<string, string>;
  readonly alerts: ReadonlySet<string>;
  readonly events: ReadonlySet<string>;
}

/** The legal holds of one tenant. */
export function holdsOf(nodeDb: SqliteDb, tenant: string): Holds {
  const cases = new Map<string, string>();
  for (const c of rowsOf<{ id: string; number: number; status: string; significant: number }>(
    nodeDb,
    'cases',
    'SELECT id, number, status, significant FROM cases WHERE tenant = ?',
    tenant,
  )) {
    if (c.significant) cases.set(c.id, `case #${c.number} is a significant incident under NIS2 (Art. 23 reporting)`);
    else if (c.status !== 'closed') cases.set(c.id, `case #${c.number} is open (${c.status}): needed for its handling`);
  }
  const incidents = new Map<string, string>();
  for (const i of rowsOf<{ id: string; case_id: string | null }>(
    nodeDb,
    'incidents',
    'SELECT id, case_id FROM incidents WHERE tenant = ? AND case_id IS NOT NULL',
    tenant,
  )) {
    const r = i.case_id ? cases.get(i.case_id) : undefined;
    if (r) incidents.set(i.id, r);
  }
  const alerts = new Set<string>();
  const events = new Set<string>();
  for (const a of rowsOf<{ alert_id: string; incident: string; doc: string }>(
    nodeDb,
    'incident_alerts',
    'SELECT alert_id, incident, doc FROM incident_alerts WHERE tenant = ?',
    tenant,
  )) {
    if (!incidents.has(a.incident)) continue;
    alerts.add(a.alert_id);
    try {
      const d = JSON.parse(a.doc) as { eventIds?: unknown };
      if (Array.isArray(d.eventIds)) for (const e of d.eventIds) if (typeof e === 'string') events.add(e);
    } catch {
      // A compact alert without event ids holds no events.
    }
  }
  return { cases, incidents, alerts, events };
}
