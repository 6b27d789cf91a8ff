/**
 * @module
 * The dashboard's client for working a case's tasks: add, change (status, assignee, title),
 * put in order, and each task's work log.
 */
import { request as call } from './client';
import type { CaseTask } from './incidents';

/** One entry of a task's work log. */
export interface TaskLog {
  readonly id: string;
  readonly taskId: string;
  readonly text: string;
  readonly author: string;
  readonly created: number;
}

const enc = encodeURIComponent;
const base = (id: string): string => `/api/cases/${enc(id)}/tasks`;

/** Task calls. */
export const caseTasks = {
  add: (id: string, b: { title: string; group?: string; assignee?: string }) =>
    call<CaseTask>('POST', base(id), { body: b }),
  update: (id: string, taskId: string, b: { status?: CaseTask['status']; assignee?: string | null; title?: string }) =>
    call<CaseTask>('PATCH', `${base(id)}/${enc(taskId)}`, { body: b }),
  reorder: (id: string, taskIds: readonly string[]) =>
    call<{ items: CaseTask[] }>('PUT', `${base(id)}/order`, { body: { tasks: taskIds } }),
  logs: (id: string, taskId: string, signal?: AbortSignal) =>
    call<{ items: TaskLog[] }>('GET', `${base(id)}/${enc(taskId)}/logs`, signal ? { signal } : {}),
  addLog: (id: string, taskId: string, text: string) =>
    call<TaskLog>('POST', `${base(id)}/${enc(taskId)}/logs`, { body: { text } }),
};
