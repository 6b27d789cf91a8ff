/**
 * @module
 * Analysts' corrections of incident categories, as labelled incidents for the categoriser: the
 * RSIT class/type and tactic an analyst gave an incident, with what the classifier saw of it
 * (rebuilt from the stored incident), per tenant. `IncidentLabelStore` is what both stores
 * implement: `SqliteIncidentLabels` here (the node's main database) and `PgIncidentLabels`
 * (`pg-labels.ts`); the checks and the row mapping below are shared by both.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import { rsitType, TACTIC_ORDER, type ClassificationInput, type Incident } from '@intersoc/correlate';
import { migrate, type SqliteDb } from '@intersoc/storage';
import type { LabelledIncident } from './categoriser.js';

const STEPS = [
  `CREATE TABLE text_incident_labels (
     tenant TEXT NOT NULL, incident TEXT NOT NULL, category TEXT NOT NULL, tactic TEXT NOT NULL,
     input TEXT NOT NULL, by TEXT NOT NULL, at INTEGER NOT NULL,
     PRIMARY KEY (tenant, incident)) WITHOUT ROWID;`,
];

const ADMIN = /(^|\\)(adm|admin|administrator)[-_.]?|domain admins|^root$/i;

/** What the classifier sees of a stored incident (privilege read from account names). */
export function classificationInputOf(i: Incident): ClassificationInput {
  return {
    tactics: i.tactics,
    techniques: i.techniques,
    rules: i.rules.map((r) => ({ title: r.title, kind: r.kind, count: r.count })),
    maxSeverity: i.maxAlertSeverity,
    users: i.users,
    privileged: i.users.some((u) => ADMIN.test(u)),
    sources: i.sources,
    alertCount: i.alertCount,
  };
}

/** A correction as stored. */
export interface IncidentLabel {
  readonly incident: string;
  readonly category: string;
  readonly tactic: string;
  readonly by: string;
  readonly at: number;
}

/** The store of analysts' category corrections. */
export interface IncidentLabelStore {
  /**
   * Records an analyst's category (an RSIT `class/type`) and tactic for an incident of the
   * caller's tenant; a later correction of the same incident replaces it.
   */
  correct(ctx: AuthContext, incident: Incident, category: string, tactic?: string): IncidentLabel;
  /** The tenant's corrections as labelled incidents, oldest first (then by incident id, byte-wise). */
  labelled(ctx: AuthContext): LabelledIncident[];
}

/** Checks a correction: role, tenant, RSIT class/type and tactic. Throws `AppError`. */
export function checkCorrection(ctx: AuthContext, incident: Incident, category: string, tactic: string): void {
  requireRole(ctx, ['admin', 'analyst']);
  if (incident.tenant !== ctx.tenant) throw new AppError('NOT_FOUND', `no incident ${incident.id}`);
  const [cls = '', type = ''] = category.split('/');
  if (!rsitType(cls, type)) throw new AppError('VALIDATION', `${category} is not an RSIT class/type`);
  if (tactic !== 'none' && !(TACTIC_ORDER as readonly string[]).includes(tactic))
    throw new AppError('VALIDATION', `${tactic} is not an ATT&CK tactic`);
}

/** A stored correction as read for training. */
export interface IncidentLabelRow {
  incident: string;
  category: string;
  tactic: string;
  input: string;
}

/** A stored correction as a labelled incident (grouped by tenant and incident). */
export function toLabelledIncident(tenant: string, r: IncidentLabelRow): LabelledIncident {
  return {
    input: JSON.parse(r.input) as ClassificationInput,
    category: r.category,
    tactic: r.tactic,
    group: `corrections:${tenant}:${r.incident}`,
  };
}

/** The store of corrections in the node's SQLite database. */
export class SqliteIncidentLabels implements IncidentLabelStore {
  constructor(
    private readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
  ) {
    migrate(db, 'text-incident-labels', STEPS);
  }

  correct(ctx: AuthContext, incident: Incident, category: string, tactic = 'none'): IncidentLabel {
    checkCorrection(ctx, incident, category, tactic);
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO text_incident_labels (tenant, incident, category, tactic, input, by, at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant, incident) DO UPDATE SET category = excluded.category, tactic = excluded.tactic,
           input = excluded.input, by = excluded.by, at = excluded.at`,
      )
      .run(ctx.tenant, incident.id, category, tactic, JSON.stringify(classificationInputOf(incident)), ctx.user, at);
    return { incident: incident.id, category, tactic, by: ctx.user, at };
  }

  labelled(ctx: AuthContext): LabelledIncident[] {
    return (
      this.db
        .prepare(
          'SELECT incident, category, tactic, input FROM text_incident_labels WHERE tenant = ? ORDER BY at, incident',
        )
        .all(ctx.tenant) as IncidentLabelRow[]
    ).map((r) => toLabelledIncident(ctx.tenant, r));
  }
}
