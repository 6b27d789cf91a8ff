/**
 * @module
 * Service interfaces the API calls for event data, implemented by the node (pipeline, event
 * store, search) and by anything else that satisfies them, plus the zod schemas of their HTTP
 * shapes. Every method takes the caller's context and must act within `ctx.tenant` only.
 */
import { z } from 'zod';
import { parseTime, SEVERITIES } from '@intersoc/core';
import type { Alert, AuthContext, Severity, SocEvent } from '@intersoc/core';
import type {
  AssetInputView,
  AssetView,
  IncidentAlertView,
  IncidentBrief,
  IncidentCountsView,
  IncidentView,
} from './incidents/schemas.js';
import type {
  AttachmentView,
  CaseDetailView,
  CaseView,
  CommentView,
  DeadlineView,
  HistoryEntryView,
  NoteView,
  ObservableView,
  RuleFeedbackView,
  SuggestionView,
  TaskView,
  TemplateView,
  TenantMetricsView,
  TimelineEntryView,
} from './cases/schemas.js';

/** Counts of one ingest call. */
export interface IngestResult {
  /** Records parsed and queued for storage. */
  readonly accepted: number;
  /** Records refused (malformed, too large), whether or not they were dead-lettered. */
  readonly rejected: number;
  /** Records written to the dead-letter store with their reason and raw bytes. */
  readonly deadLettered: number;
}

/** Options of one ingest call. */
export interface IngestOptions {
  /** The request's Content-Type, when given. */
  readonly contentType?: string;
  /** Parser name from `?format=`; auto-detection when omitted. */
  readonly format?: string;
  /** Client address, recorded as the event source's peer. */
  readonly peer?: string;
}

/**
 * Accepts a batch of raw records (NDJSON, a JSON array, or text lines) for the caller's tenant.
 * Throws AppError `BACKPRESSURE` (with `details.retryAfterSeconds`) when its queue is full, and
 * `UNSUPPORTED` for an unknown format.
 */
export interface IngestService {
  ingest(ctx: AuthContext, body: Buffer, opts: IngestOptions): Promise<IngestResult>;
}

/** One page of results; pass `nextCursor` back as `cursor` for the next page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/** Event search: query language text, time bounds (epoch ms, both inclusive), paging. */
export interface EventSearch {
  /** Query language (`field:value`, wildcards, ranges, AND/OR/NOT, parentheses); empty matches all. */
  readonly q: string;
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
  readonly cursor?: string;
}

/** Alert search: the event search plus a minimum severity. */
export interface AlertSearch extends EventSearch {
  readonly minSeverity?: Severity;
}

/** Dead-letter listing: time bounds and paging. */
export interface DeadLetterSearch {
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
  readonly cursor?: string;
}

/** A record the pipeline could not take, kept with its reason and raw bytes. */
export interface DeadLetter {
  /** Store id, as text. */
  readonly id: string;
  /** When it arrived, epoch ms. */
  readonly time: number;
  /** How it arrived and which parser refused it. */
  readonly source: { readonly kind: string; readonly name: string; readonly format?: string; readonly peer?: string };
  readonly reason: string;
  /** The raw bytes (possibly capped by the pipeline's record limit). */
  readonly raw: Uint8Array;
  /** Byte offset in the source stream, when known. */
  readonly offset?: number;
}

/** Read access to stored events, alerts and dead letters of the caller's tenant. */
export interface SearchService {
  searchEvents(ctx: AuthContext, query: EventSearch): Promise<Page<SocEvent>>;
  /** Undefined when no event of the caller's tenant has this id. */
  getEvent(ctx: AuthContext, id: string): Promise<SocEvent | undefined>;
  searchAlerts(ctx: AuthContext, query: AlertSearch): Promise<Page<Alert>>;
  listDeadLetters(ctx: AuthContext, query: DeadLetterSearch): Promise<Page<DeadLetter>>;
}

/** Health of one component. */
export interface HealthCheck {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly detail?: string;
}

/** Health of the node: the API adds its own store check to what this returns. */
export type HealthProbe = () => Promise<Record<string, HealthCheck>>;

// ---------------------------------------------------------------------------------------------
// HTTP shapes

/** A time bound in a query string: ISO-8601/RFC 3339, or epoch seconds or milliseconds. */
export const TimeParam = z
  .string()
  .max(64)
  .transform((s, ctx) => {
    const t = parseTime(s);
    if (t === undefined) {
      ctx.addIssue({ code: 'custom', message: 'not a time: use ISO-8601 or epoch milliseconds' });
      return z.NEVER;
    }
    return t;
  })
  .describe('ISO-8601 time or epoch milliseconds');

const Limit = z.coerce.number().int().min(1).max(1000).default(100).describe('page size, 1 to 1000');
const Cursor = z.string().min(1).max(1024).describe('opaque cursor from the previous page');

/** Query string of `GET /api/events`. */
export const EventQuerySchema = z.object({
  q: z.string().max(8192).default('').describe('query language; empty matches every event'),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});

/** Query string of `GET /api/alerts`. */
export const AlertQuerySchema = EventQuerySchema.extend({
  minSeverity: z.enum(SEVERITIES as [Severity, ...Severity[]]).optional(),
});

/** Query string of `GET /api/dead-letters`. */
export const DeadLetterQuerySchema = z.object({
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});

/** Query string of `POST /api/ingest`. */
export const IngestQuerySchema = z.object({
  format: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'format names are lower-case letters, digits, _ and -')
    .optional()
    .describe(
      'parser name (json, syslog, cef, leef, windows, suricata, zeek, cic-csv, ...); auto-detected when omitted',
    ),
});

/** Response of `POST /api/ingest`. */
export const IngestResultSchema = z
  .object({ accepted: z.number().int(), rejected: z.number().int(), deadLettered: z.number().int() })
  .meta({ id: 'IngestResult' });

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A stored event as the API returns it. */
export const SocEventSchema = z
  .object({
    id: z.string(),
    time: z.number().describe('event time, epoch ms'),
    ingested: z.number().describe('ingest time, epoch ms'),
    tenant: z.string(),
    source: z.object({
      format: z.string(),
      kind: z.enum(['file', 'udp', 'tcp', 'http', 'demo', 'replay']),
      name: z.string(),
      peer: z.string().optional(),
    }),
    raw: z.string().describe('the original record'),
    fields: z.record(z.string(), z.union([Scalar, z.array(Scalar).readonly()])).describe('original fields, flattened'),
    ecs: z.record(z.string(), z.union([z.string(), z.number()])).describe('ECS projection'),
    label: z.string().optional().describe('ATT&CK technique or benign, for simulated data'),
  })
  .meta({ id: 'SocEvent' });

/** A stored alert as the API returns it. */
export const AlertSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    created: z.number(),
    time: z.number(),
    detector: z.object({
      kind: z.string(),
      ruleId: z.string(),
      ruleTitle: z.string(),
      ruleVersion: z.string().optional(),
    }),
    severity: z.enum(SEVERITIES as [Severity, ...Severity[]]),
    tactics: z.array(z.string()).readonly(),
    techniques: z.array(z.string()).readonly(),
    entities: z
      .array(
        z.object({
          type: z.enum(['host', 'user', 'ip', 'process', 'file', 'hash', 'domain', 'url', 'registry']),
          value: z.string(),
          role: z.string().optional(),
        }),
      )
      .readonly(),
    eventIds: z.array(z.string()).readonly(),
    summary: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'Alert' });

/** A dead letter as the API returns it: raw bytes as base64 plus a printable preview. */
export const DeadLetterSchema = z
  .object({
    id: z.string(),
    time: z.number().describe('arrival, epoch ms'),
    source: z.object({
      kind: z.string(),
      name: z.string(),
      format: z.string().optional(),
      peer: z.string().optional(),
    }),
    reason: z.string(),
    size: z.number().int().describe('bytes kept'),
    offset: z.number().int().optional().describe('byte offset in the source stream'),
    rawBase64: z.string(),
    preview: z.string().describe('first 512 bytes as UTF-8 with control characters replaced'),
  })
  .meta({ id: 'DeadLetter' });

/** A page of `item`s. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item).readonly(), nextCursor: z.string().optional() });
}

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

/** An alert with its triage state. */
export interface TriagedAlert {
  readonly alert: Alert;
  readonly state: AlertState;
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
}

/** Node health details for the dashboard. */
export interface NodeStatusService {
  status(ctx: AuthContext): Promise<NodeStatus>;
}

// ---------------------------------------------------------------------------------------------
// Federation (interconnected SOCs): peers, sharing, sync, quarantine, feedback, private lookups.
// Acts for the node's federation tenant only; other tenants get FORBIDDEN.

/** A peer as the API shows it. */
export interface FederationPeerView {
  readonly nodeId: string;
  readonly name: string;
  readonly sector: string;
  readonly country: string;
  readonly communities: readonly string[];
  readonly endpoint?: string;
  /** Admiralty grade set by the operator (A–F). */
  readonly reliability: string;
  /** Trust in [0, 1]. */
  readonly trust: number;
  readonly status: string;
  readonly confirmations: number;
  readonly falsePositives: number;
  readonly lastContact?: number;
  readonly lastError?: string;
}

/** This node's federation identity; `card` is what peers need (exchanged out of band). */
export interface FederationNodeView {
  readonly nodeId: string;
  readonly name: string;
  readonly sector: string;
  readonly country: string;
  readonly communities: readonly string[];
  readonly endpoint?: string;
  readonly publicKey: string;
  readonly tenant: string;
  readonly card: Readonly<Record<string, unknown>>;
}

/** What to share and under which terms. */
export interface FederationShareRequest {
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  readonly distribution?: 'organisation' | 'community' | 'connected' | 'all' | 'group';
  readonly tlp?: 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';
  readonly recipients?: readonly string[];
  readonly group?: string;
  readonly pap?: 'clear' | 'green' | 'amber' | 'red';
  readonly explicit?: boolean;
}

/** Outcome of a share. */
export interface FederationShareResult {
  readonly run: string;
  readonly objects: number;
  readonly withheld: readonly { readonly id: string; readonly reason: string }[];
  readonly queued: Readonly<Record<string, number>>;
  readonly decisions: number;
  readonly denied: number;
}

/** Outcome of a sync round with one peer. */
export interface FederationSyncResult {
  readonly peer: string;
  readonly pushed: number;
  readonly pulled: { readonly added: number; readonly duplicates: number; readonly rejected: number };
  readonly error?: string;
}

/** A received object waiting for review. */
export interface FederationQuarantined {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  readonly confidence: number;
  readonly reporters: readonly string[];
}

/** One peer's answer to a private lookup. */
export interface FederationLookupAnswer {
  readonly peer: string;
  readonly name: string;
  readonly seen?: boolean;
  readonly error?: string;
}

/** A sighting a peer returned about what this node shared. */
export interface FederationLanded {
  readonly indicator: string;
  readonly peer: string;
  readonly count: number;
  readonly first: number;
  readonly last: number;
}

/** A refused request or object, with its reason. */
export interface FederationRejection {
  readonly time: number;
  readonly peer: string;
  readonly objectId: string;
  readonly code: string;
  readonly reason: string;
}

/** A sharing-policy decision. */
export interface FederationDecision {
  readonly time: number;
  readonly run: string;
  readonly objectId: string;
  readonly version: string;
  readonly peer: string;
  readonly allowed: boolean;
  readonly reason: string;
  readonly tlp: string;
  readonly distribution: string;
  readonly hops: number;
}

/** One hop of a provenance chain: who signed, for whom, when, and (originator only) the terms. */
export interface FederationHop {
  readonly node: string;
  readonly to: string;
  readonly signed: number;
  readonly expires: number;
  readonly explicit: boolean;
  readonly terms?: Readonly<Record<string, unknown>>;
}

/** The provenance of a received object version. */
export interface FederationProvenance {
  readonly id: string;
  readonly version: string;
  readonly origin: string;
  readonly chain: readonly FederationHop[];
}

/** The federation, as the API drives it. */
export interface FederationService {
  node(ctx: AuthContext): Promise<FederationNodeView>;
  peers(ctx: AuthContext): Promise<readonly FederationPeerView[]>;
  addPeer(
    ctx: AuthContext,
    card: unknown,
    o: { readonly reliability?: string; readonly communities?: readonly string[]; readonly endpoint?: string },
  ): Promise<FederationPeerView>;
  removePeer(ctx: AuthContext, nodeId: string): Promise<boolean>;
  revokePeer(ctx: AuthContext, nodeId: string): Promise<FederationPeerView>;
  setReliability(ctx: AuthContext, nodeId: string, reliability: string): Promise<FederationPeerView>;
  share(ctx: AuthContext, req: FederationShareRequest): Promise<FederationShareResult>;
  sync(ctx: AuthContext): Promise<readonly FederationSyncResult[]>;
  quarantine(ctx: AuthContext): Promise<readonly FederationQuarantined[]>;
  review(ctx: AuthContext, id: string, decision: 'released' | 'rejected'): Promise<void>;
  feedback(
    ctx: AuthContext,
    indicator: string,
    verdict: 'confirmed' | 'false-positive',
  ): Promise<{ readonly peers: readonly string[] }>;
  lookup(
    ctx: AuthContext,
    kind: 'ip' | 'domain' | 'url' | 'email' | 'hash',
    value: string,
  ): Promise<readonly FederationLookupAnswer[]>;
  sightings(ctx: AuthContext): Promise<readonly FederationLanded[]>;
  rejections(ctx: AuthContext, limit: number): Promise<readonly FederationRejection[]>;
  decisions(
    ctx: AuthContext,
    q: { readonly peer?: string; readonly objectId?: string; readonly limit: number },
  ): Promise<readonly FederationDecision[]>;
  /** The provenance chain of a received object (undefined for the node's own objects). */
  provenance(ctx: AuthContext, id: string): Promise<FederationProvenance | undefined>;
  groups(ctx: AuthContext): Promise<readonly { readonly name: string; readonly members: readonly string[] }[]>;
  setGroup(ctx: AuthContext, name: string, members: readonly string[]): Promise<void>;
  setCommunityKey(
    ctx: AuthContext,
    name: string,
    keyHex?: string,
  ): Promise<{ readonly name: string; readonly key: string }>;
}

// ---------------------------------------------------------------------------------------------
// Incidents and cases. Each method takes the caller's context and acts within `ctx.tenant`;
// the implementations check roles (viewers read, analysts work, admins configure).

/** A filtered listing of incidents, most recent activity first. */
export interface IncidentSearch {
  readonly statuses?: readonly ('open' | 'case' | 'closed' | 'merged')[];
  readonly minSeverity?: Severity;
  readonly q?: string;
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
  readonly cursor?: string;
}

/** Incidents built from alerts, and the asset inventory that weighs them. */
export interface IncidentApiService {
  list(ctx: AuthContext, query: IncidentSearch): Promise<Page<IncidentBrief>>;
  /** Undefined when the caller's tenant has no such incident. */
  get(ctx: AuthContext, id: string): Promise<IncidentView | undefined>;
  alerts(ctx: AuthContext, id: string): Promise<readonly IncidentAlertView[]>;
  counts(ctx: AuthContext): Promise<IncidentCountsView>;
  /** Dismisses (`closed`) or reopens (`open`) incidents outside a case. */
  setStatus(ctx: AuthContext, ids: readonly string[], status: 'open' | 'closed'): Promise<{ readonly updated: number }>;
  /** Moves alerts into a new incident; both halves are summarised again. */
  split(
    ctx: AuthContext,
    id: string,
    alertIds: readonly string[],
  ): Promise<{ readonly kept: IncidentView; readonly split: IncidentView }>;
  assets(
    ctx: AuthContext,
    query: { readonly kind?: 'host' | 'user'; readonly q?: string },
  ): Promise<readonly AssetView[]>;
  putAssets(ctx: AuthContext, assets: readonly AssetInputView[]): Promise<number>;
  removeAsset(ctx: AuthContext, kind: 'host' | 'user', name: string): Promise<boolean>;
}

/** A filtered listing of cases, newest first. */
export interface CaseSearch {
  readonly statuses?: readonly CaseView['status'][];
  readonly assignee?: string;
  readonly q?: string;
  readonly significant?: boolean;
  readonly limit: number;
  readonly cursor?: string;
}

/** Fields a case is opened with. */
export interface CaseCreateRequest {
  readonly title?: string;
  readonly description?: string;
  readonly incidents?: readonly string[];
  readonly severity?: Severity;
  readonly tlp?: CaseView['tlp'];
  readonly pap?: CaseView['pap'];
  readonly assignee?: string;
  readonly tags?: readonly string[];
  readonly template?: string;
}

/** Fields an update may change; `assignee: null` unassigns. */
export interface CaseUpdateRequest {
  readonly title?: string;
  readonly description?: string;
  readonly severity?: Severity;
  readonly tlp?: CaseView['tlp'];
  readonly pap?: CaseView['pap'];
  readonly assignee?: string | null;
  readonly tags?: readonly string[];
  readonly significant?: boolean;
  readonly awareAt?: number;
  readonly timeZone?: string;
}

/** A status change. */
export interface CaseTransitionRequest {
  readonly status: CaseView['status'];
  readonly resolution?: NonNullable<CaseView['resolution']>;
  readonly duplicateOf?: string;
  readonly reason?: string;
}

/** Cases: workflow, tasks, observables, comments, attachments, timeline, NIS2, metrics, feedback. */
export interface CaseApiService {
  list(ctx: AuthContext, query: CaseSearch): Promise<Page<CaseView>>;
  detail(ctx: AuthContext, id: string): Promise<CaseDetailView | undefined>;
  create(ctx: AuthContext, req: CaseCreateRequest): Promise<CaseView>;
  update(ctx: AuthContext, id: string, req: CaseUpdateRequest): Promise<CaseView>;
  transition(ctx: AuthContext, id: string, req: CaseTransitionRequest): Promise<CaseView>;
  addIncidents(ctx: AuthContext, id: string, incidents: readonly string[]): Promise<CaseView>;
  addTask(
    ctx: AuthContext,
    id: string,
    task: {
      readonly title: string;
      readonly group?: string;
      readonly description?: string;
      readonly assignee?: string;
    },
  ): Promise<TaskView>;
  updateTask(
    ctx: AuthContext,
    id: string,
    taskId: string,
    patch: { readonly status?: TaskView['status']; readonly assignee?: string; readonly title?: string },
  ): Promise<TaskView>;
  applyTemplate(ctx: AuthContext, id: string, key?: string): Promise<readonly TaskView[]>;
  addObservable(
    ctx: AuthContext,
    id: string,
    o: {
      readonly kind: ObservableView['kind'];
      readonly value: string;
      readonly ioc?: boolean;
      readonly tlp?: CaseView['tlp'];
      readonly tags?: readonly string[];
    },
  ): Promise<ObservableView>;
  updateObservable(
    ctx: AuthContext,
    id: string,
    obsId: string,
    patch: { readonly ioc?: boolean; readonly tags?: readonly string[]; readonly tlp?: CaseView['tlp'] },
  ): Promise<ObservableView>;
  removeObservable(ctx: AuthContext, id: string, obsId: string): Promise<void>;
  enrichObservables(ctx: AuthContext, id: string): Promise<readonly ObservableView[]>;
  addComment(ctx: AuthContext, id: string, text: string): Promise<CommentView>;
  addAttachment(
    ctx: AuthContext,
    id: string,
    a: { readonly name: string; readonly contentType?: string; readonly data: Buffer },
  ): Promise<AttachmentView>;
  attachment(
    ctx: AuthContext,
    id: string,
    attId: string,
  ): Promise<{ readonly meta: AttachmentView; readonly data: Buffer }>;
  timeline(ctx: AuthContext, id: string): Promise<readonly TimelineEntryView[]>;
  annotate(
    ctx: AuthContext,
    id: string,
    note: { readonly time: number; readonly text: string; readonly ref?: string },
  ): Promise<NoteView>;
  removeNote(ctx: AuthContext, id: string, noteId: string): Promise<void>;
  history(ctx: AuthContext, id: string): Promise<readonly HistoryEntryView[]>;
  deadlines(ctx: AuthContext, id: string): Promise<readonly DeadlineView[]>;
  /** Deadlines of all significant cases that are due soon or overdue. */
  dueDeadlines(ctx: AuthContext): Promise<readonly { readonly case: CaseView; readonly deadline: DeadlineView }[]>;
  /** A NIS2 report draft, as JSON or as a STIX 2.1 bundle. */
  report(
    ctx: AuthContext,
    id: string,
    kind: DeadlineView['kind'],
    format: 'json' | 'stix',
  ): Promise<Readonly<Record<string, unknown>>>;
  submitReport(ctx: AuthContext, id: string, kind: DeadlineView['kind'], at?: number): Promise<CaseView>;
  metrics(
    ctx: AuthContext,
    window: { readonly from: number; readonly to: number; readonly buckets: number },
  ): Promise<TenantMetricsView>;
  templates(ctx: AuthContext): Promise<readonly TemplateView[]>;
  putTemplate(ctx: AuthContext, template: TemplateView): Promise<void>;
  deleteTemplate(ctx: AuthContext, key: string): Promise<boolean>;
  ruleFeedback(ctx: AuthContext): Promise<readonly RuleFeedbackView[]>;
  suggestions(ctx: AuthContext, status?: SuggestionView['status']): Promise<readonly SuggestionView[]>;
  /** Accepts or dismisses a suggestion; accepting a rule-level one tunes the rule. */
  decideSuggestion(ctx: AuthContext, id: string, accept: boolean): Promise<SuggestionView>;
}
