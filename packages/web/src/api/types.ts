/**
 * @module
 * Shapes of the node API's answers as the dashboard uses them (see `/api/docs` for the full
 * OpenAPI description). Kept here rather than imported, so the browser bundle depends on no
 * server package.
 */

export type Severity = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];
export type Role = 'admin' | 'analyst' | 'viewer' | 'partner' | 'instructor' | 'trainee' | 'dpo';
export type AlertStatus = 'new' | 'acknowledged' | 'closed';
export const ALERT_STATUSES: readonly AlertStatus[] = ['new', 'acknowledged', 'closed'];

export interface Me {
  readonly tenant: string;
  readonly user: string;
  readonly roles: readonly Role[];
  readonly via: 'token' | 'session' | 'system';
  readonly operator: boolean;
}

export interface Tenant {
  readonly name: string;
  readonly displayName: string;
  readonly created: number;
  readonly disabled: boolean;
}

export interface Entity {
  readonly type: string;
  readonly value: string;
  readonly role?: string;
}

export interface Alert {
  readonly id: string;
  readonly tenant: string;
  readonly created: number;
  readonly time: number;
  readonly detector: {
    readonly kind: string;
    readonly ruleId: string;
    readonly ruleTitle: string;
    readonly ruleVersion?: string;
  };
  readonly severity: Severity;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly entities: readonly Entity[];
  readonly eventIds: readonly string[];
  readonly summary: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AlertState {
  readonly status: AlertStatus;
  readonly reason?: string;
  readonly by?: string;
  readonly changed?: number;
}

/** An indicator of the CTI store that matches one entity of an alert or incident. */
export interface IntelMatch {
  readonly type: string;
  readonly value: string;
  readonly id: string;
  readonly name?: string;
  readonly source?: string;
  readonly tlp?: string;
  readonly confidence?: number;
}

export interface TriagedAlert {
  readonly alert: Alert;
  readonly state: AlertState;
  /** The incident the alert belongs to (and its case), once the incident stage has placed it. */
  readonly incident?: {
    readonly id: string;
    readonly title: string;
    readonly status: 'open' | 'case' | 'closed' | 'merged';
    readonly caseId?: string;
  };
  /** Indicators of the CTI store that match the alert's entities. */
  readonly intel?: readonly IntelMatch[];
}

export type FieldValue = string | number | boolean | null | readonly (string | number | boolean | null)[];

export interface SocEvent {
  readonly id: string;
  readonly time: number;
  readonly ingested: number;
  readonly tenant: string;
  readonly source: { readonly format: string; readonly kind: string; readonly name: string; readonly peer?: string };
  readonly raw: string;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly ecs: Readonly<Record<string, string | number>>;
  readonly label?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

export interface RuleInfo {
  readonly key: string;
  readonly title: string;
  readonly kind: 'rule' | 'correlation';
  readonly enabled: boolean;
  readonly level: Severity;
  readonly ruleLevel?: Severity;
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
  readonly hits: number;
  readonly lastHit?: number;
  readonly fields: readonly string[];
}

export interface RuleCatalogue {
  readonly rules: readonly RuleInfo[];
  readonly rejected: readonly {
    readonly path: string;
    readonly title: string;
    readonly id?: string;
    readonly reason: string;
  }[];
  readonly packs: readonly string[];
}

export interface AlertDetail extends TriagedAlert {
  readonly events: readonly SocEvent[];
  readonly missingEvents: number;
  readonly rule?: RuleInfo;
}

export interface CountedKey {
  readonly key: string;
  readonly label?: string;
  readonly count: number;
}

export interface Overview {
  readonly generated: number;
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  readonly rate: readonly { readonly t: number; readonly events: number; readonly deadLetters: number }[];
  readonly events: readonly number[];
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
    readonly deadLettersInWindow: number;
    readonly dropped?: number;
  };
}

export interface Histogram {
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  readonly counts: readonly number[];
  readonly total: number;
  readonly partial: boolean;
}

export interface FieldInfo {
  readonly name: string;
  readonly kind: 'ecs' | 'field' | 'meta';
  readonly count: number;
  readonly values: readonly string[];
}

export interface TechniqueCoverage {
  readonly id: string;
  readonly name?: string;
  readonly tactics: readonly string[];
  readonly rules: number;
  readonly alerts: number;
}

export interface IntelObject {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  readonly tlp?: string;
  readonly revoked: boolean;
  readonly added: number;
  readonly modified?: string;
  readonly source: string;
  readonly pattern?: string;
  readonly object: Readonly<Record<string, unknown>>;
}

export interface IntelGraph {
  readonly object: IntelObject;
  readonly nodes: readonly IntelObject[];
  readonly edges: readonly { readonly source: string; readonly target: string; readonly type: string }[];
}

export interface IntelImportResult {
  readonly added: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly reasons: readonly string[];
  readonly ids: readonly string[];
}

export interface SocNetwork {
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
    readonly files?: Readonly<Record<string, number>>;
  };
  readonly retention: { readonly maxAgeDays: number; readonly maxBytes: number };
  /** Scale-out role instances on the monitored bus (operator only; absent without `bus.monitorUrl`). */
  readonly roles?: {
    readonly bus: string;
    readonly instances: readonly RoleInstance[];
    readonly error?: string;
  };
}

/** One scale-out role process, from its heartbeat. */
export interface RoleInstance {
  readonly instance: string;
  readonly roles: readonly string[];
  readonly host: string;
  readonly pid: number;
  readonly started: number;
  readonly lastSeen: number;
  readonly lag: Readonly<Record<string, number>>;
  readonly inFlight: Readonly<Record<string, number>>;
  readonly storeUp?: boolean;
  readonly stale: boolean;
}

export interface Health {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly checks: Readonly<Record<string, { readonly status: 'ok' | 'degraded' | 'down'; readonly detail?: string }>>;
}

export interface DeadLetter {
  readonly id: string;
  readonly time: number;
  readonly source: { readonly kind: string; readonly name: string; readonly format?: string; readonly peer?: string };
  readonly reason: string;
  readonly size: number;
  readonly offset?: number;
  readonly preview: string;
}

/** A process of a process tree. */
export interface ProcessNode {
  readonly key: string;
  readonly time: number;
  /** False for a parent known only from its child. */
  readonly observed: boolean;
  readonly pid?: number;
  readonly entityId?: string;
  readonly executable?: string;
  readonly name?: string;
  readonly commandLine?: string;
  readonly user?: string;
  readonly eventIds: readonly string[];
  readonly alerts: readonly { readonly id: string; readonly rule: string; readonly severity: Severity }[];
}

/** The process tree around a process event. */
export interface ProcessTree {
  readonly host: string;
  readonly from: number;
  readonly to: number;
  readonly process: ProcessNode;
  /** Nearest first. */
  readonly parents: readonly ProcessNode[];
  readonly children: readonly ProcessNode[];
  readonly siblings: readonly ProcessNode[];
}
