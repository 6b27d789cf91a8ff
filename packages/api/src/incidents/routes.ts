/**
 * @module
 * Incident routes: `GET /api/incidents` (filters, cursor pages), `GET /api/incidents/counts`,
 * `GET /api/incidents/:id` (graph, timeline, classification), `GET /api/incidents/:id/alerts`,
 * `POST /api/incidents/status` (dismiss or reopen outside a case), `POST /api/incidents/:id/split`,
 * and the asset inventory: `GET /api/assets`, `PUT /api/assets` and `DELETE /api/assets/:kind/:name`
 * (admins). Viewers read, analysts work, admins configure.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, SEVERITIES } from '@intersoc/core';
import type { Role, Severity } from '@intersoc/core';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { csvList, READERS, TenantParam, WRITERS } from '../dashboard/common.js';
import { compact } from '../internal/compact.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import { TimeParam } from '../services.js';
import type { IncidentApiService } from '../services.js';
import {
  AssetInputSchema,
  AssetSchema,
  IncidentAlertSchema,
  IncidentBriefSchema,
  IncidentCountsSchema,
  IncidentSchema,
  IncidentStatusSchema,
} from './schemas.js';

/** Admins configure (the inventory). */
export const ADMINS: readonly Role[] = ['admin'];

const Id = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'not an id');

/** Registers the incident and asset routes on a built API. */
export function registerIncidentRoutes(
  fastify: FastifyInstance,
  deps: { readonly incidents: IncidentApiService },
): void {
  const app = fastify as unknown as ApiApp;
  const { incidents } = deps;

  app.get(
    '/api/incidents',
    {
      config: { access: READERS },
      schema: {
        tags: ['incidents'],
        summary: 'Incidents built from alerts, most recent activity first',
        querystring: z.object({
          status: csvList(IncidentStatusSchema).optional().describe('comma-separated: open,case,closed,merged'),
          minSeverity: z.enum(SEVERITIES as [Severity, ...Severity[]]).optional(),
          q: z.string().max(1024).optional().describe('text in title, hosts, users, addresses, techniques'),
          from: TimeParam.optional(),
          to: TimeParam.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          cursor: z.string().min(1).max(1024).optional(),
          ...TenantParam,
        }),
        response: {
          200: z.object({ items: z.array(IncidentBriefSchema).readonly(), nextCursor: z.string().optional() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { tenant, status, ...rest } = request.query;
      return incidents.list(scopeFor(request, tenant), compact({ ...rest, ...(status ? { statuses: status } : {}) }));
    },
  );

  app.get(
    '/api/incidents/counts',
    {
      config: { access: READERS },
      schema: {
        tags: ['incidents'],
        summary: 'Incident counts by status and severity',
        querystring: z.object(TenantParam),
        response: { 200: IncidentCountsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => incidents.counts(scopeFor(request, request.query.tenant)),
  );

  app.get(
    '/api/incidents/:id',
    {
      config: { access: READERS },
      schema: {
        tags: ['incidents'],
        summary: 'One incident with its entity graph, timeline, ATT&CK chain and RSIT classification',
        params: z.object({ id: Id }),
        querystring: z.object(TenantParam),
        response: { 200: IncidentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const inc = await incidents.get(scopeFor(request, request.query.tenant), request.params.id);
      if (!inc) throw new AppError('NOT_FOUND', `no incident ${request.params.id}`);
      return inc;
    },
  );

  app.get(
    '/api/incidents/:id/alerts',
    {
      config: { access: READERS },
      schema: {
        tags: ['incidents'],
        summary: 'The alerts of an incident, oldest first',
        params: z.object({ id: Id }),
        querystring: z.object(TenantParam),
        response: { 200: z.object({ items: z.array(IncidentAlertSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const ctx = scopeFor(request, request.query.tenant);
      if (!(await incidents.get(ctx, request.params.id)))
        throw new AppError('NOT_FOUND', `no incident ${request.params.id}`);
      return { items: await incidents.alerts(ctx, request.params.id) };
    },
  );

  app.post(
    '/api/incidents/status',
    {
      config: { access: WRITERS, audit: 'incident.status' },
      schema: {
        tags: ['incidents'],
        summary: 'Dismiss (closed) or reopen (open) incidents that are not in a case',
        querystring: z.object(TenantParam),
        body: z.object({ ids: z.array(Id).min(1).max(1000), status: z.enum(['open', 'closed']) }),
        response: { 200: z.object({ updated: z.number().int() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { ids, status } = request.body;
      const r = await incidents.setStatus(scopeFor(request, request.query.tenant), ids, status);
      noteAudit(request, {
        target: ids.length === 1 ? (ids[0] ?? '') : `${ids.length} incidents`,
        details: { status, updated: r.updated },
      });
      return r;
    },
  );

  app.post(
    '/api/incidents/:id/split',
    {
      config: { access: WRITERS, audit: 'incident.split' },
      schema: {
        tags: ['incidents'],
        summary: 'Split alerts off into a new incident',
        params: z.object({ id: Id }),
        querystring: z.object(TenantParam),
        body: z.object({ alertIds: z.array(Id).min(1).max(10_000) }),
        response: { 200: z.object({ kept: IncidentSchema, split: IncidentSchema }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await incidents.split(
        scopeFor(request, request.query.tenant),
        request.params.id,
        request.body.alertIds,
      );
      noteAudit(request, {
        target: request.params.id,
        details: { moved: request.body.alertIds.length, into: r.split.id },
      });
      return r;
    },
  );

  app.get(
    '/api/assets',
    {
      config: { access: READERS },
      schema: {
        tags: ['incidents'],
        summary: 'The asset inventory',
        querystring: z.object({
          kind: z.enum(['host', 'user']).optional(),
          q: z.string().max(256).optional(),
          ...TenantParam,
        }),
        response: { 200: z.object({ items: z.array(AssetSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { tenant, ...q } = request.query;
      return { items: await incidents.assets(scopeFor(request, tenant), compact(q)) };
    },
  );

  app.put(
    '/api/assets',
    {
      config: { access: ADMINS, audit: 'asset.upsert' },
      schema: {
        tags: ['incidents'],
        summary: 'Create or replace assets (by kind and name)',
        querystring: z.object(TenantParam),
        body: z.object({ assets: z.array(AssetInputSchema).min(1).max(10_000) }),
        response: { 200: z.object({ written: z.number().int() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const written = await incidents.putAssets(scopeFor(request, request.query.tenant), request.body.assets);
      noteAudit(request, { details: { written } });
      return { written };
    },
  );

  app.delete(
    '/api/assets/:kind/:name',
    {
      config: { access: ADMINS, audit: 'asset.delete' },
      schema: {
        tags: ['incidents'],
        summary: 'Delete an asset',
        params: z.object({ kind: z.enum(['host', 'user']), name: z.string().min(1).max(255) }),
        querystring: z.object(TenantParam),
        response: { 200: z.object({ deleted: z.boolean() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const deleted = await incidents.removeAsset(
        scopeFor(request, request.query.tenant),
        request.params.kind,
        request.params.name,
      );
      if (!deleted) throw new AppError('NOT_FOUND', `no ${request.params.kind} ${request.params.name}`);
      noteAudit(request, { target: `${request.params.kind}:${request.params.name}` });
      return { deleted };
    },
  );
}
