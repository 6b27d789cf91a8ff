/**
 * @module
 * The cascade service's state on PostgreSQL (migration step 25 `cascade-state`, `intersoc db
 * migrate`), over the synchronous bridge, so the service uses it exactly as `SqliteCascadeState`:
 * same tables, same statements in `$n` placeholders, the shared suite (`internal/testing.ts`) runs
 * on both. Several processes may share the database: every write is one statement (an upsert, or
 * for a received warning `ON CONFLICT DO NOTHING`, so of two processes receiving one warning only
 * the one whose row went in relays it). Ids order byte-wise (`COLLATE "C"`), as on SQLite.
 */
import type { SyncPg } from '@intersoc/storage/postgres';
import type { CascadeWarning } from '../warning/warning.js';
import {
  toWarningRecord,
  warningDoc,
  type CascadeStateStore,
  type IncidentImpact,
  type WarningRecord,
  type WarningRow,
} from './state.js';

/** The cascade service's state on PostgreSQL. */
export class PgCascadeState implements CascadeStateStore {
  readonly #pg: SyncPg;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg) {
    this.#pg = pg;
  }

  putImpact(tenant: string, impact: IncidentImpact): void {
    this.#pg.run(
      `INSERT INTO cascade_impacts (tenant, incident, computed, doc) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant, incident) DO UPDATE SET computed = excluded.computed, doc = excluded.doc`,
      [tenant, impact.incident, impact.computed, JSON.stringify(impact)],
    );
  }

  impact(tenant: string, incident: string): IncidentImpact | undefined {
    const [r] = this.#pg.query<{ doc: string }>('SELECT doc FROM cascade_impacts WHERE tenant = $1 AND incident = $2', [
      tenant,
      incident,
    ]);
    return r ? (JSON.parse(r.doc) as IncidentImpact) : undefined;
  }

  putSent(tenant: string, warning: CascadeWarning, time: number): void {
    // SQLite's INSERT OR REPLACE: the whole row is the latest send's.
    this.#pg.run(
      `INSERT INTO cascade_warnings (tenant, id, direction, peer, time, doc) VALUES ($1, $2, 'sent', $3, $4, $5)
         ON CONFLICT (tenant, id, direction) DO UPDATE SET peer = excluded.peer, time = excluded.time, doc = excluded.doc`,
      [
        tenant,
        warning.id,
        warning.toPeer,
        time,
        warningDoc({ direction: 'sent', peer: warning.toPeer, time, warning }),
      ],
    );
  }

  received(tenant: string, id: string): boolean {
    return (
      this.#pg.query("SELECT 1 FROM cascade_warnings WHERE tenant = $1 AND id = $2 AND direction = 'received'", [
        tenant,
        id,
      ]).length > 0
    );
  }

  putReceived(tenant: string, r: WarningRecord): boolean {
    return (
      this.#pg.run(
        `INSERT INTO cascade_warnings (tenant, id, direction, peer, time, doc) VALUES ($1, $2, 'received', $3, $4, $5)
           ON CONFLICT DO NOTHING`,
        [tenant, r.warning.id, r.peer, r.time, warningDoc(r)],
      ) > 0
    );
  }

  warnings(tenant: string, limit: number): WarningRecord[] {
    return this.#pg
      .query<WarningRow>(
        `SELECT direction, peer, time, doc FROM cascade_warnings WHERE tenant = $1
           ORDER BY time DESC, id, direction LIMIT $2`,
        [tenant, limit],
      )
      .map(toWarningRecord);
  }

  cursor(tenant: string, name: string): number {
    const [r] = this.#pg.query<{ value: number }>('SELECT value FROM cascade_cursor WHERE tenant = $1 AND name = $2', [
      tenant,
      name,
    ]);
    return r?.value ?? 0;
  }

  setCursor(tenant: string, name: string, value: number): void {
    this.#pg.run(
      `INSERT INTO cascade_cursor (tenant, name, value) VALUES ($1, $2, $3)
         ON CONFLICT (tenant, name) DO UPDATE SET value = excluded.value`,
      [tenant, name, value],
    );
  }
}
