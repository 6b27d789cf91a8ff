/**
 * @module
 * Analysts' category corrections on PostgreSQL (migration step `19-incident-labels`), over the
 * synchronous bridge, so the node calls it exactly as `SqliteIncidentLabels`: the same checks and
 * row mapping (`labels.ts`), the same statements in `$n` placeholders. A correction is one upsert
 * on (tenant, incident), atomic on the server, so two processes correcting one incident leave the
 * later one, as SQLite's single writer does; there is no read before the write to lock.
 */
import type { AuthContext } from '@intersoc/core';
import type { Incident } from '@intersoc/correlate';
import type { SyncPg } from '@intersoc/storage/postgres';
import type { LabelledIncident } from './categoriser.js';
import {
  checkCorrection,
  classificationInputOf,
  toLabelledIncident,
  type IncidentLabel,
  type IncidentLabelRow,
  type IncidentLabelStore,
} from './labels.js';

/** The store of corrections in the PostgreSQL store. */
export class PgIncidentLabels implements IncidentLabelStore {
  readonly #pg: SyncPg;
  readonly #now: () => number;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg, now: () => number = Date.now) {
    this.#pg = pg;
    this.#now = now;
  }

  correct(ctx: AuthContext, incident: Incident, category: string, tactic = 'none'): IncidentLabel {
    checkCorrection(ctx, incident, category, tactic);
    const at = this.#now();
    this.#pg.run(
      `INSERT INTO text_incident_labels (tenant, incident, category, tactic, input, "by", at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant, incident) DO UPDATE SET category = excluded.category, tactic = excluded.tactic,
         input = excluded.input, "by" = excluded."by", at = excluded.at`,
      [ctx.tenant, incident.id, category, tactic, JSON.stringify(classificationInputOf(incident)), ctx.user, at],
    );
    return { incident: incident.id, category, tactic, by: ctx.user, at };
  }

  labelled(ctx: AuthContext): LabelledIncident[] {
    return this.#pg
      .query<IncidentLabelRow>(
        'SELECT incident, category, tactic, input FROM text_incident_labels WHERE tenant = $1 ORDER BY at, incident',
        [ctx.tenant],
      )
      .map((r) => toLabelledIncident(ctx.tenant, r));
  }
}
