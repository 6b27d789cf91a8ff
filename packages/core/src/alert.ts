/**
 * @module
 * The one Alert model that every detector (Sigma, indicators, ML) produces. Alerts carry
 * entities so the correlation stage can key incidents on hosts, users, addresses and so on.
 */

/** Severity levels, aligned with Sigma's `level`. */
export type Severity = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** Severities from least to most severe. */
export const SEVERITIES: readonly Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];

/** Kinds of entity an alert can name. */
export type EntityType = 'host' | 'user' | 'ip' | 'process' | 'file' | 'hash' | 'domain' | 'url' | 'registry';

/** Something an alert is about; the incident builder keys on these. */
export interface Entity {
  readonly type: EntityType;
  readonly value: string;
  /** Role of the entity in the alert, e.g. `source`, `destination`, `target`, `parent`. */
  readonly role?: string;
}

/** Which detector raised the alert, and with which rule or model. */
export interface DetectorRef {
  /** Detector kind: `sigma`, `ioc`, `ml`, ... */
  readonly kind: string;
  /** Rule, indicator or model id. */
  readonly ruleId: string;
  /** Human title of the rule or model. */
  readonly ruleTitle: string;
  readonly ruleVersion?: string;
}

/** What a detector returns; the pipeline adds id, tenant and creation time. */
export interface AlertDraft {
  /** Time of the (last) triggering event, epoch ms. */
  readonly time: number;
  readonly detector: DetectorRef;
  readonly severity: Severity;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly entities: readonly Entity[];
  /** Ids of the events that triggered it. */
  readonly eventIds: readonly string[];
  readonly summary: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A stored alert. */
export interface Alert extends AlertDraft {
  /** Deterministic: hash of tenant, detector, rule and event ids, so replays do not duplicate. */
  readonly id: string;
  readonly tenant: string;
  /** When the node raised it, epoch ms. */
  readonly created: number;
}
