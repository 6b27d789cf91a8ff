/**
 * @module
 * The incident store interface: incidents with their compact alerts, merges, splits, status and
 * cross-SOC links. SQLite implements it now; PostgreSQL can later. Every method takes the
 * caller's context and acts within `ctx.tenant`.
 */
import type { AuthContext, Severity } from '@intersoc/core';
import type { BuilderChanges } from '../incidents/builder.js';
import type { CrossSocLink, Incident, IncidentAlert, IncidentStatus } from '../incidents/types.js';

/** A filtered, newest-first listing. */
export interface IncidentQuery {
  /** Statuses to include (default: all but `merged`). */
  readonly statuses?: readonly IncidentStatus[];
  readonly minSeverity?: Severity;
  /** Text in the title, hosts, users, techniques or id (case-insensitive). */
  readonly q?: string;
  /** Last alert at or after / at or before, epoch ms. */
  readonly from?: number;
  readonly to?: number;
  readonly limit?: number;
  readonly cursor?: string;
}

/** The incident an alert belongs to, as the alert queue shows it. */
export interface AlertIncidentRef {
  readonly id: string;
  readonly title: string;
  readonly status: IncidentStatus;
  readonly caseId?: string;
}

/** A page of incidents. */
export interface IncidentPage {
  readonly items: readonly Incident[];
  readonly nextCursor?: string;
}

/** Counts by status and severity. */
export interface IncidentCounts {
  readonly total: number;
  readonly byStatus: Readonly<Record<IncidentStatus, number>>;
  readonly bySeverity: Readonly<Record<Severity, number>>;
}

/** The store. */
export interface IncidentStore {
  /** Persists what the builder produced (upserts, members, merges) in one transaction. */
  apply(ctx: AuthContext, changes: BuilderChanges): void;
  list(ctx: AuthContext, query?: IncidentQuery): IncidentPage;
  get(ctx: AuthContext, id: string): Incident | undefined;
  /** The incident's alerts, oldest first. */
  alerts(ctx: AuthContext, id: string, limit?: number): readonly IncidentAlert[];
  /** The incident holding an alert. */
  incidentOfAlert(ctx: AuthContext, alertId: string): string | undefined;
  /** Sets status (and case) of incidents; returns how many changed. */
  setStatus(ctx: AuthContext, ids: readonly string[], status: IncidentStatus, caseId?: string | null): number;
  /** Replaces an incident's stored state (after a split re-summarised it). */
  put(ctx: AuthContext, incident: Incident): void;
  /** Moves alerts from one incident to another (split); returns how many moved. */
  moveAlerts(ctx: AuthContext, from: string, to: string, alertIds: readonly string[]): number;
  /** Records a link to another SOC on every incident that holds `link.observable`; returns their ids. */
  linkObservable(ctx: AuthContext, link: CrossSocLink): readonly string[];
  /** Incidents of the tenant whose last alert is at or after `since` (for restoring open windows). */
  openSince(ctx: AuthContext, since: number): readonly Incident[];
  counts(ctx: AuthContext): IncidentCounts;
}
