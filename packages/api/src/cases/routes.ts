/**
 * @module
 * Case routes: listing, opening, detail, update, status workflow, incidents, tasks, observables
 * and comments. Attachments, timeline, history, NIS2, metrics, templates and rule feedback are in
 * `more-routes.ts`. Viewers read, analysts and admins work; every change is audited.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, SEVERITIES } from '@intersoc/core';
import type { Severity } from '@intersoc/core';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { csvList, READERS, TenantParam, WRITERS } from '../dashboard/common.js';
import { compact } from '../internal/compact.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import type { CaseApiService } from '../services.js';
import { registerMoreCaseRoutes } from './more-routes.js';
import { registerTaskRoutes } from './task-routes.js';
import {
  CaseDetailSchema,
  CaseSchema,
  CaseStatusSchema,
  CommentSchema,
  ObservableKindSchema,
  ObservableSchema,
  PapSchema,
  ResolutionSchema,
  TaskSchema,
  TaskStatusSchema,
  TlpSchema,
} from './schemas.js';

/** Path parameter of ids. */
export const CaseId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'not an id');
const Sev = z.enum(SEVERITIES as [Severity, ...Severity[]]);
const Tags = z.array(z.string().trim().min(1).max(64)).max(64);
const Scoped = z.object(TenantParam);

/** Registers every case route on a built API. */
export function registerCaseRoutes(fastify: FastifyInstance, deps: { readonly cases: CaseApiService }): void {
  const app = fastify as unknown as ApiApp;
  const { cases } = deps;
  const IdParams = z.object({ id: CaseId });

  app.get(
    '/api/cases',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'Cases, newest first',
        querystring: z.object({
          status: csvList(CaseStatusSchema).optional(),
          assignee: z.string().max(128).optional(),
          severity: csvList(Sev).optional(),
          tlp: csvList(TlpSchema).optional(),
          q: z.string().max(1024).optional(),
          significant: z.enum(['true', 'false']).optional().describe('NIS2 significant cases only (or none)'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          cursor: z.string().min(1).max(1024).optional(),
          ...TenantParam,
        }),
        response: {
          200: z.object({ items: z.array(CaseSchema).readonly(), nextCursor: z.string().optional() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { tenant, status, severity, tlp, significant, ...rest } = request.query;
      return cases.list(
        scopeFor(request, tenant),
        compact({
          ...rest,
          ...(status ? { statuses: status } : {}),
          ...(severity ? { severities: severity } : {}),
          ...(tlp ? { tlps: tlp } : {}),
          ...(significant === undefined ? {} : { significant: significant === 'true' }),
        }),
      );
    },
  );

  app.post(
    '/api/cases',
    {
      config: { access: WRITERS, audit: 'case.create' },
      schema: {
        tags: ['cases'],
        summary: 'Open a case from incidents or by hand',
        description:
          'Tasks come from the template that fits the incidents (RSIT type, then class); `template: none` for none.',
        querystring: Scoped,
        body: z.object({
          title: z.string().trim().max(500).optional(),
          description: z.string().max(20_000).optional(),
          incidents: z.array(CaseId).max(500).optional(),
          severity: Sev.optional(),
          tlp: TlpSchema.optional(),
          pap: PapSchema.optional(),
          assignee: z.string().max(128).optional(),
          tags: Tags.optional(),
          template: z.string().max(128).optional(),
        }),
        response: { 201: CaseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const c = await cases.create(scopeFor(request, request.query.tenant), compact(request.body));
      noteAudit(request, { target: c.id, details: { number: c.number, incidents: c.incidents.length } });
      return reply.code(201).send(c);
    },
  );

  app.get(
    '/api/cases/:id',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'A case with its tasks, observables, comments, attachments, NIS2 deadlines and metrics',
        params: IdParams,
        querystring: Scoped,
        response: { 200: CaseDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const d = await cases.detail(scopeFor(request, request.query.tenant), request.params.id);
      if (!d) throw new AppError('NOT_FOUND', `no case ${request.params.id}`);
      return d;
    },
  );

  app.patch(
    '/api/cases/:id',
    {
      config: { access: WRITERS, audit: 'case.update' },
      schema: {
        tags: ['cases'],
        summary: 'Change title, severity, TLP, PAP, assignee, tags or NIS2 significance',
        params: IdParams,
        querystring: Scoped,
        body: z.object({
          title: z.string().trim().min(1).max(500).optional(),
          description: z.string().max(20_000).optional(),
          severity: Sev.optional(),
          tlp: TlpSchema.optional(),
          pap: PapSchema.optional(),
          assignee: z.string().max(128).nullable().optional(),
          tags: Tags.optional(),
          significant: z.boolean().optional(),
          awareAt: z.number().int().min(0).optional().describe('when the SOC became aware, epoch ms'),
          timeZone: z.string().max(64).optional().describe('IANA time zone, e.g. Europe/Brussels'),
        }),
        response: { 200: CaseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const patch = compact(request.body);
      if (Object.keys(patch).length === 0) throw new AppError('VALIDATION', 'body: nothing to change');
      noteAudit(request, { target: request.params.id, details: { fields: Object.keys(patch) } });
      return cases.update(scopeFor(request, request.query.tenant), request.params.id, patch);
    },
  );

  app.post(
    '/api/cases/:id/transition',
    {
      config: { access: WRITERS, audit: 'case.transition' },
      schema: {
        tags: ['cases'],
        summary: 'Move a case along new → in-progress → contained → resolved → closed',
        description:
          'Resolved and closed need a resolution; a true positive is resolved before it is closed; a duplicate names its original. Closing as false positive feeds rule tuning.',
        params: IdParams,
        querystring: Scoped,
        body: z.object({
          status: CaseStatusSchema,
          resolution: ResolutionSchema.optional(),
          duplicateOf: CaseId.optional(),
          reason: z.string().max(2000).optional(),
        }),
        response: { 200: CaseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const c = await cases.transition(
        scopeFor(request, request.query.tenant),
        request.params.id,
        compact(request.body),
      );
      noteAudit(request, {
        target: request.params.id,
        details: { status: c.status, ...(c.resolution ? { resolution: c.resolution } : {}) },
      });
      return c;
    },
  );

  app.post(
    '/api/cases/:id/incidents',
    {
      config: { access: WRITERS, audit: 'case.incidents' },
      schema: {
        tags: ['cases'],
        summary: 'Add incidents to a case',
        params: IdParams,
        querystring: Scoped,
        body: z.object({ incidents: z.array(CaseId).min(1).max(500) }),
        response: { 200: CaseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      noteAudit(request, { target: request.params.id, details: { incidents: request.body.incidents.length } });
      return cases.addIncidents(scopeFor(request, request.query.tenant), request.params.id, request.body.incidents);
    },
  );

  app.post(
    '/api/cases/:id/tasks',
    {
      config: { access: WRITERS, audit: 'case.task' },
      schema: {
        tags: ['cases'],
        summary: 'Add a task',
        params: IdParams,
        querystring: Scoped,
        body: z.object({
          title: z.string().trim().min(1).max(500),
          group: z.string().max(64).optional(),
          description: z.string().max(4000).optional(),
          assignee: z.string().max(128).optional(),
        }),
        response: { 201: TaskSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const t = await cases.addTask(scopeFor(request, request.query.tenant), request.params.id, compact(request.body));
      noteAudit(request, { target: request.params.id, details: { task: t.id } });
      return reply.code(201).send(t);
    },
  );

  app.post(
    '/api/cases/:id/tasks/template',
    {
      config: { access: WRITERS, audit: 'case.task' },
      schema: {
        tags: ['cases'],
        summary: 'Add the tasks of a template (the fitting one by default)',
        params: IdParams,
        querystring: Scoped,
        body: z.object({ key: z.string().max(128).optional() }),
        response: { 200: z.object({ items: z.array(TaskSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const items = await cases.applyTemplate(
        scopeFor(request, request.query.tenant),
        request.params.id,
        request.body.key,
      );
      noteAudit(request, { target: request.params.id, details: { tasks: items.length } });
      return { items };
    },
  );

  app.patch(
    '/api/cases/:id/tasks/:taskId',
    {
      config: { access: WRITERS, audit: 'case.task' },
      schema: {
        tags: ['cases'],
        summary: 'Change a task (status, assignee, title); `assignee: null` unassigns',
        params: z.object({ id: CaseId, taskId: CaseId }),
        querystring: Scoped,
        body: z.object({
          status: TaskStatusSchema.optional(),
          assignee: z.string().max(128).nullable().optional(),
          title: z.string().trim().min(1).max(500).optional(),
        }),
        response: { 200: TaskSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      noteAudit(request, { target: request.params.id, details: { task: request.params.taskId } });
      return cases.updateTask(
        scopeFor(request, request.query.tenant),
        request.params.id,
        request.params.taskId,
        compact(request.body),
      );
    },
  );

  app.post(
    '/api/cases/:id/observables',
    {
      config: { access: WRITERS, audit: 'case.observable' },
      schema: {
        tags: ['cases'],
        summary: 'Add an observable (enriched from threat intelligence)',
        params: IdParams,
        querystring: Scoped,
        body: z.object({
          kind: ObservableKindSchema,
          value: z.string().trim().min(1).max(2048),
          ioc: z.boolean().optional(),
          tlp: TlpSchema.optional(),
          tags: Tags.optional(),
        }),
        response: { 201: ObservableSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const o = await cases.addObservable(
        scopeFor(request, request.query.tenant),
        request.params.id,
        compact(request.body),
      );
      noteAudit(request, { target: request.params.id, details: { kind: o.kind, value: o.value } });
      return reply.code(201).send(o);
    },
  );

  app.post(
    '/api/cases/:id/observables/enrich',
    {
      config: { access: WRITERS, audit: 'case.observable' },
      schema: {
        tags: ['cases'],
        summary: 'Look every observable up again in threat intelligence',
        params: IdParams,
        querystring: Scoped,
        response: { 200: z.object({ items: z.array(ObservableSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      noteAudit(request, { target: request.params.id, details: { enrich: true } });
      return { items: await cases.enrichObservables(scopeFor(request, request.query.tenant), request.params.id) };
    },
  );

  app.patch(
    '/api/cases/:id/observables/:obsId',
    {
      config: { access: WRITERS, audit: 'case.observable' },
      schema: {
        tags: ['cases'],
        summary: 'Mark an observable as IOC or not, tag it, set its TLP',
        params: z.object({ id: CaseId, obsId: CaseId }),
        querystring: Scoped,
        body: z.object({ ioc: z.boolean().optional(), tags: Tags.optional(), tlp: TlpSchema.optional() }),
        response: { 200: ObservableSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      noteAudit(request, { target: request.params.id, details: { observable: request.params.obsId } });
      return cases.updateObservable(
        scopeFor(request, request.query.tenant),
        request.params.id,
        request.params.obsId,
        compact(request.body),
      );
    },
  );

  app.delete(
    '/api/cases/:id/observables/:obsId',
    {
      config: { access: WRITERS, audit: 'case.observable' },
      schema: {
        tags: ['cases'],
        summary: 'Remove an observable',
        params: z.object({ id: CaseId, obsId: CaseId }),
        querystring: Scoped,
        response: { 204: z.null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await cases.removeObservable(scopeFor(request, request.query.tenant), request.params.id, request.params.obsId);
      noteAudit(request, { target: request.params.id, details: { removed: request.params.obsId } });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/cases/:id/comments',
    {
      config: { access: WRITERS, audit: 'case.comment' },
      schema: {
        tags: ['cases'],
        summary: 'Comment on a case',
        params: IdParams,
        querystring: Scoped,
        body: z.object({ text: z.string().trim().min(1).max(20_000) }),
        response: { 201: CommentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const c = await cases.addComment(scopeFor(request, request.query.tenant), request.params.id, request.body.text);
      noteAudit(request, { target: request.params.id, details: { comment: c.id } });
      return reply.code(201).send(c);
    },
  );

  registerTaskRoutes(app, cases);
  registerMoreCaseRoutes(app, cases);
}
