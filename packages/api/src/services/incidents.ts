/**
 * @module
 * Incident and case services.
 */
import type { Page } from './events.js';
import type { AuthContext, Severity } from '@intersoc/core';
import type {
  AssetInputView,
  AssetView,
  IncidentAlertView,
  IncidentBrief,
  IncidentCountsView,
  IncidentView,
} from '../incidents/schemas.js';
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
  TaskLogView,
  TaskView,
  TemplateView,
  TenantMetricsView,
  TimelineEntryView,
} from '../cases/schemas.js';

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
  readonly severities?: readonly Severity[];
  readonly tlps?: readonly CaseView['tlp'][];
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
    patch: { readonly status?: TaskView['status']; readonly assignee?: string | null; readonly title?: string },
  ): Promise<TaskView>;
  /** Puts the tasks in this order (every task of the case, once). */
  reorderTasks(ctx: AuthContext, id: string, taskIds: readonly string[]): Promise<readonly TaskView[]>;
  taskLogs(ctx: AuthContext, id: string, taskId: string): Promise<readonly TaskLogView[]>;
  addTaskLog(ctx: AuthContext, id: string, taskId: string, text: string): Promise<TaskLogView>;
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
