/**
 * @module
 * More case routes: attachments (raw upload, download), the timeline and analysts' notes, the
 * history, NIS2 deadlines, report drafts (JSON or STIX 2.1) and submission stamps, tenant
 * metrics (MTTD, MTTA, MTTC, MTTR), task templates (admins) and false-positive feedback.
 */
import { z } from 'zod';
import { AppError } from '@intersoc/core';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { READERS, resolveWindow, TenantParam, WindowQuerySchema, WRITERS } from '../dashboard/common.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import { TimeParam } from '../services.js';
import type { CaseApiService } from '../services.js';
import {
  AttachmentSchema,
  CaseSchema,
  DeadlineSchema,
  HistoryEntrySchema,
  Nis2KindSchema,
  NoteSchema,
  RuleFeedbackSchema,
  SuggestionSchema,
  TemplateSchema,
  TenantMetricsSchema,
  TimelineEntrySchema,
} from './schemas.js';

const Id = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'not an id');
const Scoped = z.object(TenantParam);
const ADMINS = ['admin'] as const;

/** Largest attachment upload, bytes (the service applies its own, possibly lower, limit). */
export const ATTACHMENT_LIMIT = 10 * 1024 * 1024;

/** Registers the routes. */
export function registerMoreCaseRoutes(app: ApiApp, cases: CaseApiService): void {
  const IdParams = z.object({ id: Id });

  // Uploads are raw bytes of any type, so they live in their own scope with one catch-all parser.
  void app.register((scope: ApiApp, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ATTACHMENT_LIMIT }, (_req, body, next) => {
      next(null, body);
    });
    scope.post(
      '/api/cases/:id/attachments',
      {
        bodyLimit: ATTACHMENT_LIMIT,
        config: { access: WRITERS, audit: 'case.attachment', rawBody: ['application/octet-stream', '*/*'] },
        schema: {
          tags: ['cases'],
          summary: 'Attach a file (raw body; hashed with SHA-256 and MD5; at most 10 MiB)',
          params: IdParams,
          querystring: z.object({ name: z.string().min(1).max(255), ...TenantParam }),
          response: { 201: AttachmentSchema, ...ERROR_RESPONSES },
        },
      },
      async (request, reply) => {
        const data = request.body;
        if (!Buffer.isBuffer(data) || data.length === 0) throw new AppError('BAD_REQUEST', 'body is empty');
        const type = request.headers['content-type'];
        const meta = await cases.addAttachment(scopeFor(request, request.query.tenant), request.params.id, {
          name: request.query.name,
          data,
          ...(type === undefined ? {} : { contentType: type.split(';')[0]?.trim() ?? type }),
        });
        noteAudit(request, {
          target: request.params.id,
          details: { name: meta.name, sha256: meta.sha256, size: meta.size },
        });
        return reply.code(201).send(meta);
      },
    );
    done();
  });

  app.get(
    '/api/cases/:id/attachments/:attId',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'Download an attachment',
        params: z.object({ id: Id, attId: Id }),
        querystring: Scoped,
      },
    },
    async (request, reply) => {
      const { meta, data } = await cases.attachment(
        scopeFor(request, request.query.tenant),
        request.params.id,
        request.params.attId,
      );
      // Always a download: attachments are evidence, possibly malicious, never rendered inline.
      reply.header('content-type', 'application/octet-stream');
      reply.header('content-disposition', `attachment; filename="${meta.name.replace(/[^\w.-]/g, '_')}"`);
      reply.header('x-sha256', meta.sha256);
      return reply.send(data);
    },
  );

  app.get(
    '/api/cases/:id/timeline',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'The case timeline: alerts, case activity and analysts’ notes, by time',
        params: IdParams,
        querystring: Scoped,
        response: { 200: z.object({ items: z.array(TimelineEntrySchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await cases.timeline(scopeFor(request, request.query.tenant), request.params.id) }),
  );

  app.post(
    '/api/cases/:id/notes',
    {
      config: { access: WRITERS, audit: 'case.note' },
      schema: {
        tags: ['cases'],
        summary: 'Annotate the timeline at a moment (optionally about an alert or event)',
        params: IdParams,
        querystring: Scoped,
        body: z.object({ time: TimeParam, text: z.string().trim().min(1).max(20_000), ref: Id.optional() }),
        response: { 201: NoteSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { time, text, ref } = request.body;
      const n = await cases.annotate(scopeFor(request, request.query.tenant), request.params.id, {
        time,
        text,
        ...(ref === undefined ? {} : { ref }),
      });
      noteAudit(request, { target: request.params.id, details: { note: n.id } });
      return reply.code(201).send(n);
    },
  );

  app.delete(
    '/api/cases/:id/notes/:noteId',
    {
      config: { access: WRITERS, audit: 'case.note' },
      schema: {
        tags: ['cases'],
        summary: 'Remove a note',
        params: z.object({ id: Id, noteId: Id }),
        querystring: Scoped,
        response: { 204: z.null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await cases.removeNote(scopeFor(request, request.query.tenant), request.params.id, request.params.noteId);
      noteAudit(request, { target: request.params.id, details: { removed: request.params.noteId } });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/cases/:id/history',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'Every change to the case, in order',
        params: IdParams,
        querystring: Scoped,
        response: { 200: z.object({ items: z.array(HistoryEntrySchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await cases.history(scopeFor(request, request.query.tenant), request.params.id) }),
  );

  app.get(
    '/api/cases/:id/nis2',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'NIS2 Article 23 deadlines of a significant case',
        params: IdParams,
        querystring: Scoped,
        response: { 200: z.object({ items: z.array(DeadlineSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await cases.deadlines(scopeFor(request, request.query.tenant), request.params.id) }),
  );

  app.get(
    '/api/cases/:id/nis2/:kind',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'Draft of a NIS2 report as JSON or as a STIX 2.1 bundle (incident core extension)',
        params: z.object({ id: Id, kind: Nis2KindSchema }),
        querystring: z.object({ format: z.enum(['json', 'stix']).default('json'), ...TenantParam }),
        response: { 200: z.record(z.string(), z.unknown()), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { format, tenant } = request.query;
      const doc = await cases.report(scopeFor(request, tenant), request.params.id, request.params.kind, format);
      reply.header(
        'content-disposition',
        `attachment; filename="nis2-${request.params.kind}-${request.params.id}${format === 'stix' ? '.stix' : ''}.json"`,
      );
      return doc;
    },
  );

  app.post(
    '/api/cases/:id/nis2/:kind/submitted',
    {
      config: { access: WRITERS, audit: 'case.nis2' },
      schema: {
        tags: ['cases'],
        summary: 'Record that a NIS2 report was submitted to the CSIRT',
        params: z.object({ id: Id, kind: Nis2KindSchema }),
        querystring: Scoped,
        body: z.object({ at: TimeParam.optional() }),
        response: { 200: CaseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      noteAudit(request, { target: request.params.id, details: { report: request.params.kind } });
      return cases.submitReport(
        scopeFor(request, request.query.tenant),
        request.params.id,
        request.params.kind,
        request.body.at,
      );
    },
  );

  app.get(
    '/api/nis2/deadlines',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'NIS2 deadlines of significant cases that are due soon or overdue',
        querystring: Scoped,
        response: {
          200: z.object({ items: z.array(z.object({ case: CaseSchema, deadline: DeadlineSchema })).readonly() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => ({ items: await cases.dueDeadlines(scopeFor(request, request.query.tenant)) }),
  );

  app.get(
    '/api/cases/metrics',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'MTTD, MTTA, MTTC and MTTR of the cases detected in a window, overall and per bucket',
        querystring: WindowQuerySchema,
        response: { 200: TenantMetricsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { tenant, ...w } = request.query;
      // Metrics look back further than the dashboard's day: a month by default.
      const window = resolveWindow({ ...w, from: w.from ?? (w.to ?? Date.now()) - 30 * 86_400_000 });
      return cases.metrics(scopeFor(request, tenant), window);
    },
  );

  app.get(
    '/api/case-templates',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'Task templates per incident type (built-in, overlaid by the tenant’s own)',
        querystring: Scoped,
        response: { 200: z.object({ items: z.array(TemplateSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await cases.templates(scopeFor(request, request.query.tenant)) }),
  );

  app.put(
    '/api/case-templates/:key',
    {
      config: { access: ADMINS, audit: 'case.template' },
      schema: {
        tags: ['cases'],
        summary: 'Create or replace a task template (key: default, an RSIT class, or class/type)',
        params: z.object({ key: z.string().min(1).max(128) }),
        querystring: Scoped,
        body: TemplateSchema.omit({ key: true }),
        response: { 200: TemplateSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const t = { key: request.params.key, ...request.body };
      await cases.putTemplate(scopeFor(request, request.query.tenant), t);
      noteAudit(request, { target: t.key, details: { tasks: t.tasks.length } });
      return t;
    },
  );

  app.delete(
    '/api/case-templates/:key',
    {
      config: { access: ADMINS, audit: 'case.template' },
      schema: {
        tags: ['cases'],
        summary: 'Delete a tenant template (the built-in one of that key comes back)',
        params: z.object({ key: z.string().min(1).max(128) }),
        querystring: Scoped,
        response: { 200: z.object({ deleted: z.boolean() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const deleted = await cases.deleteTemplate(scopeFor(request, request.query.tenant), request.params.key);
      if (!deleted) throw new AppError('NOT_FOUND', `no tenant template ${request.params.key}`);
      noteAudit(request, { target: request.params.key });
      return { deleted };
    },
  );

  app.get(
    '/api/feedback/rules',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'False and true positives per rule, from closed cases',
        querystring: Scoped,
        response: { 200: z.object({ items: z.array(RuleFeedbackSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await cases.ruleFeedback(scopeFor(request, request.query.tenant)) }),
  );

  app.get(
    '/api/feedback/suggestions',
    {
      config: { access: READERS },
      schema: {
        tags: ['cases'],
        summary: 'Suppression and tuning suggestions from false positives',
        querystring: z.object({ status: z.enum(['suggested', 'accepted', 'dismissed']).optional(), ...TenantParam }),
        response: { 200: z.object({ items: z.array(SuggestionSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      items: await cases.suggestions(scopeFor(request, request.query.tenant), request.query.status),
    }),
  );

  app.post(
    '/api/feedback/suggestions/:sid',
    {
      config: { access: ADMINS, audit: 'rule.feedback' },
      schema: {
        tags: ['cases'],
        summary: 'Accept or dismiss a suggestion (accepting a rule-level one tunes the rule)',
        params: z.object({ sid: Id }),
        querystring: Scoped,
        body: z.object({ accept: z.boolean() }),
        response: { 200: SuggestionSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const s = await cases.decideSuggestion(
        scopeFor(request, request.query.tenant),
        request.params.sid,
        request.body.accept,
      );
      noteAudit(request, { target: s.ruleId, details: { suggestion: s.id, action: s.action, status: s.status } });
      return s;
    },
  );
}
