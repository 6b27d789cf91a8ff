/**
 * @module
 * The tasks part of the case service: a case's tasks and their order, each task's work log, and
 * the task templates (built-in ones overlaid by the tenant's own) that fill a new case. Kept apart
 * from the case lifecycle because tasks change on their own, many times per case.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import { CONFIG_ROLES, READ_ROLES, WORK_ROLES } from '@intersoc/correlate';
import { shortId, type CaseCore } from './case-core.js';
import { BUILTIN_TEMPLATES, templateFor, type TaskTemplate } from './templates.js';
import type { CaseTask, CaseTaskLog, TaskStatus } from './types.js';

/** What adds a task to a case. */
export interface TaskInput {
  readonly title: string;
  readonly group?: string;
  readonly description?: string;
  readonly assignee?: string;
}

/** What a task update may change; `assignee: null` unassigns it. */
export interface TaskPatch {
  readonly status?: TaskStatus;
  readonly assignee?: string | null;
  readonly title?: string;
}

/** Tasks, task logs and templates of cases. */
export class CaseTasks {
  constructor(private readonly core: CaseCore) {}

  /** The case's tasks in their order (insertion order breaks ties). */
  tasks(ctx: AuthContext, id: string): CaseTask[] {
    this.core.require(ctx, id);
    return this.core.store
      .parts(ctx, id, 'task')
      .map((t, i) => ({ t, i }))
      .sort((a, b) => a.t.order - b.t.order || a.i - b.i)
      .map((x) => x.t);
  }

  /** Adds a task at the end of the list. */
  addTask(ctx: AuthContext, id: string, t: TaskInput): CaseTask {
    requireRole(ctx, WORK_ROLES);
    this.core.require(ctx, id);
    const task = this.newTask(ctx, id, t);
    this.core.history(ctx, id, 'task.add', {
      title: task.title,
      ref: task.id,
      ...(task.assignee === undefined ? {} : { assignee: task.assignee }),
    });
    return task;
  }

  /** Changes a task; `assignee: null` unassigns it. The history says what changed. */
  updateTask(ctx: AuthContext, id: string, taskId: string, patch: TaskPatch): CaseTask {
    requireRole(ctx, WORK_ROLES);
    this.core.require(ctx, id);
    const t = this.core.store.part(ctx, id, 'task', taskId);
    if (!t) throw new AppError('NOT_FOUND', `no task ${taskId}`);
    const now = this.core.now();
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
    this.core.store.putPart(ctx, id, 'task', taskId, next);
    const changed = (['status', 'assignee', 'title'] as const).filter((k) => next[k] !== t[k]);
    this.core.history(ctx, id, 'task.update', {
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
    const now = this.core.now();
    const byId = new Map(current.map((t) => [t.id, t]));
    const out = ids.map((taskId, order) => {
      const t = byId.get(taskId) as CaseTask;
      const next = t.order === order ? t : { ...t, order, updated: now };
      if (next !== t) this.core.store.putPart(ctx, id, 'task', taskId, next);
      return next;
    });
    this.core.history(ctx, id, 'task.reorder', { order: out.map((t) => t.title) });
    return out;
  }

  /** The work log of a task, oldest first. */
  taskLogs(ctx: AuthContext, id: string, taskId: string): CaseTaskLog[] {
    this.core.require(ctx, id);
    if (!this.core.store.part(ctx, id, 'task', taskId)) throw new AppError('NOT_FOUND', `no task ${taskId}`);
    return this.core.store.parts(ctx, id, 'tasklog').filter((l) => l.taskId === taskId);
  }

  /** Adds an entry to a task's work log. */
  addTaskLog(ctx: AuthContext, id: string, taskId: string, text: string): CaseTaskLog {
    requireRole(ctx, WORK_ROLES);
    this.core.require(ctx, id);
    const t = this.core.store.part(ctx, id, 'task', taskId);
    if (!t) throw new AppError('NOT_FOUND', `no task ${taskId}`);
    if (text.trim() === '') throw new AppError('VALIDATION', 'log entry is empty');
    const log: CaseTaskLog = { id: shortId(), caseId: id, taskId, text, author: ctx.user, created: this.core.now() };
    this.core.store.putPart(ctx, id, 'tasklog', log.id, log);
    this.core.history(ctx, id, 'task.log', { title: t.title, ref: taskId, text: text.slice(0, 500) });
    return log;
  }

  /** Adds the tasks of a template (the fitting one by default). */
  applyTemplate(ctx: AuthContext, id: string, key?: string): CaseTask[] {
    requireRole(ctx, WORK_ROLES);
    const c = this.core.require(ctx, id);
    const templates = this.templates(ctx);
    const tpl = key === undefined ? templateFor(templates, c.rsit) : templates.find((t) => t.key === key);
    if (!tpl) throw new AppError('NOT_FOUND', `no task template ${key ?? ''}`);
    // Only the template's own fields: a stored template never assigns anyone.
    const added = tpl.tasks.map((t) =>
      this.newTask(ctx, id, {
        title: t.title,
        group: t.group,
        ...(t.description === undefined ? {} : { description: t.description }),
      }),
    );
    this.core.history(ctx, id, 'task.template', { template: tpl.key, tasks: added.length });
    return added;
  }

  /** Stores a new task at the end of the case's list, without a history entry. */
  private newTask(ctx: AuthContext, caseId: string, t: TaskInput): CaseTask {
    const now = this.core.now();
    const task: CaseTask = {
      id: shortId(),
      caseId,
      title: t.title,
      group: t.group ?? 'triage',
      order: this.core.store.parts(ctx, caseId, 'task').length,
      status: 'todo',
      ...(t.description === undefined ? {} : { description: t.description }),
      ...(t.assignee === undefined ? {} : { assignee: t.assignee }),
      created: now,
      updated: now,
    };
    this.core.store.putPart(ctx, caseId, 'task', task.id, task);
    return task;
  }

  /** Built-in templates overlaid with the tenant's own. */
  templates(ctx: AuthContext): TaskTemplate[] {
    requireRole(ctx, READ_ROLES);
    const own = this.core.store.templates(ctx);
    return [...BUILTIN_TEMPLATES.filter((b) => !own.some((o) => o.key === b.key)), ...own];
  }

  /** Stores a tenant template (an admin's work). */
  putTemplate(ctx: AuthContext, t: TaskTemplate): void {
    requireRole(ctx, CONFIG_ROLES);
    if (t.tasks.length === 0) throw new AppError('VALIDATION', 'a template has at least one task');
    this.core.store.putTemplate(ctx, t);
  }

  /** Removes a tenant template; false when there was none. */
  deleteTemplate(ctx: AuthContext, key: string): boolean {
    requireRole(ctx, CONFIG_ROLES);
    return this.core.store.deleteTemplate(ctx, key);
  }
}
