/**
 * @module
 * Dashboard services: triage, live alerts, overview, search tools, rules, intelligence, peering, node status.
 */
import type { Page } from './events.js';
import type { Alert, AuthContext, Severity } from '@intersoc/core';

// ---------------------------------------------------------------------------------------------
// Dashboard services: triage, live alerts, overview, search tools, rules, intelligence, peering
// and node status. Each method takes the caller's context and acts within `ctx.tenant` only.

/** Triage states of an alert. */
export type AlertStatus = 'new' | 'acknowledged' | 'closed';

/** Triage state of one alert. */
export interface AlertState {
  readonly status: AlertStatus;
  readonly reason?: string;
  /** Who changed it last. */
  readonly by?: string;
  /** When it was changed last, epoch ms. */
  readonly changed?: number;
}

/** The incident an alert belongs to (and that incident's case), as the queue shows it. */
export interface AlertIncidentLink {
  readonly id: string;
  readonly title: string;
  readonly status: 'open' | 'case' | 'closed' | 'merged';
  readonly caseId?: string;
}

/** An alert with its triage state, and its incident once the incident stage has placed it. */
export interface TriagedAlert {
  readonly alert: Alert;
  readonly state: AlertState;
  readonly incident?: AlertIncidentLink;
  /** Indicators of the CTI store that match the alert's entities. */
  readonly intel?: readonly AlertIntelMatch[];
}

/** An indicator that matches one entity of an alert. */
export interface AlertIntelMatch {
  readonly type: string;
  readonly value: string;
  readonly id: string;
  readonly name?: string;
  readonly source?: string;
  readonly tlp?: string;
  readonly confidence?: number;
}

/** A filtered listing of the alert queue, newest first. */
export interface TriageSearch {
  readonly q: string;
  readonly from?: number;
  readonly to?: number;
  readonly statuses?: readonly AlertStatus[];
  readonly minSeverity?: Severity;
  readonly limit: number;
  readonly cursor?: string;
}

/** The alert queue and its status changes. */
export interface AlertTriageService {
  list(ctx: AuthContext, query: TriageSearch): Promise<Page<TriagedAlert>>;
  /** Undefined when the caller's tenant has no such alert. */
  get(ctx: AuthContext, id: string): Promise<TriagedAlert | undefined>;
  /** Sets the state of alerts of the caller's tenant; ids of no such alert come back as `missing`. */
  setStatus(
    ctx: AuthContext,
    ids: readonly string[],
    change: { readonly status: AlertStatus; readonly reason?: string },
  ): Promise<{ readonly updated: number; readonly missing: readonly string[] }>;
}

/** Committed alerts of the caller's tenant as they arrive (the node's `alerts.<tenant>` bus subject). */
export interface AlertFeed {
  /** Calls `listener` for each new alert of `ctx.tenant`; returns the function that stops it. */
  subscribe(ctx: AuthContext, listener: (alert: Alert) => void): () => void;
}

/** A value and how often it occurs. */
export interface CountedKey {
  readonly key: string;
  readonly label?: string;
  readonly count: number;
}

/** One sample of the live ingest rate. */
export interface RateSample {
  /** End of the sample interval, epoch ms. */
  readonly t: number;
  /** Events stored per second for the caller's tenant. */
  readonly events: number;
  /** Dead letters per second for the caller's tenant. */
  readonly deadLetters: number;
}

/** What the overview shows. */
export interface Overview {
  readonly generated: number;
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  /** Live rates, oldest first. */
  readonly rate: readonly RateSample[];
  /** Events per bucket (event time). */
  readonly events: readonly number[];
  /** Alerts per bucket, by severity. */
  readonly alertsBySeverity: readonly Readonly<Record<Severity, number>>[];
  readonly alerts: {
    readonly total: number;
    readonly new: number;
    readonly acknowledged: number;
    readonly closed: number;
  };
  readonly topRules: readonly CountedKey[];
  readonly topTechniques: readonly CountedKey[];
  readonly topHosts: readonly CountedKey[];
  readonly topUsers: readonly CountedKey[];
  readonly ingest: {
    readonly storedEvents: number;
    readonly deadLetters: number;
    /** Dead letters within the window. */
    readonly deadLettersInWindow: number;
    /** Messages dropped because the pipeline was full (node-wide; shown to the default tenant only). */
    readonly dropped?: number;
  };
}

/** A time window of a dashboard query. */
export interface WindowQuery {
  readonly from: number;
  readonly to: number;
  readonly buckets: number;
}

/** Counts per time bucket of the events matching a query. */
export interface Histogram {
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  readonly counts: readonly number[];
  readonly total: number;
  readonly partial: boolean;
}

/** A field seen in recent events, for autocomplete. */
export interface FieldInfo {
  readonly name: string;
  /** `ecs`, `field` (original) or `meta` (envelope pseudo-field). */
  readonly kind: 'ecs' | 'field' | 'meta';
  /** Events of the sample that have it. */
  readonly count: number;
  /** A few frequent values. */
  readonly values: readonly string[];
}

/** Overview aggregates and search helpers. */
export interface OverviewService {
  overview(ctx: AuthContext, window: WindowQuery): Promise<Overview>;
  histogram(ctx: AuthContext, query: WindowQuery & { readonly q: string }): Promise<Histogram>;
  /** Fields of a sample of recent events (newest first), with counts and frequent values. */
  fields(
    ctx: AuthContext,
    query: { readonly from?: number; readonly to?: number; readonly sample: number },
  ): Promise<readonly FieldInfo[]>;
}

/** A detection rule as the dashboard shows it. */
export interface RuleInfo {
  /** Stable key (the rule id, else `title:<title>`): what tuning names. */
  readonly key: string;
  readonly title: string;
  readonly kind: 'rule' | 'correlation';
  readonly enabled: boolean;
  /** Level in force (after tuning). */
  readonly level: Severity;
  /** The rule's own level, when tuning overrides it. */
  readonly ruleLevel?: Severity;
  /** Sigma `status` (stable, test, experimental ...). */
  readonly status?: string;
  readonly description?: string;
  readonly author?: string;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly logsource: Readonly<Record<string, string>>;
  readonly path: string;
  readonly pack: string;
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
  /** Alerts raised by the rule (stored alerts of the tenant). */
  readonly hits: number;
  readonly lastHit?: number;
  /** Field names the rule's detection tests (for highlighting matched fields). */
  readonly fields: readonly string[];
}

/** A rule document that did not load, and why. */
export interface RuleRejection {
  readonly path: string;
  readonly title: string;
  readonly id?: string;
  readonly reason: string;
}

/** The tenant's rules. */
export interface RuleCatalogue {
  readonly rules: readonly RuleInfo[];
  readonly rejected: readonly RuleRejection[];
  readonly packs: readonly string[];
}

/** Tuning of one rule: switch it on or off, override its level (null restores the rule's own). */
export interface RuleTuneRequest {
  readonly enabled?: boolean;
  readonly level?: Severity | null;
}

/** One technique of the ATT&CK matrix. */
export interface TechniqueCoverage {
  readonly id: string;
  readonly name?: string;
  readonly tactics: readonly string[];
  /** Enabled rules that detect it. */
  readonly rules: number;
  /** Stored alerts that name it. */
  readonly alerts: number;
}

/** Sigma rules of the caller's tenant: list, tune, and ATT&CK coverage. */
export interface RuleService {
  list(ctx: AuthContext): Promise<RuleCatalogue>;
  get(ctx: AuthContext, key: string): Promise<RuleInfo | undefined>;
  tune(ctx: AuthContext, key: string, change: RuleTuneRequest): Promise<RuleInfo>;
  coverage(ctx: AuthContext): Promise<readonly TechniqueCoverage[]>;
}

/** A stored intelligence object (latest version). */
export interface IntelObject {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  readonly tlp?: string;
  readonly revoked: boolean;
  readonly added: number;
  readonly modified?: string;
  readonly source: string;
  /** Indicator pattern, for indicators. */
  readonly pattern?: string;
  readonly object: Readonly<Record<string, unknown>>;
}

/** An object with the objects it is related to (through relationships and references). */
export interface IntelGraph {
  readonly object: IntelObject;
  readonly nodes: readonly IntelObject[];
  readonly edges: readonly { readonly source: string; readonly target: string; readonly type: string }[];
}

/** Search of the intelligence store. */
export interface IntelSearch {
  /** Text in name, pattern, description or id (case-insensitive); empty for all. */
  readonly q: string;
  readonly types?: readonly string[];
  readonly limit: number;
  readonly cursor?: string;
}

/** Outcome of an import. */
export interface IntelImportResult {
  readonly added: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly reasons: readonly string[];
  readonly ids: readonly string[];
}

/** Threat intelligence of the caller's tenant: STIX objects, indicators, import and export. */
export interface IntelService {
  search(ctx: AuthContext, query: IntelSearch): Promise<Page<IntelObject>>;
  graph(ctx: AuthContext, id: string): Promise<IntelGraph | undefined>;
  import(ctx: AuthContext, format: 'stix' | 'misp', document: unknown): Promise<IntelImportResult>;
  /** A STIX 2.1 bundle, or a MISP event, of the given objects (all when none are named). */
  export(
    ctx: AuthContext,
    format: 'stix' | 'misp',
    ids?: readonly string[],
  ): Promise<Readonly<Record<string, unknown>>>;
}

/** The SOC network as the dashboard shows it. */
export interface SocNetwork {
  /** False until federation is configured on the node. */
  readonly configured: boolean;
  readonly detail?: string;
  readonly peers: readonly {
    readonly id: string;
    readonly name: string;
    readonly trust: number;
    readonly status: string;
  }[];
  readonly exchanges: readonly {
    readonly peer: string;
    readonly direction: 'sent' | 'received';
    readonly objects: number;
    readonly time: number;
  }[];
  readonly quarantined: readonly {
    readonly peer: string;
    readonly id: string;
    readonly reason: string;
    readonly time?: number;
  }[];
  readonly sightings: readonly {
    readonly peer: string;
    readonly indicator: string;
    readonly count: number;
    readonly last: number;
  }[];
}

/** Federation status (implemented once federation lands). */
export interface SocNetworkService {
  status(ctx: AuthContext): Promise<SocNetwork>;
}

/** Pipeline, queues, storage and retention as the health view shows them. */
export interface NodeStatus {
  readonly generated: number;
  readonly uptimeSeconds: number;
  readonly stages: readonly {
    readonly name: string;
    readonly status: 'ok' | 'degraded' | 'down';
    readonly detail: string;
  }[];
  readonly queues: readonly {
    readonly name: string;
    readonly depth: number;
    readonly capacity?: number;
    readonly unit: string;
  }[];
  readonly counters: Readonly<Record<string, number>>;
  readonly sources: readonly {
    readonly name: string;
    readonly address: string;
    readonly received: number;
    readonly dropped: number;
  }[];
  readonly storage: {
    readonly events: number;
    readonly blocks: number;
    readonly storedBytes: number;
    readonly rawBytes: number;
    readonly days: number;
    readonly alerts: number;
    readonly deadLetters: number;
    readonly unindexedBlocks: number;
    readonly oldest?: number;
    readonly newest?: number;
    /** Database file sizes, bytes (default tenant only). */
    readonly files?: Readonly<Record<string, number>>;
  };
  readonly retention: { readonly maxAgeDays: number; readonly maxBytes: number };
  /**
   * Scale-out role instances seen on the monitored bus (default tenant only; absent when the node
   * monitors no bus). `error` says why the list could not be read.
   */
  readonly roles?: {
    readonly bus: string;
    readonly instances: readonly RoleInstanceStatus[];
    readonly error?: string;
  };
}

/** One role process as its heartbeat reports it. */
export interface RoleInstanceStatus {
  readonly instance: string;
  readonly roles: readonly string[];
  readonly host: string;
  readonly pid: number;
  readonly started: number;
  readonly lastSeen: number;
  /** Messages not yet delivered, per consumer group. */
  readonly lag: Readonly<Record<string, number>>;
  /** Delivered, not yet acknowledged, per consumer group. */
  readonly inFlight: Readonly<Record<string, number>>;
  readonly storeUp?: boolean;
  /** No heartbeat for more than three intervals (the process may be stuck or cut off). */
  readonly stale: boolean;
}

/** Node health details for the dashboard. */
export interface NodeStatusService {
  status(ctx: AuthContext): Promise<NodeStatus>;
}
