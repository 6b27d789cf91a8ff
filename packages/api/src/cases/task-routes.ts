/**
 * @module
 * Task work beyond add and change: putting a case's tasks in order, and each task's work log
 * (what was done, found or decided). Viewers read the log, analysts and admins write; every
 * change is audited and lands in the case's history, so the timeline shows it.
 */
import { z } from 'zod';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { READERS, TenantParam, WRITERS } from '../dashboard/common.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import type { CaseApiService } from '../services.js';
import { TaskLogSchema, TaskSchema } from './schemas.js';

const Id = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'not an id');
const Scoped = z.object(TenantParam);

/** Registers the task order and task log routes. */
export function registerTaskRoutes(app: ApiApp, cases: CaseApiService): void {
  app.put(
    '/api/cases/:id/tasks/order',
    {
      config: { access: WRITERS, audit: 'case.task' },
      schema: {
        tags: ['cases'],
        summary: 'Put the tasks of a case in order',
        description: 'Names every task of the case once; a stale list (a task added meanwhile) is a conflict.',
        params: z.object({ id: Id }),
        querystring: Scoped,
        body: z.object({ tasks: z.array(Id).min(1).max(1000) }),
        response: { 200: z.object({ items: z.array(TaskSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const items = await cases.reorderTasks(
        scopeFor(request, request.query.tenant),
        request.params.id,
        request.body.tasks,
      );
      noteAudit(request, { target: request.params.id, details: { reorder: items.length } });
      return { items };
    },
  );

  app.get(
    '/api/cases/:id/tasks/:taskId/logs',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'The work log of a task, oldest first',
        params: z.object({ id: Id, taskId: Id }),
        querystring: Scoped,
        response: { 200: z.object({ items: z.array(TaskLogSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      items: await cases.taskLogs(scopeFor(request, request.query.tenant), request.params.id, request.params.taskId),
    }),
  );

  app.post(
    '/api/cases/:id/tasks/:taskId/logs',
    {
      config: { access: WRITERS, audit: 'case.task' },
      schema: {
        tags: ['cases'],
        summary: 'Add an entry to the work log of a task',
        params: z.object({ id: Id, taskId: Id }),
        querystring: Scoped,
        body: z.object({ text: z.string().trim().min(1).max(20_000) }),
        response: { 201: TaskLogSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const log = await cases.addTaskLog(
        scopeFor(request, request.query.tenant),
        request.params.id,
        request.params.taskId,
        request.body.text,
      );
      noteAudit(request, { target: request.params.id, details: { task: request.params.taskId, log: log.id } });
      return reply.code(201).send(log);
    },
  );
}
