/**
 * @module
 * The incident model: what the incident builder produces from alerts and what the stores keep.
 * An incident is a story: alerts grouped by the entities they share within time windows, with a
 * title, a score, an entity graph with the evidence for each edge, a timeline, ATT&CK tactics and
 * techniques, and an ENISA RSIT class and type.
 */
import type { EntityType, Severity } from '@intersoc/core';

/**
 * Where an incident stands: `open` (being built or awaiting triage), `case` (taken into a case),
 * `closed` (dismissed or its case closed), `merged` (absorbed into another incident).
 */
export type IncidentStatus = 'open' | 'case' | 'closed' | 'merged';

/** Every incident status. */
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ['open', 'case', 'closed', 'merged'];

/** ENISA Reference Incident Classification Taxonomy class and type, with why it was chosen. */
export interface RsitClassification {
  /** RSIT class id, e.g. `intrusions`. */
  readonly class: string;
  /** RSIT type id within the class, e.g. `system-compromise`. */
  readonly type: string;
  readonly classLabel: string;
  readonly typeLabel: string;
  /** One line on the evidence the classifier used. */
  readonly reason: string;
  /** Classifier id and version, e.g. `rules/2`. */
  readonly classifier: string;
  /** 0–1. */
  readonly confidence: number;
}

/** One entity in the incident's graph. */
export interface IncidentNode {
  /** Stable key, e.g. `host:fs-01`, `user:rconti`, `ip:203.0.113.7`. */
  readonly id: string;
  readonly type: EntityType;
  /** Display value (canonical form). */
  readonly value: string;
  /** Alerts that named it. */
  readonly alerts: number;
}

/** Kinds of edge: entities named by one alert, a lateral move between hosts, or network traffic. */
export type EdgeKind = 'observed' | 'lateral' | 'network';

/** An edge of the entity graph with the alerts that evidence it. */
export interface IncidentEdge {
  readonly source: string;
  readonly target: string;
  readonly kind: EdgeKind;
  /** Alerts that evidence the edge. */
  readonly alerts: number;
  /** The first few of them (alert ids). */
  readonly evidence: readonly string[];
}

/** One line of the incident's timeline; repeats of the same finding collapse into one line. */
export interface TimelineEntry {
  readonly time: number;
  /** Time of the last repeat. */
  readonly last: number;
  /** First alert of the line. */
  readonly alertId: string;
  readonly ruleId: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly host?: string;
  /** How many alerts this line stands for (1 plus suppressed repeats). */
  readonly count: number;
}

/** How often one rule contributed. */
export interface RuleCount {
  readonly ruleId: string;
  readonly title: string;
  readonly kind: string;
  readonly severity: Severity;
  readonly count: number;
}

/** A link to another SOC: a peer's sighting or shared indicator that matches an observable. */
export interface CrossSocLink {
  readonly peer: string;
  /** `sighting` or `indicator`. */
  readonly kind: string;
  /** Id of the peer's object (STIX id). */
  readonly ref: string;
  /** The observable that matched. */
  readonly observable: string;
  readonly time: number;
}

/** The parts of the score, for explaining it. */
export interface ScoreParts {
  /** Weight of the most severe alert, 0.1–1. */
  readonly severity: number;
  /** Criticality of the most critical asset involved, 0.4–1. */
  readonly criticality: number;
  /** Corroboration: distinct rules, tactics and sources, 0.45–1. */
  readonly confidence: number;
  /** Spread over hosts and users, 1–1.5. */
  readonly spread: number;
}

/** An incident. */
export interface Incident {
  /** Deterministic: derived from the tenant and the first alert, so replays give the same id. */
  readonly id: string;
  readonly tenant: string;
  readonly title: string;
  readonly severity: Severity;
  /** 0–100: alert severity × asset criticality × confidence × spread. */
  readonly score: number;
  readonly scoreParts: ScoreParts;
  readonly status: IncidentStatus;
  /** Most severe alert. */
  readonly maxAlertSeverity: Severity;
  /** First and last alert time, epoch ms. */
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** When the node created and last changed it, epoch ms. */
  readonly created: number;
  readonly updated: number;
  readonly alertCount: number;
  readonly hosts: readonly string[];
  readonly users: readonly string[];
  /** External addresses (attacker infrastructure, destinations). */
  readonly ips: readonly string[];
  readonly domains: readonly string[];
  /** ATT&CK tactics in kill-chain order. */
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly rsit: RsitClassification;
  readonly rules: readonly RuleCount[];
  /** `host`, `network`, `indicator`: the kinds of sensor that contributed. */
  readonly sources: readonly string[];
  readonly graph: { readonly nodes: readonly IncidentNode[]; readonly edges: readonly IncidentEdge[] };
  readonly timeline: readonly TimelineEntry[];
  /** Set when merged into another incident. */
  readonly mergedInto?: string;
  /** Incidents merged into this one. */
  readonly mergedFrom: readonly string[];
  /** Case the incident belongs to. */
  readonly caseId?: string;
  /** Why it was closed, when closing its alerts closed it (every one closed as a false positive). */
  readonly closedReason?: string;
  /** Links to other SOCs (filled once federation delivers sightings). */
  readonly links: readonly CrossSocLink[];
}

/** A short form for lists (`intersoc incidents list`). */
export interface IncidentSummary {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly score: number;
  readonly status: IncidentStatus;
  readonly hosts: readonly string[];
  readonly users: readonly string[];
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly rsit: { readonly class: string; readonly type: string };
  readonly alert_count: number;
  readonly first_seen: string;
  readonly last_seen: string;
}

/** The compact copy of an alert an incident keeps (so incidents can be split and shown alone). */
export interface IncidentAlert {
  readonly id: string;
  readonly time: number;
  readonly ruleId: string;
  readonly rule: string;
  readonly kind: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly entities: readonly { readonly type: EntityType; readonly value: string; readonly role?: string }[];
  /** The events the alert was raised on, as the event store keys them (empty in copies stored before ids were kept). */
  readonly eventIds: readonly string[];
}
