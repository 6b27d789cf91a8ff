/**
 * @module
 * The case service: the domain logic of cases over their store and the incident store. This file
 * holds the case lifecycle (opening cases from incidents, with title, severity, classification,
 * observables and tasks coming along; field changes; the status workflow with its timestamps and
 * incident status kept in step) and the service's public face. The other parts of the same
 * service live in their own files: incidents and close feedback (`case-incidents.ts`), tasks and
 * templates (`case-tasks.ts`), observables (`case-observables.ts`), and comments, attachments,
 * notes, timeline and history (`case-records.ts`). Every change is written to the case's history.
 * Reads need a reader role, work needs an analyst or admin, templates need an admin.
 */
import { AppError, requireRole, type AuthContext, type Severity } from '@intersoc/core';
import { READ_ROLES, WORK_ROLES, type Incident, type IncidentStore } from '@intersoc/correlate';
import type { FeedbackStore, SuppressionSuggestion } from '../feedback/feedback.js';
import type { ObservableEnricher } from '../observables/enricher.js';
import type { CasePage, CaseQuery, CaseStore } from '../store/types.js';
import { isTimeZone } from '../nis2/zoned-time.js';
import { CaseCore, maxSeverity, shortId } from './case-core.js';
import { CaseIncidents } from './case-incidents.js';
import { CaseObservables, type ObservableInput, type ObservablePatch } from './case-observables.js';
import { CaseRecords, type AttachmentInput, type NoteInput } from './case-records.js';
import { CaseTasks, type TaskInput, type TaskPatch } from './case-tasks.js';
import type { TaskTemplate } from './templates.js';
import type {
  Case,
  CaseAttachment,
  CaseComment,
  CaseHistoryEntry,
  CaseNote,
  CaseObservable,
  CaseTask,
  CaseTaskLog,
  CaseTimelineEntry,
  Pap,
  Tlp,
} from './types.js';
import { checkTransition, type TransitionRequest } from './workflow.js';

/** What opens a case. */
export interface CaseCreate {
  readonly title?: string;
  readonly description?: string;
  readonly incidents?: readonly string[];
  readonly severity?: Severity;
  readonly tlp?: Tlp;
  readonly pap?: Pap;
  readonly assignee?: string;
  readonly tags?: readonly string[];
  /** Template key; by default the one fitting the incidents' classification. `none` for no tasks. */
  readonly template?: string;
}

/** What an update may change; `null` clears an optional field. */
export interface CasePatch {
  readonly title?: string;
  readonly description?: string;
  readonly severity?: Severity;
  readonly tlp?: Tlp;
  readonly pap?: Pap;
  readonly assignee?: string | null;
  readonly tags?: readonly string[];
  readonly significant?: boolean;
  readonly awareAt?: number;
  readonly timeZone?: string;
  readonly rsit?: { readonly class: string; readonly type: string };
}

/** Options of the service. */
export interface CaseServiceOptions {
  readonly store: CaseStore;
  readonly incidents: IncidentStore;
  readonly enricher?: ObservableEnricher;
  readonly feedback?: FeedbackStore;
  /** Largest attachment, bytes (default 10 MiB). */
  readonly maxAttachmentBytes?: number;
  /** Told about new suppression suggestions after a false positive. */
  readonly onSuggestions?: (ctx: AuthContext, s: readonly SuppressionSuggestion[]) => void;
  /**
   * Told after a case was opened or its fields changed (the node announces it on the bus, where
   * respond starts the playbooks whose `on_case` triggers the case meets). Its failure never
   * undoes the change.
   */
  readonly onChange?: (ctx: AuthContext, c: Case, change: 'opened' | 'updated') => void;
  readonly now?: () => number;
}

/** The case service. */
export class CaseService {
  readonly store: CaseStore;
  private readonly incidents: IncidentStore;
  private readonly now: () => number;
  private readonly core: CaseCore;
  private readonly taskPart: CaseTasks;
  private readonly observablePart: CaseObservables;
  private readonly recordPart: CaseRecords;
  private readonly incidentPart: CaseIncidents;

  constructor(private readonly o: CaseServiceOptions) {
    this.store = o.store;
    this.incidents = o.incidents;
    this.now = o.now ?? Date.now;
    this.core = new CaseCore(o.store, o.incidents, this.now);
    this.taskPart = new CaseTasks(this.core);
    this.observablePart = new CaseObservables(this.core, o.enricher);
    this.incidentPart = new CaseIncidents(this.core, this.observablePart, o.feedback, o.onSuggestions);
    const maxAttachment = o.maxAttachmentBytes ?? 10 * 1024 * 1024;
    this.recordPart = new CaseRecords(this.core, maxAttachment, (ctx, c) => this.caseIncidents(ctx, c));
  }

  /** The case, or NOT_FOUND. */
  require(ctx: AuthContext, id: string): Case {
    return this.core.require(ctx, id);
  }

  /** Opens a case, from incidents or by hand. */
  create(ctx: AuthContext, input: CaseCreate): Case {
    requireRole(ctx, WORK_ROLES);
    const incidents = this.incidentPart.resolve(ctx, input.incidents ?? []);
    if (incidents.length === 0 && (input.title ?? '').trim() === '') {
      throw new AppError('VALIDATION', 'a case needs a title or incidents');
    }
    const lead = [...incidents].sort((a, b) => b.score - a.score)[0];
    const now = this.now();
    const id = shortId();
    const c: Case = {
      id,
      tenant: ctx.tenant,
      number: this.store.nextNumber(ctx),
      title: input.title?.trim() || lead?.title || 'Case',
      description: input.description ?? '',
      status: 'new',
      severity: input.severity ?? (incidents.length > 0 ? maxSeverity(incidents.map((i) => i.severity)) : 'medium'),
      tlp: input.tlp ?? 'amber',
      pap: input.pap ?? 'amber',
      ...(input.assignee ? { assignee: input.assignee, acknowledgedAt: now } : {}),
      tags: [...(input.tags ?? [])],
      incidents: incidents.map((i) => i.id),
      rules: [...new Set(incidents.flatMap((i) => i.rules.map((r) => r.ruleId)))],
      ...(lead ? { rsit: { class: lead.rsit.class, type: lead.rsit.type } } : {}),
      significant: false,
      timeZone: 'UTC',
      submitted: {},
      ...(incidents.length > 0 ? { occurredAt: Math.min(...incidents.map((i) => i.firstSeen)) } : {}),
      detectedAt: incidents.length > 0 ? Math.min(...incidents.map((i) => i.created)) : now,
      created: now,
      createdBy: ctx.user,
      updated: now,
    };
    this.store.put(ctx, c);
    this.core.history(ctx, id, 'case.create', { incidents: c.incidents, title: c.title });
    if (incidents.length > 0) this.incidents.setStatus(ctx, c.incidents, 'case', id);
    for (const inc of incidents) this.observablePart.fromIncident(ctx, id, inc);
    if (input.template !== 'none') this.applyTemplate(ctx, id, input.template);
    const opened = this.require(ctx, id);
    this.changed(ctx, opened, 'opened');
    return opened;
  }

  private changed(ctx: AuthContext, c: Case, change: 'opened' | 'updated'): void {
    try {
      this.o.onChange?.(ctx, c, change);
    } catch {
      // A listener's failure is the listener's: the case change stands.
    }
  }

  /** A page of the tenant's cases. */
  list(ctx: AuthContext, q: CaseQuery = {}): CasePage {
    requireRole(ctx, READ_ROLES);
    return this.store.list(ctx, q);
  }

  /** Changes fields of a case. */
  update(ctx: AuthContext, id: string, patch: CasePatch): Case {
    requireRole(ctx, WORK_ROLES);
    const c = this.require(ctx, id);
    if (patch.timeZone !== undefined && !isTimeZone(patch.timeZone)) {
      throw new AppError('VALIDATION', `unknown time zone ${patch.timeZone}`);
    }
    const now = this.now();
    const { assignee, ...rest } = patch;
    let next: Case = { ...c, ...rest, updated: now };
    if (assignee === null) {
      const { assignee: _drop, ...without } = next;
      next = without;
    } else if (assignee !== undefined) {
      next = { ...next, assignee, ...(c.acknowledgedAt === undefined ? { acknowledgedAt: now } : {}) };
    }
    // Marked significant: the deadlines count from awareness, by default when the case was opened.
    if (patch.significant === true && next.awareAt === undefined) next = { ...next, awareAt: c.created };
    this.store.put(ctx, next);
    const changes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(patch)) changes[k] = v;
    this.core.history(ctx, id, 'case.update', { changes });
    this.changed(ctx, next, 'updated');
    return next;
  }

  /** Moves a case along its workflow. */
  transition(ctx: AuthContext, id: string, req: TransitionRequest & { readonly reason?: string }): Case {
    requireRole(ctx, WORK_ROLES);
    const c = this.require(ctx, id);
    const check = checkTransition(c, req);
    if (!check.ok) throw new AppError('CONFLICT', check.reason);
    if (req.resolution === 'duplicate' && req.duplicateOf !== undefined) this.require(ctx, req.duplicateOf);
    const now = this.now();
    const reopening = req.status === 'in-progress' && (c.status === 'resolved' || c.status === 'closed');
    let next: Case = { ...c, status: req.status, updated: now };
    if (reopening) {
      const { resolution: _r, duplicateOf: _d, resolvedAt: _ra, closedAt: _ca, ...open } = next;
      next = open;
    }
    if (req.resolution !== undefined) {
      next = { ...next, resolution: req.resolution, ...(req.duplicateOf ? { duplicateOf: req.duplicateOf } : {}) };
    }
    if (c.acknowledgedAt === undefined && req.status !== 'new') next = { ...next, acknowledgedAt: now };
    if (req.status === 'contained' && c.containedAt === undefined) next = { ...next, containedAt: now };
    if ((req.status === 'resolved' || req.status === 'closed') && next.resolvedAt === undefined) {
      next = { ...next, resolvedAt: now };
    }
    if (req.status === 'closed') next = { ...next, closedAt: now };
    this.store.put(ctx, next);
    this.core.history(ctx, id, 'case.transition', {
      from: c.status,
      to: req.status,
      ...(next.resolution ? { resolution: next.resolution } : {}),
      ...(req.reason ? { text: req.reason } : {}),
    });
    if (next.incidents.length > 0) {
      if (req.status === 'closed') this.incidents.setStatus(ctx, next.incidents, 'closed', id);
      else if (reopening) this.incidents.setStatus(ctx, next.incidents, 'case', id);
    }
    if (req.status === 'closed') this.incidentPart.feedbackOnClose(ctx, next);
    return next;
  }

  // -- incidents (case-incidents.ts) ------------------------------------------------------

  /** Adds incidents to a case. */
  addIncidents(ctx: AuthContext, id: string, incidentIds: readonly string[]): Case {
    return this.incidentPart.addIncidents(ctx, id, incidentIds);
  }

  /** The case's incidents (merged ones resolved to where they went). */
  caseIncidents(ctx: AuthContext, c: Case): Incident[] {
    return this.incidentPart.caseIncidents(ctx, c);
  }

  /** Ids of the alerts of a case's incidents (metrics count them closed when the case closes). */
  alertIdsOf(ctx: AuthContext, c: Case): string[] {
    return this.incidentPart.alertIdsOf(ctx, c);
  }

  // -- tasks and templates (case-tasks.ts) -------------------------------------------------

  /** The case's tasks in their order (insertion order breaks ties). */
  tasks(ctx: AuthContext, id: string): CaseTask[] {
    return this.taskPart.tasks(ctx, id);
  }

  /** Adds a task at the end of the list. */
  addTask(ctx: AuthContext, id: string, t: TaskInput): CaseTask {
    return this.taskPart.addTask(ctx, id, t);
  }

  /** Changes a task; `assignee: null` unassigns it. The history says what changed. */
  updateTask(ctx: AuthContext, id: string, taskId: string, patch: TaskPatch): CaseTask {
    return this.taskPart.updateTask(ctx, id, taskId, patch);
  }

  /** Puts the case's tasks in the given order; `ids` must name every task of the case once. */
  reorderTasks(ctx: AuthContext, id: string, ids: readonly string[]): CaseTask[] {
    return this.taskPart.reorderTasks(ctx, id, ids);
  }

  /** The work log of a task, oldest first. */
  taskLogs(ctx: AuthContext, id: string, taskId: string): CaseTaskLog[] {
    return this.taskPart.taskLogs(ctx, id, taskId);
  }

  /** Adds an entry to a task's work log. */
  addTaskLog(ctx: AuthContext, id: string, taskId: string, text: string): CaseTaskLog {
    return this.taskPart.addTaskLog(ctx, id, taskId, text);
  }

  /** Adds the tasks of a template (the fitting one by default). */
  applyTemplate(ctx: AuthContext, id: string, key?: string): CaseTask[] {
    return this.taskPart.applyTemplate(ctx, id, key);
  }

  /** Built-in templates overlaid with the tenant's own. */
  templates(ctx: AuthContext): TaskTemplate[] {
    return this.taskPart.templates(ctx);
  }

  /** Stores a tenant template (an admin's work). */
  putTemplate(ctx: AuthContext, t: TaskTemplate): void {
    this.taskPart.putTemplate(ctx, t);
  }

  /** Removes a tenant template; false when there was none. */
  deleteTemplate(ctx: AuthContext, key: string): boolean {
    return this.taskPart.deleteTemplate(ctx, key);
  }

  // -- observables (case-observables.ts) ---------------------------------------------------

  /** The case's observables. */
  observables(ctx: AuthContext, id: string): CaseObservable[] {
    return this.observablePart.observables(ctx, id);
  }

  /** Adds an analyst's observable; CONFLICT when the case has it already (case-insensitive). */
  addObservable(ctx: AuthContext, id: string, o: ObservableInput): CaseObservable {
    return this.observablePart.addObservable(ctx, id, o);
  }

  /** Changes an observable's IOC flag, tags or TLP. */
  updateObservable(ctx: AuthContext, id: string, obsId: string, patch: ObservablePatch): CaseObservable {
    return this.observablePart.updateObservable(ctx, id, obsId, patch);
  }

  /** Removes an observable from the case. */
  removeObservable(ctx: AuthContext, id: string, obsId: string): void {
    this.observablePart.removeObservable(ctx, id, obsId);
  }

  /** Looks every observable up again in threat intelligence. */
  enrichObservables(ctx: AuthContext, id: string): CaseObservable[] {
    return this.observablePart.enrichObservables(ctx, id);
  }

  // -- comments, attachments, notes, timeline, history (case-records.ts) -------------------

  /** The case's comments. */
  comments(ctx: AuthContext, id: string): CaseComment[] {
    return this.recordPart.comments(ctx, id);
  }

  /** Adds a comment by the caller. */
  addComment(ctx: AuthContext, id: string, text: string): CaseComment {
    return this.recordPart.addComment(ctx, id, text);
  }

  /** What is attached to the case (without the data). */
  attachments(ctx: AuthContext, id: string): CaseAttachment[] {
    return this.recordPart.attachments(ctx, id);
  }

  /** Stores a file with the case, hashed (SHA-256, MD5) and size-limited. */
  addAttachment(ctx: AuthContext, id: string, a: AttachmentInput): CaseAttachment {
    return this.recordPart.addAttachment(ctx, id, a);
  }

  /** An attachment with its data, or NOT_FOUND. */
  attachment(ctx: AuthContext, id: string, attId: string): { meta: CaseAttachment; data: Buffer } {
    return this.recordPart.attachment(ctx, id, attId);
  }

  /** Pins an analyst's note to a moment of the timeline (optionally to an alert or event). */
  annotate(ctx: AuthContext, id: string, n: NoteInput): CaseNote {
    return this.recordPart.annotate(ctx, id, n);
  }

  /** Removes a note from the timeline. */
  removeNote(ctx: AuthContext, id: string, noteId: string): void {
    this.recordPart.removeNote(ctx, id, noteId);
  }

  /** The case's timeline, built from its incidents, its history and the analysts' notes. */
  timeline(ctx: AuthContext, id: string): CaseTimelineEntry[] {
    return this.recordPart.timeline(ctx, id);
  }

  /** The case's history: every change made to it. */
  historyOf(ctx: AuthContext, id: string): CaseHistoryEntry[] {
    return this.recordPart.historyOf(ctx, id);
  }

  /** Records a history entry on behalf of another part of the node (NIS2 submissions, warnings). */
  note(ctx: AuthContext, id: string, action: string, detail: Record<string, unknown>): void {
    this.recordPart.note(ctx, id, action, detail);
  }

  /** Replaces the stored case (for the NIS2 module's submission stamps). */
  save(ctx: AuthContext, c: Case): void {
    this.recordPart.save(ctx, c);
  }
}
