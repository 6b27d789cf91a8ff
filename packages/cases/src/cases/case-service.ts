/**
 * @module
 * The case service: the domain logic of cases over their store and the incident store. Opening
 * cases from incidents (title, severity, classification, observables and tasks come along), the
 * status workflow with its timestamps, incident status kept in step, false-positive feedback on
 * close, and every change written to the case's history. Reads need a reader role, work needs an
 * analyst or admin, templates need an admin.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { AppError, randomId, requireRole, SEVERITIES, type AuthContext, type Severity } from '@intersoc/core';
import { CONFIG_ROLES, READ_ROLES, WORK_ROLES, type Incident, type IncidentStore } from '@intersoc/correlate';
import type { RuleOutcome, SqliteFeedbackStore, SuppressionSuggestion } from '../feedback/feedback.js';
import type { ObservableEnricher } from '../observables/enricher.js';
import type { CasePage, CaseQuery, CaseStore } from '../store/types.js';
import { caseTimeline } from '../timeline/timeline.js';
import { isTimeZone } from '../nis2/zoned-time.js';
import { BUILTIN_TEMPLATES, templateFor, type TaskTemplate } from './templates.js';
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
  ObservableKind,
  Pap,
  TaskStatus,
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
  readonly feedback?: SqliteFeedbackStore;
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

const SEV = new Map(SEVERITIES.map((s, i) => [s, i]));

function maxSeverity(list: readonly Severity[]): Severity {
  let best: Severity = 'informational';
  for (const s of list) if ((SEV.get(s) ?? 0) > (SEV.get(best) ?? 0)) best = s;
  return best;
}

function shortId(): string {
  return randomId().slice(0, 16);
}

/** The case service. */
export class CaseService {
  readonly store: CaseStore;
  private readonly incidents: IncidentStore;
  private readonly now: () => number;
  private readonly maxAttachment: number;

  constructor(private readonly o: CaseServiceOptions) {
    this.store = o.store;
    this.incidents = o.incidents;
    this.now = o.now ?? Date.now;
    this.maxAttachment = o.maxAttachmentBytes ?? 10 * 1024 * 1024;
  }

  private history(ctx: AuthContext, caseId: string, action: string, detail: Record<string, unknown>): void {
    this.store.appendHistory(ctx, { caseId, time: this.now(), actor: ctx.user, action, detail });
  }

  /** The case, or NOT_FOUND. */
  require(ctx: AuthContext, id: string): Case {
    requireRole(ctx, READ_ROLES);
    const c = this.store.get(ctx, id);
    if (!c) throw new AppError('NOT_FOUND', `no case ${id}`);
    return c;
  }

  private resolveIncidents(ctx: AuthContext, ids: readonly string[], caseId?: string): Incident[] {
    const out: Incident[] = [];
    for (const id of ids) {
      let inc = this.incidents.get(ctx, id);
      // A merged incident lives on in the one it was merged into.
      for (let i = 0; inc?.status === 'merged' && inc.mergedInto && i < 8; i++)
        inc = this.incidents.get(ctx, inc.mergedInto);
      if (!inc) throw new AppError('NOT_FOUND', `no incident ${id}`);
      if (inc.caseId !== undefined && inc.caseId !== caseId) {
        const other = this.store.get(ctx, inc.caseId);
        if (other && other.status !== 'closed')
          throw new AppError('CONFLICT', `incident ${id} is in case #${other.number}`);
      }
      if (!out.some((x) => x.id === inc.id)) out.push(inc);
    }
    return out;
  }

  /** Opens a case, from incidents or by hand. */
  create(ctx: AuthContext, input: CaseCreate): Case {
    requireRole(ctx, WORK_ROLES);
    const incidents = this.resolveIncidents(ctx, input.incidents ?? []);
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
    this.history(ctx, id, 'case.create', { incidents: c.incidents, title: c.title });
    if (incidents.length > 0) this.incidents.setStatus(ctx, c.incidents, 'case', id);
    for (const inc of incidents) this.observablesFrom(ctx, id, inc);
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

  private observablesFrom(ctx: AuthContext, caseId: string, inc: Incident): void {
    const have = new Set(this.store.parts(ctx, caseId, 'observable').map((o) => `${o.kind}\0${o.value.toLowerCase()}`));
    const add = (kind: ObservableKind, value: string, ioc: boolean): void => {
      if (have.has(`${kind}\0${value.toLowerCase()}`)) return;
      have.add(`${kind}\0${value.toLowerCase()}`);
      this.putObservable(ctx, caseId, {
        kind,
        value,
        ioc,
        tags: [`incident:${inc.id.slice(0, 8)}`],
        source: 'incident',
      });
    };
    for (const ip of inc.ips) add('ip', ip, true);
    for (const d of inc.domains) add('domain', d, true);
    for (const h of inc.hosts) add('host', h, false);
    for (const u of inc.users) add('user', u, false);
  }

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
    this.history(ctx, id, 'case.update', { changes });
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
    this.history(ctx, id, 'case.transition', {
      from: c.status,
      to: req.status,
      ...(next.resolution ? { resolution: next.resolution } : {}),
      ...(req.reason ? { text: req.reason } : {}),
    });
    if (next.incidents.length > 0) {
      if (req.status === 'closed') this.incidents.setStatus(ctx, next.incidents, 'closed', id);
      else if (reopening) this.incidents.setStatus(ctx, next.incidents, 'case', id);
    }
    if (req.status === 'closed') this.feedbackOnClose(ctx, next);
    return next;
  }

  private feedbackOnClose(ctx: AuthContext, c: Case): void {
    const fb = this.o.feedback;
    const r = c.resolution;
    if (!fb || (r !== 'false-positive' && r !== 'true-positive' && r !== 'benign')) return;
    const byRule = new Map<string, { ruleId: string; ruleTitle: string; alerts: RuleOutcome['alerts'][number][] }>();
    for (const incId of c.incidents) {
      for (const a of this.incidents.alerts(ctx, incId)) {
        const e = byRule.get(a.ruleId) ?? { ruleId: a.ruleId, ruleTitle: a.rule, alerts: [] };
        e.alerts.push(a);
        byRule.set(a.ruleId, e);
      }
    }
    const suggestions = fb.record(ctx, r, c.id, [...byRule.values()]);
    if (suggestions.length > 0) this.o.onSuggestions?.(ctx, suggestions);
  }

  /** Adds incidents to a case. */
  addIncidents(ctx: AuthContext, id: string, incidentIds: readonly string[]): Case {
    requireRole(ctx, WORK_ROLES);
    const c = this.require(ctx, id);
    const incidents = this.resolveIncidents(ctx, incidentIds, id);
    const ids = [...new Set([...c.incidents, ...incidents.map((i) => i.id)])];
    const all = [...incidents];
    const next: Case = {
      ...c,
      incidents: ids,
      rules: [...new Set([...c.rules, ...all.flatMap((i) => i.rules.map((r) => r.ruleId))])],
      severity: maxSeverity([c.severity, ...all.map((i) => i.severity)]),
      ...(all.length > 0
        ? {
            occurredAt: Math.min(c.occurredAt ?? Number.POSITIVE_INFINITY, ...all.map((i) => i.firstSeen)),
            detectedAt: Math.min(c.detectedAt, ...all.map((i) => i.created)),
          }
        : {}),
      updated: this.now(),
    };
    this.store.put(ctx, next);
    this.incidents.setStatus(
      ctx,
      incidents.map((i) => i.id),
      c.status === 'closed' ? 'closed' : 'case',
      id,
    );
    for (const inc of incidents) this.observablesFrom(ctx, id, inc);
    this.history(ctx, id, 'case.incidents', { incidents: incidents.map((i) => i.id) });
    return next;
  }

  /** The case's incidents (merged ones resolved to where they went). */
  caseIncidents(ctx: AuthContext, c: Case): Incident[] {
    const out: Incident[] = [];
    for (const id of c.incidents) {
      let inc = this.incidents.get(ctx, id);
      for (let i = 0; inc?.status === 'merged' && inc.mergedInto && i < 8; i++)
        inc = this.incidents.get(ctx, inc.mergedInto);
      if (inc && !out.some((x) => x.id === inc.id)) out.push(inc);
    }
    return out;
  }

  /** Ids of the alerts of a case's incidents (metrics count them closed when the case closes). */
  alertIdsOf(ctx: AuthContext, c: Case): string[] {
    return this.caseIncidents(ctx, c).flatMap((inc) => this.incidents.alerts(ctx, inc.id).map((a) => a.id));
  }

  // -- tasks -------------------------------------------------------------------------------

  /** The case's tasks in their order (insertion order breaks ties). */
  tasks(ctx: AuthContext, id: string): CaseTask[] {
    this.require(ctx, id);
    return this.store
      .parts(ctx, id, 'task')
      .map((t, i) => ({ t, i }))
      .sort((a, b) => a.t.order - b.t.order || a.i - b.i)
      .map((x) => x.t);
  }

  addTask(
    ctx: AuthContext,
    id: string,
    t: { readonly title: string; readonly group?: string; readonly description?: string; readonly assignee?: string },
  ): CaseTask {
    requireRole(ctx, WORK_ROLES);
    this.require(ctx, id);
    const now = this.now();
    const task: CaseTask = {
      id: shortId(),
      caseId: id,
      title: t.title,
      group: t.group ?? 'triage',
      order: this.store.parts(ctx, id, 'task').length,
      status: 'todo',
      ...(t.description === undefined ? {} : { description: t.description }),
      ...(t.assignee === undefined ? {} : { assignee: t.assignee }),
      created: now,
      updated: now,
    };
    this.store.putPart(ctx, id, 'task', task.id, task);
    this.history(ctx, id, 'task.add', {
      title: task.title,
      ref: task.id,
      ...(task.assignee === undefined ? {} : { assignee: task.assignee }),
    });
    return task;
  }

  /** Changes a task; `assignee: null` unassigns it. The history says what changed. */
  updateTask(
    ctx: AuthContext,
    id: string,
    taskId: string,
    patch: { readonly status?: TaskStatus; readonly assignee?: string | null; readonly title?: string },
  ): CaseTask {
    requireRole(ctx, WORK_ROLES);
    this.require(ctx, id);
    const t = this.store.part(ctx, id, 'task', taskId);
    if (!t) throw new AppError('NOT_FOUND', `no task ${taskId}`);
    const now = this.now();
    const { assignee, ...rest } = patch;
    let next: CaseTask = {
      ...t,
      ...rest,
      updated: now,
      ...(patch.status === 'done' && t.status !== 'done' ? { doneAt: now } : {}),
    };
    if (assignee === null) {
      const { assignee: _drop, ...without } = next;
      next = without;
    } else if (assignee !== undefined) next = { ...next, assignee };
    this.store.putPart(ctx, id, 'task', taskId, next);
    const changed = (['status', 'assignee', 'title'] as const).filter((k) => next[k] !== t[k]);
    this.history(ctx, id, 'task.update', {
      title: next.title,
      status: next.status,
      ...(next.assignee === undefined ? {} : { assignee: next.assignee }),
      changed,
      ref: taskId,
    });
    return next;
  }

  /** Puts the case's tasks in the given order; `ids` must name every task of the case once. */
  reorderTasks(ctx: AuthContext, id: string, ids: readonly string[]): CaseTask[] {
    requireRole(ctx, WORK_ROLES);
    const current = this.tasks(ctx, id);
    const known = new Set(current.map((t) => t.id));
    if (ids.length !== known.size || new Set(ids).size !== ids.length || ids.some((x) => !known.has(x))) {
      // Someone added or removed a task since the caller loaded the list: they reload and retry.
      throw new AppError('CONFLICT', 'the order must name every task of the case exactly once');
    }
    const now = this.now();
    const byId = new Map(current.map((t) => [t.id, t]));
    const out = ids.map((taskId, order) => {
      const t = byId.get(taskId) as CaseTask;
      const next = t.order === order ? t : { ...t, order, updated: now };
      if (next !== t) this.store.putPart(ctx, id, 'task', taskId, next);
      return next;
    });
    this.history(ctx, id, 'task.reorder', { order: out.map((t) => t.title) });
    return out;
  }

  /** The work log of a task, oldest first. */
  taskLogs(ctx: AuthContext, id: string, taskId: string): CaseTaskLog[] {
    this.require(ctx, id);
    if (!this.store.part(ctx, id, 'task', taskId)) throw new AppError('NOT_FOUND', `no task ${taskId}`);
    return this.store.parts(ctx, id, 'tasklog').filter((l) => l.taskId === taskId);
  }

  /** Adds an entry to a task's work log. */
  addTaskLog(ctx: AuthContext, id: string, taskId: string, text: string): CaseTaskLog {
    requireRole(ctx, WORK_ROLES);
    this.require(ctx, id);
    const t = this.store.part(ctx, id, 'task', taskId);
    if (!t) throw new AppError('NOT_FOUND', `no task ${taskId}`);
    if (text.trim() === '') throw new AppError('VALIDATION', 'log entry is empty');
    const log: CaseTaskLog = { id: shortId(), caseId: id, taskId, text, author: ctx.user, created: this.now() };
    this.store.putPart(ctx, id, 'tasklog', log.id, log);
    this.history(ctx, id, 'task.log', { title: t.title, ref: taskId, text: text.slice(0, 500) });
    return log;
  }

  /** Adds the tasks of a template (the fitting one by default). */
  applyTemplate(ctx: AuthContext, id: string, key?: string): CaseTask[] {
    requireRole(ctx, WORK_ROLES);
    const c = this.require(ctx, id);
    const templates = this.templates(ctx);
    const tpl = key === undefined ? templateFor(templates, c.rsit) : templates.find((t) => t.key === key);
    if (!tpl) throw new AppError('NOT_FOUND', `no task template ${key ?? ''}`);
    const added = tpl.tasks.map((t) => this.addTaskQuiet(ctx, id, t.title, t.group, t.description));
    this.history(ctx, id, 'task.template', { template: tpl.key, tasks: added.length });
    return added;
  }

  private addTaskQuiet(ctx: AuthContext, caseId: string, title: string, group: string, description?: string): CaseTask {
    const now = this.now();
    const task: CaseTask = {
      id: shortId(),
      caseId,
      title,
      group,
      order: this.store.parts(ctx, caseId, 'task').length,
      status: 'todo',
      ...(description === undefined ? {} : { description }),
      created: now,
      updated: now,
    };
    this.store.putPart(ctx, caseId, 'task', task.id, task);
    return task;
  }

  /** Built-in templates overlaid with the tenant's own. */
  templates(ctx: AuthContext): TaskTemplate[] {
    requireRole(ctx, READ_ROLES);
    const own = this.store.templates(ctx);
    return [...BUILTIN_TEMPLATES.filter((b) => !own.some((o) => o.key === b.key)), ...own];
  }

  putTemplate(ctx: AuthContext, t: TaskTemplate): void {
    requireRole(ctx, CONFIG_ROLES);
    if (t.tasks.length === 0) throw new AppError('VALIDATION', 'a template has at least one task');
    this.store.putTemplate(ctx, t);
  }

  deleteTemplate(ctx: AuthContext, key: string): boolean {
    requireRole(ctx, CONFIG_ROLES);
    return this.store.deleteTemplate(ctx, key);
  }

  // -- observables -------------------------------------------------------------------------

  observables(ctx: AuthContext, id: string): CaseObservable[] {
    this.require(ctx, id);
    return this.store.parts(ctx, id, 'observable');
  }

  private putObservable(
    ctx: AuthContext,
    caseId: string,
    o: { kind: ObservableKind; value: string; ioc: boolean; tlp?: Tlp; tags: readonly string[]; source: string },
  ): CaseObservable {
    const enrichment = this.o.enricher?.enrich(ctx, o.kind, o.value);
    const obs: CaseObservable = {
      id: shortId(),
      caseId,
      kind: o.kind,
      value: o.value,
      ioc: o.ioc || (enrichment?.matches.length ?? 0) > 0,
      ...(o.tlp === undefined ? {} : { tlp: o.tlp }),
      tags: o.tags,
      source: o.source,
      ...(enrichment === undefined ? {} : { enrichment }),
      created: this.now(),
    };
    this.store.putPart(ctx, caseId, 'observable', obs.id, obs);
    return obs;
  }

  addObservable(
    ctx: AuthContext,
    id: string,
    o: {
      readonly kind: ObservableKind;
      readonly value: string;
      readonly ioc?: boolean;
      readonly tlp?: Tlp;
      readonly tags?: readonly string[];
    },
  ): CaseObservable {
    requireRole(ctx, WORK_ROLES);
    this.require(ctx, id);
    const value = o.value.trim();
    if (value === '') throw new AppError('VALIDATION', 'observable value is empty');
    const dup = this.store
      .parts(ctx, id, 'observable')
      .find((x) => x.kind === o.kind && x.value.toLowerCase() === value.toLowerCase());
    if (dup) throw new AppError('CONFLICT', `observable ${o.kind} ${value} is already in the case`);
    const obs = this.putObservable(ctx, id, {
      kind: o.kind,
      value,
      ioc: o.ioc ?? false,
      ...(o.tlp === undefined ? {} : { tlp: o.tlp }),
      tags: o.tags ?? [],
      source: 'analyst',
    });
    this.history(ctx, id, 'observable.add', { kind: obs.kind, value: obs.value, ref: obs.id });
    return obs;
  }

  updateObservable(
    ctx: AuthContext,
    id: string,
    obsId: string,
    patch: { readonly ioc?: boolean; readonly tags?: readonly string[]; readonly tlp?: Tlp },
  ): CaseObservable {
    requireRole(ctx, WORK_ROLES);
    this.require(ctx, id);
    const o = this.store.part(ctx, id, 'observable', obsId);
    if (!o) throw new AppError('NOT_FOUND', `no observable ${obsId}`);
    const next = { ...o, ...patch };
    this.store.putPart(ctx, id, 'observable', obsId, next);
    this.history(ctx, id, 'observable.update', { value: o.value, ref: obsId });
    return next;
  }

  removeObservable(ctx: AuthContext, id: string, obsId: string): void {
    requireRole(ctx, WORK_ROLES);
    this.require(ctx, id);
    const o = this.store.part(ctx, id, 'observable', obsId);
    if (!o || !this.store.deletePart(ctx, id, 'observable', obsId))
      throw new AppError('NOT_FOUND', `no observable ${obsId}`);
    this.history(ctx, id, 'observable.remove', { value: o.value, ref: obsId });
  }

  /** Looks every observable up again in threat intelligence. */
  enrichObservables(ctx: AuthContext, id: string): CaseObservable[] {
    requireRole(ctx, WORK_ROLES);
    this.require(ctx, id);
    const enricher = this.o.enricher;
    const list = this.store.parts(ctx, id, 'observable');
    if (!enricher) return list;
    return list.map((o) => {
      const enrichment = enricher.enrich(ctx, o.kind, o.value);
      const next = { ...o, enrichment, ioc: o.ioc || enrichment.matches.length > 0 };
      this.store.putPart(ctx, id, 'observable', o.id, next);
      return next;
    });
  }

  // -- comments, attachments, notes --------------------------------------------------------

  comments(ctx: AuthContext, id: string): CaseComment[] {
    this.require(ctx, id);
    return this.store.parts(ctx, id, 'comment');
  }

  addComment(ctx: AuthContext, id: string, text: string): CaseComment {
    requireRole(ctx, WORK_ROLES);
    this.require(ctx, id);
    if (text.trim() === '') throw new AppError('VALIDATION', 'comment is empty');
    const c: CaseComment = { id: shortId(), caseId: id, author: ctx.user, text, created: this.now() };
    this.store.putPart(ctx, id, 'comment', c.id, c);
    this.history(ctx, id, 'comment.add', { ref: c.id, text: text.slice(0, 200) });
    return c;
  }

  attachments(ctx: AuthContext, id: string): CaseAttachment[] {
    this.require(ctx, id);
    return this.store.attachments(ctx, id);
  }

  /** Stores a file with the case, hashed (SHA-256, MD5) and size-limited. */
  addAttachment(
    ctx: AuthContext,
    id: string,
    a: { readonly name: string; readonly contentType?: string; readonly data: Buffer },
  ): CaseAttachment {
    requireRole(ctx, WORK_ROLES);
    this.require(ctx, id);
    if (a.data.length > this.maxAttachment) {
      throw new AppError('PAYLOAD_TOO_LARGE', `attachment of ${a.data.length} bytes exceeds ${this.maxAttachment}`);
    }
    // Only the base name, without control characters: names end up in download headers.
    const name =
      path
        .basename(a.name.replaceAll('\\', '/'))
        .replace(/[\u0000-\u001f\u007f"]/g, '_')
        .slice(0, 255) || 'attachment';
    const meta: CaseAttachment = {
      id: shortId(),
      caseId: id,
      name,
      contentType: a.contentType ?? 'application/octet-stream',
      size: a.data.length,
      sha256: createHash('sha256').update(a.data).digest('hex'),
      md5: createHash('md5').update(a.data).digest('hex'),
      author: ctx.user,
      created: this.now(),
    };
    this.store.putAttachment(ctx, meta, a.data);
    this.history(ctx, id, 'attachment.add', { name, sha256: meta.sha256, size: meta.size, ref: meta.id });
    return meta;
  }

  attachment(ctx: AuthContext, id: string, attId: string): { meta: CaseAttachment; data: Buffer } {
    this.require(ctx, id);
    const a = this.store.attachment(ctx, id, attId);
    if (!a) throw new AppError('NOT_FOUND', `no attachment ${attId}`);
    return a;
  }

  /** Pins an analyst's note to a moment of the timeline (optionally to an alert or event). */
  annotate(
    ctx: AuthContext,
    id: string,
    n: { readonly time: number; readonly text: string; readonly ref?: string },
  ): CaseNote {
    requireRole(ctx, WORK_ROLES);
    this.require(ctx, id);
    if (n.text.trim() === '') throw new AppError('VALIDATION', 'note is empty');
    const note: CaseNote = {
      id: shortId(),
      caseId: id,
      time: n.time,
      text: n.text,
      ...(n.ref === undefined ? {} : { ref: n.ref }),
      author: ctx.user,
      created: this.now(),
    };
    this.store.putPart(ctx, id, 'note', note.id, note);
    return note;
  }

  removeNote(ctx: AuthContext, id: string, noteId: string): void {
    requireRole(ctx, WORK_ROLES);
    this.require(ctx, id);
    if (!this.store.deletePart(ctx, id, 'note', noteId)) throw new AppError('NOT_FOUND', `no note ${noteId}`);
  }

  timeline(ctx: AuthContext, id: string): CaseTimelineEntry[] {
    const c = this.require(ctx, id);
    return caseTimeline(this.caseIncidents(ctx, c), this.store.history(ctx, id), this.store.parts(ctx, id, 'note'));
  }

  historyOf(ctx: AuthContext, id: string): CaseHistoryEntry[] {
    this.require(ctx, id);
    return this.store.history(ctx, id);
  }

  /** Records a history entry on behalf of another part of the node (NIS2 submissions, warnings). */
  note(ctx: AuthContext, id: string, action: string, detail: Record<string, unknown>): void {
    requireRole(ctx, WORK_ROLES);
    this.require(ctx, id);
    this.history(ctx, id, action, detail);
  }

  /** Replaces the stored case (for the NIS2 module's submission stamps). */
  save(ctx: AuthContext, c: Case): void {
    requireRole(ctx, WORK_ROLES);
    this.store.put(ctx, { ...c, updated: this.now() });
  }
}
