/**
 * @module
 * The dashboard's client for incidents, cases, NIS2 and case metrics: the shapes the node's API
 * returns and one function per call. It uses the same session cookie, tenant switch and error
 * handling as the rest of the client.
 */
import { ApiError, apiUrl, CSRF_HEADER, request as call } from './client';
import type { IntelMatch, Page, Severity } from './types';

/** Incident statuses. */
export type IncidentStatus = 'open' | 'case' | 'closed' | 'merged';

/** RSIT classification. */
export interface Rsit {
  readonly class: string;
  readonly type: string;
  readonly classLabel: string;
  readonly typeLabel: string;
  readonly reason: string;
  readonly classifier: string;
  readonly confidence: number;
}

/** An incident in the queue. */
export interface IncidentBrief {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly score: number;
  readonly status: IncidentStatus;
  readonly maxAlertSeverity: Severity;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly alertCount: number;
  readonly hosts: readonly string[];
  readonly users: readonly string[];
  readonly ips: readonly string[];
  readonly domains: readonly string[];
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly rsit: Rsit;
  readonly sources: readonly string[];
  readonly caseId?: string;
  readonly mergedInto?: string;
  /** Why it closed, when closing its alerts (all false positives) closed it. */
  readonly closedReason?: string;
}

/** A node of the entity graph. */
export interface IncidentNode {
  readonly id: string;
  readonly type: string;
  readonly value: string;
  readonly alerts: number;
}

/** An edge of the entity graph. */
export interface IncidentEdge {
  readonly source: string;
  readonly target: string;
  readonly kind: 'observed' | 'lateral' | 'network';
  readonly alerts: number;
  readonly evidence: readonly string[];
}

/** A line of an incident's timeline. */
export interface IncidentLine {
  readonly time: number;
  readonly last: number;
  readonly alertId: string;
  readonly ruleId: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly host?: string;
  readonly count: number;
}

/** A whole incident. */
export interface Incident extends IncidentBrief {
  readonly scoreParts: {
    readonly severity: number;
    readonly criticality: number;
    readonly confidence: number;
    readonly spread: number;
  };
  readonly rules: readonly {
    readonly ruleId: string;
    readonly title: string;
    readonly severity: Severity;
    readonly count: number;
  }[];
  readonly graph: { readonly nodes: readonly IncidentNode[]; readonly edges: readonly IncidentEdge[] };
  readonly timeline: readonly IncidentLine[];
  readonly mergedFrom: readonly string[];
  readonly links: readonly {
    readonly peer: string;
    readonly kind: string;
    readonly ref: string;
    readonly observable: string;
  }[];
  /** Indicators of the CTI store that match the incident's entities. */
  readonly intel?: readonly IntelMatch[];
}

/** An alert of an incident. */
export interface IncidentAlert {
  readonly id: string;
  readonly time: number;
  readonly ruleId: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly techniques: readonly string[];
  readonly entities: readonly { readonly type: string; readonly value: string; readonly role?: string }[];
  /** The alert's state in the queue. */
  readonly state?: {
    readonly status: 'new' | 'acknowledged' | 'closed';
    readonly reason?: string;
    readonly by?: string;
    readonly changed?: number;
  };
}

/** Case statuses, in workflow order. */
export const CASE_STATUSES = ['new', 'in-progress', 'contained', 'resolved', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const RESOLUTIONS = ['true-positive', 'false-positive', 'benign', 'duplicate'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];
export type Nis2Kind = 'early-warning' | 'notification' | 'final';

/** A case. */
export interface Case {
  readonly id: string;
  readonly number: number;
  readonly title: string;
  readonly description: string;
  readonly status: CaseStatus;
  readonly resolution?: Resolution;
  readonly severity: Severity;
  readonly tlp: string;
  readonly pap: string;
  readonly assignee?: string;
  readonly tags: readonly string[];
  readonly incidents: readonly string[];
  readonly rsit?: { readonly class: string; readonly type: string };
  readonly significant: boolean;
  readonly awareAt?: number;
  readonly timeZone: string;
  readonly submitted: Partial<Record<Nis2Kind, number>>;
  readonly detectedAt: number;
  readonly created: number;
  readonly createdBy: string;
  readonly updated: number;
}

export interface CaseTask {
  readonly id: string;
  readonly title: string;
  readonly group: string;
  readonly order: number;
  readonly status: 'todo' | 'doing' | 'done' | 'skipped';
  readonly description?: string;
  readonly assignee?: string;
  readonly doneAt?: number;
}

export interface CaseObservable {
  readonly id: string;
  readonly kind: string;
  readonly value: string;
  readonly ioc: boolean;
  readonly source: string;
  readonly enrichment?: {
    readonly matches: readonly { readonly id: string; readonly name?: string; readonly tlp?: string }[];
  };
}

export interface CaseComment {
  readonly id: string;
  readonly author: string;
  readonly text: string;
  readonly created: number;
}

export interface CaseAttachment {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  readonly author: string;
  readonly created: number;
}

/** A NIS2 deadline. */
export interface Deadline {
  readonly kind: Nis2Kind;
  readonly due: number;
  readonly dueLocal: string;
  readonly basis: string;
  readonly submitted?: number;
  readonly state: 'pending' | 'due-soon' | 'overdue' | 'submitted' | 'late';
  readonly remainingMs: number;
}

/** A case with everything on its page. */
export interface CaseDetail {
  readonly case: Case;
  readonly tasks: readonly CaseTask[];
  readonly observables: readonly CaseObservable[];
  readonly comments: readonly CaseComment[];
  readonly attachments: readonly CaseAttachment[];
  readonly deadlines: readonly Deadline[];
  readonly metrics: { readonly ttd?: number; readonly tta?: number; readonly ttc?: number; readonly ttr?: number };
}

/** One entry of a case timeline. */
export interface TimelineEntry {
  readonly time: number;
  readonly kind: string;
  readonly title: string;
  readonly detail?: string;
  readonly author?: string;
  readonly ref?: string;
  readonly severity?: Severity;
  readonly count?: number;
}

/** Tenant case metrics. */
export interface CaseMetrics {
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  readonly cases: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly byResolution: Readonly<Record<string, number>>;
  readonly mttd?: number;
  readonly mtta?: number;
  readonly mttc?: number;
  readonly mttr?: number;
  readonly buckets: readonly {
    readonly start: number;
    readonly cases: number;
    readonly mttd?: number;
    readonly mtta?: number;
    readonly mttc?: number;
    readonly mttr?: number;
  }[];
  readonly nis2: { readonly significant: number; readonly met: number; readonly missed: number; readonly open: number };
  /** Alerts closed in the window, in the queue or with their case (absent on nodes without a queue). */
  readonly alerts?: {
    readonly closed: number;
    readonly inQueue: number;
    readonly inCases: number;
    readonly byReason: Readonly<Record<string, number>>;
  };
}

export interface RuleFeedback {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly falsePositives: number;
  readonly truePositives: number;
  readonly benign: number;
}

export interface Suggestion {
  readonly id: string;
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly action: 'suppress' | 'lower-level' | 'disable';
  readonly field?: string;
  readonly value?: string;
  readonly reason: string;
  readonly cases: readonly string[];
  readonly status: 'suggested' | 'accepted' | 'dismissed';
}

const enc = encodeURIComponent;

/** Incident, case, NIS2 and metrics calls. */
export const cases = {
  incidents: (
    q: { status?: readonly string[]; minSeverity?: Severity; q?: string; limit?: number },
    signal?: AbortSignal,
  ) => call<Page<IncidentBrief>>('GET', '/api/incidents', { query: q, ...(signal ? { signal } : {}) }),
  incident: (id: string, signal?: AbortSignal) =>
    call<Incident>('GET', `/api/incidents/${enc(id)}`, signal ? { signal } : {}),
  incidentAlerts: (id: string, signal?: AbortSignal) =>
    call<{ items: IncidentAlert[] }>('GET', `/api/incidents/${enc(id)}/alerts`, signal ? { signal } : {}),
  setIncidentStatus: (ids: readonly string[], status: 'open' | 'closed') =>
    call<{ updated: number }>('POST', '/api/incidents/status', { body: { ids, status } }),
  split: (id: string, alertIds: readonly string[]) =>
    call<{ kept: Incident; split: Incident }>('POST', `/api/incidents/${enc(id)}/split`, { body: { alertIds } }),

  list: (
    q: {
      status?: readonly string[];
      severity?: readonly string[];
      tlp?: readonly string[];
      assignee?: string;
      q?: string;
      significant?: 'true' | 'false';
      limit?: number;
    },
    signal?: AbortSignal,
  ) => call<Page<Case>>('GET', '/api/cases', { query: q, ...(signal ? { signal } : {}) }),
  detail: (id: string, signal?: AbortSignal) =>
    call<CaseDetail>('GET', `/api/cases/${enc(id)}`, signal ? { signal } : {}),
  open: (b: { incidents?: readonly string[]; title?: string }) => call<Case>('POST', '/api/cases', { body: b }),
  update: (id: string, b: Record<string, unknown>) => call<Case>('PATCH', `/api/cases/${enc(id)}`, { body: b }),
  transition: (id: string, b: { status: CaseStatus; resolution?: Resolution; duplicateOf?: string; reason?: string }) =>
    call<Case>('POST', `/api/cases/${enc(id)}/transition`, { body: b }),
  setTask: (id: string, taskId: string, status: CaseTask['status']) =>
    call<CaseTask>('PATCH', `/api/cases/${enc(id)}/tasks/${enc(taskId)}`, { body: { status } }),
  addObservable: (id: string, b: { kind: string; value: string; ioc?: boolean }) =>
    call<CaseObservable>('POST', `/api/cases/${enc(id)}/observables`, { body: b }),
  comment: (id: string, text: string) =>
    call<CaseComment>('POST', `/api/cases/${enc(id)}/comments`, { body: { text } }),
  note: (id: string, b: { time: string; text: string; ref?: string }) =>
    call<unknown>('POST', `/api/cases/${enc(id)}/notes`, { body: b }),
  timeline: (id: string, signal?: AbortSignal) =>
    call<{ items: TimelineEntry[] }>('GET', `/api/cases/${enc(id)}/timeline`, signal ? { signal } : {}),
  attach: async (id: string, file: File): Promise<CaseAttachment> => {
    const res = await fetch(apiUrl(`/api/cases/${enc(id)}/attachments`, { name: file.name }), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': file.type || 'application/octet-stream', [CSRF_HEADER]: 'intersoc' },
      body: file,
    });
    const body = (await res.json()) as CaseAttachment & { error?: { code: string; message: string } };
    if (!res.ok) throw new ApiError(res.status, body.error?.code ?? 'HTTP', body.error?.message ?? res.statusText);
    return body;
  },
  attachmentUrl: (id: string, attId: string) => apiUrl(`/api/cases/${enc(id)}/attachments/${enc(attId)}`),
  reportUrl: (id: string, kind: Nis2Kind, format: 'json' | 'stix') =>
    apiUrl(`/api/cases/${enc(id)}/nis2/${kind}`, { format }),
  submitted: (id: string, kind: Nis2Kind) =>
    call<Case>('POST', `/api/cases/${enc(id)}/nis2/${kind}/submitted`, { body: {} }),
  dueDeadlines: (signal?: AbortSignal) =>
    call<{ items: { case: Case; deadline: Deadline }[] }>('GET', '/api/nis2/deadlines', signal ? { signal } : {}),
  deadlines: (id: string, signal?: AbortSignal) =>
    call<{ items: Deadline[] }>('GET', `/api/cases/${enc(id)}/nis2`, signal ? { signal } : {}),
  metrics: (q: { from?: number; to?: number; buckets?: number }, signal?: AbortSignal) =>
    call<CaseMetrics>('GET', '/api/cases/metrics', { query: q, ...(signal ? { signal } : {}) }),
  ruleFeedback: (signal?: AbortSignal) =>
    call<{ items: RuleFeedback[] }>('GET', '/api/feedback/rules', signal ? { signal } : {}),
  suggestions: (signal?: AbortSignal) =>
    call<{ items: Suggestion[] }>('GET', '/api/feedback/suggestions', signal ? { signal } : {}),
  decide: (id: string, accept: boolean) =>
    call<Suggestion>('POST', `/api/feedback/suggestions/${enc(id)}`, { body: { accept } }),
};
