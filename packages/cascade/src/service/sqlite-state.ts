/**
 * @module
 * The cascade service's state in the node's main database (`cascade_impacts`,
 * `cascade_warnings`, `cascade_cursor`, migration set `cascade-soc` in `tables.ts`).
 * `PgCascadeState` is the same store on PostgreSQL; the interface, row type and mappers are in
 * `state.ts`.
 */
import type { SqliteDb } from '@intersoc/storage';
import type { CascadeWarning } from '../warning/warning.js';
import {
  toWarningRecord,
  warningDoc,
  type CascadeStateStore,
  type IncidentImpact,
  type WarningRecord,
  type WarningRow,
} from './state.js';
import { migrateCascadeTables } from './tables.js';

/** The cascade service's state on SQLite. */
export class SqliteCascadeState implements CascadeStateStore {
  readonly #db: SqliteDb;

  /** Creates the tables when they are missing. */
  constructor(db: SqliteDb) {
    this.#db = db;
    migrateCascadeTables(db);
  }

  putImpact(tenant: string, impact: IncidentImpact): void {
    this.#db
      .prepare(
        'INSERT INTO cascade_impacts (tenant, incident, computed, doc) VALUES (?, ?, ?, ?) ON CONFLICT (tenant, incident) DO UPDATE SET computed = excluded.computed, doc = excluded.doc',
      )
      .run(tenant, impact.incident, impact.computed, JSON.stringify(impact));
  }

  impact(tenant: string, incident: string): IncidentImpact | undefined {
    const r = this.#db
      .prepare('SELECT doc FROM cascade_impacts WHERE tenant = ? AND incident = ?')
      .get(tenant, incident) as { doc: string } | undefined;
    return r ? (JSON.parse(r.doc) as IncidentImpact) : undefined;
  }

  putSent(tenant: string, warning: CascadeWarning, time: number): void {
    this.#db
      .prepare(
        "INSERT OR REPLACE INTO cascade_warnings (tenant, id, direction, peer, time, doc) VALUES (?, ?, 'sent', ?, ?, ?)",
      )
      .run(
        tenant,
        warning.id,
        warning.toPeer,
        time,
        warningDoc({ direction: 'sent', peer: warning.toPeer, time, warning }),
      );
  }

  received(tenant: string, id: string): boolean {
    return (
      this.#db
        .prepare("SELECT 1 FROM cascade_warnings WHERE tenant = ? AND id = ? AND direction = 'received'")
        .get(tenant, id) !== undefined
    );
  }

  putReceived(tenant: string, r: WarningRecord): boolean {
    const info = this.#db
      .prepare(
        "INSERT INTO cascade_warnings (tenant, id, direction, peer, time, doc) VALUES (?, ?, 'received', ?, ?, ?) ON CONFLICT DO NOTHING",
      )
      .run(tenant, r.warning.id, r.peer, r.time, warningDoc(r));
    return info.changes > 0;
  }

  warnings(tenant: string, limit: number): WarningRecord[] {
    return (
      this.#db
        .prepare(
          'SELECT direction, peer, time, doc FROM cascade_warnings WHERE tenant = ? ORDER BY time DESC, id, direction LIMIT ?',
        )
        .all(tenant, limit) as WarningRow[]
    ).map(toWarningRecord);
  }

  cursor(tenant: string, name: string): number {
    const r = this.#db.prepare('SELECT value FROM cascade_cursor WHERE tenant = ? AND name = ?').get(tenant, name) as
      { value: number } | undefined;
    return r?.value ?? 0;
  }

  setCursor(tenant: string, name: string, value: number): void {
    this.#db
      .prepare(
        'INSERT INTO cascade_cursor (tenant, name, value) VALUES (?, ?, ?) ON CONFLICT (tenant, name) DO UPDATE SET value = excluded.value',
      )
      .run(tenant, name, value);
  }
}
