/**
 * @module
 * Report routes (`/api/reports/*`): upload a report (raw body: PDF, HTML, text, Markdown or
 * e-mail; at most 64 MiB), list and read reports with their sentences and extracted items,
 * review items (accept, reject, correct, add a missed technique), publish the STIX bundle into
 * the CTI store, download the bundle, delete, list model versions; and `GET /api/triage/ranked`,
 * the alert queue ranked by the learned probability that an alert is real, with the features
 * behind each score; `PUT /api/incidents/:id/category`, an analyst's RSIT category of an incident
 * (labelled data for the learned categoriser). Viewers read; analysts and admins change. Every call is scoped to the
 * caller's tenant (the operator may name another with `?tenant=`).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '@intersoc/core';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { csvList, READERS, TenantParam, WRITERS } from '../dashboard/common.js';
import { ERROR_RESPONSES, type ApiApp } from '../internal/app-types.js';
import { TimeParam } from '../services.js';
import {
  CategoryBodySchema,
  CategoryViewSchema,
  ModelVersionSchema,
  PublishViewSchema,
  RankedAlertSchema,
  ReportDetailSchema,
  ReportSummarySchema,
  ReviewBodySchema,
  type TextApiService,
} from './schemas.js';

const ReportId = z.object({ id: z.string().regex(/^r-[0-9a-f]{16}$/, 'not a report id') });
/** Largest report upload (the extractor's own limit). */
export const REPORT_LIMIT = 64 * 1024 * 1024;

/** Registers the report and ranking routes. */
export function registerTextRoutes(fastify: FastifyInstance, deps: { readonly text: TextApiService }): void {
  const app = fastify as unknown as ApiApp;
  const { text } = deps;
  const tags = ['reports'];

  // Uploads are raw bytes of any type, so they live in their own scope with one catch-all parser.
  void app.register((scope: ApiApp, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: REPORT_LIMIT }, (_req, body, next) => {
      next(null, body);
    });
    scope.post(
      '/api/reports',
      {
        bodyLimit: REPORT_LIMIT,
        config: { access: WRITERS, audit: 'report.add', rawBody: ['application/octet-stream', '*/*'] },
        schema: {
          tags,
          summary:
            'Add a report (raw body: PDF, HTML, text, Markdown or .eml); indicators and techniques are extracted',
          querystring: z.object({
            name: z.string().min(1).max(255),
            tlp: z.enum(['clear', 'green', 'amber', 'amber+strict', 'red']).default('amber'),
            ...TenantParam,
          }),
          response: {
            201: z.object({ summary: ReportSummarySchema, created: z.literal(true) }),
            200: z.object({ summary: ReportSummarySchema, created: z.literal(false) }),
            ...ERROR_RESPONSES,
          },
        },
      },
      async (request, reply) => {
        const data = request.body;
        if (!Buffer.isBuffer(data) || data.length === 0) throw new AppError('BAD_REQUEST', 'body is empty');
        const r = await text.addReport(scopeFor(request, request.query.tenant), new Uint8Array(data), {
          name: request.query.name,
          tlp: request.query.tlp,
        });
        noteAudit(request, { target: r.summary.id, details: { name: request.query.name, bytes: data.length } });
        return reply.code(r.created ? 201 : 200).send(r);
      },
    );
    done();
  });

  app.get(
    '/api/reports',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Reports of the tenant, newest first',
        querystring: z.object(TenantParam),
        response: { 200: z.object({ items: z.array(ReportSummarySchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await text.listReports(scopeFor(request, request.query.tenant)) }),
  );

  app.get(
    '/api/reports/models',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Sentence model versions of the tenant and the one in use',
        querystring: z.object(TenantParam),
        response: {
          200: z.object({ current: z.string(), items: z.array(ModelVersionSchema).readonly() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => text.models(scopeFor(request, request.query.tenant)),
  );

  app.get(
    '/api/reports/:id',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'A report: its text, sentences, extracted items with confidence and reviews, dropped indicators',
        params: ReportId,
        querystring: z.object(TenantParam),
        response: { 200: ReportDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => text.getReport(scopeFor(request, request.query.tenant), request.params.id),
  );

  app.post(
    '/api/reports/:id/review',
    {
      config: { access: WRITERS, audit: 'report.review' },
      schema: {
        tags,
        summary: 'Accept, reject or correct items, or add missed techniques (these become labelled data)',
        params: ReportId,
        querystring: z.object(TenantParam),
        body: ReviewBodySchema,
        response: { 200: ReportDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await text.review(scopeFor(request, request.query.tenant), request.params.id, request.body);
      noteAudit(request, {
        target: request.params.id,
        details: { decisions: request.body.decisions.length, added: request.body.add.length },
      });
      return r;
    },
  );

  app.post(
    '/api/reports/:id/publish',
    {
      config: { access: WRITERS, audit: 'report.publish' },
      schema: {
        tags,
        summary: 'Put the reviewed STIX bundle into the CTI store under the report’s TLP',
        params: ReportId,
        querystring: z.object(TenantParam),
        response: { 200: PublishViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await text.publish(scopeFor(request, request.query.tenant), request.params.id);
      noteAudit(request, { target: request.params.id, details: { objects: r.objects, added: r.added } });
      return r;
    },
  );

  app.get(
    '/api/reports/:id/stix',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'The report’s STIX 2.1 bundle (rejected items left out)',
        params: ReportId,
        querystring: z.object(TenantParam),
      },
    },
    async (request, reply) => {
      const bundle = await text.stix(scopeFor(request, request.query.tenant), request.params.id);
      return reply
        .header('content-type', 'application/stix+json;version=2.1')
        .header('content-disposition', `attachment; filename="${request.params.id}.json"`)
        .send(JSON.stringify(bundle));
    },
  );

  app.delete(
    '/api/reports/:id',
    {
      config: { access: WRITERS, audit: 'report.delete' },
      schema: {
        tags,
        summary: 'Delete a report (objects already published stay in the CTI store)',
        params: ReportId,
        querystring: z.object(TenantParam),
        response: { 200: z.object({ deleted: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await text.deleteReport(scopeFor(request, request.query.tenant), request.params.id);
      noteAudit(request, { target: request.params.id });
      return { deleted: request.params.id };
    },
  );

  app.put(
    '/api/incidents/:id/category',
    {
      config: { access: WRITERS, audit: 'incident.category' },
      schema: {
        tags: ['incidents'],
        summary:
          'Set the RSIT class/type (and tactic) an analyst gives an incident: labelled data for the learned categoriser',
        params: z.object({ id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'not an id') }),
        querystring: z.object(TenantParam),
        body: CategoryBodySchema,
        response: { 200: CategoryViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await text.correctCategory(scopeFor(request, request.query.tenant), request.params.id, request.body);
      noteAudit(request, { target: request.params.id, details: { category: r.category, tactic: r.tactic } });
      return r;
    },
  );

  app.get(
    '/api/triage/ranked',
    {
      config: { access: READERS },
      schema: {
        tags: ['alerts'],
        summary: 'The alert queue ranked by the learned probability that an alert is real, with the top features',
        description:
          'The model learns from analysts’ dispositions (closed as false positive or benign, resolved, or cases ' +
          'resolved true or false positive); without enough of them it is the model trained on the simulator.',
        querystring: z.object({
          status: csvList(z.enum(['new', 'acknowledged', 'closed'])).optional(),
          from: TimeParam.optional(),
          to: TimeParam.optional(),
          limit: z.coerce.number().int().min(1).max(2000).default(200),
          ...TenantParam,
        }),
        response: {
          200: z.object({ model: z.string(), trained: z.boolean(), items: z.array(RankedAlertSchema).readonly() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { tenant, status, ...rest } = request.query;
      return text.rankAlerts(scopeFor(request, tenant), {
        limit: rest.limit,
        ...(status === undefined ? {} : { statuses: status }),
        ...(rest.from === undefined ? {} : { from: rest.from }),
        ...(rest.to === undefined ? {} : { to: rest.to }),
      });
    },
  );
}
