/**
 * @module
 * The cascade service's own state, per tenant: the stored cascade impact of incidents, the
 * warnings sent and received, and the cursors of the node's pollers. `CascadeStateStore` is the
 * interface; `SqliteCascadeState` (the node's main database) and `PgCascadeState` (migration step
 * 25, for processes sharing one PostgreSQL store) implement it with the row types and mappers
 * here, and `cascadeStateSuite` (internal/testing.ts) runs on both. The service checks roles; the
 * store keeps every read and write inside the tenant it is given.
 */
import type { Impact } from '../analysis/impact.js';
import type { CascadeWarning } from '../warning/warning.js';

/** The impact of an incident on one graph. */
export interface GraphImpact {
  readonly graph: string;
  readonly seeds: readonly string[];
  readonly failed: number;
  readonly timeline: Impact['timeline'];
  readonly sectors: Impact['sectors'];
  readonly organisations: Impact['organisations'];
  readonly atRisk: Impact['atRisk'];
  /** Probability per failed entity (Monte Carlo), when runs > 0. */
  readonly probability: Readonly<Record<string, number>>;
}

/** The stored cascade impact of an incident. */
export interface IncidentImpact {
  readonly incident: string;
  readonly computed: number;
  /** When the failures start (the incident's first alert), epoch ms. */
  readonly start: number;
  readonly hosts: readonly string[];
  readonly graphs: readonly GraphImpact[];
}

/** A warning as stored, sent or received. */
export interface WarningRecord {
  readonly direction: 'sent' | 'received';
  readonly peer: string;
  readonly time: number;
  readonly warning: CascadeWarning;
  /** Received: the local cascade it starts. */
  readonly local?: IncidentImpact;
}

/** The service's state: impacts, warnings and cursors, per tenant. */
export interface CascadeStateStore {
  /** Stores (or replaces) the impact of `impact.incident`. */
  putImpact(tenant: string, impact: IncidentImpact): void;
  impact(tenant: string, incident: string): IncidentImpact | undefined;
  /** Records a sent warning (a repeat of its id replaces the earlier record). */
  putSent(tenant: string, warning: CascadeWarning, time: number): void;
  /** Whether a warning of this id was received. */
  received(tenant: string, id: string): boolean;
  /**
   * Records a received warning once: false when one of that id is already stored (by this or
   * another process), so only one process relays it.
   */
  putReceived(tenant: string, record: WarningRecord): boolean;
  /** Warnings sent and received, newest first (ties by id, then direction, byte-wise). */
  warnings(tenant: string, limit: number): WarningRecord[];
  /** A poller's cursor; 0 before the first `setCursor`. */
  cursor(tenant: string, name: string): number;
  setCursor(tenant: string, name: string, value: number): void;
}

/** A `cascade_warnings` row as both stores read it. */
export interface WarningRow {
  readonly direction: 'sent' | 'received';
  readonly peer: string;
  readonly time: number;
  readonly doc: string;
}

/** The `doc` column of a warning: the warning, and for a received one its local cascade. */
export function warningDoc(r: WarningRecord): string {
  return JSON.stringify(r.local ? { warning: r.warning, local: r.local } : { warning: r.warning });
}

/** A row as a record. */
export function toWarningRecord(r: WarningRow): WarningRecord {
  const d = JSON.parse(r.doc) as { warning: CascadeWarning; local?: IncidentImpact };
  return {
    direction: r.direction,
    peer: r.peer,
    time: r.time,
    warning: d.warning,
    ...(d.local ? { local: d.local } : {}),
  };
}
