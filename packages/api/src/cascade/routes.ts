/**
 * @module
 * Cascade routes (`/api/cascade/*`): dependency graphs (list, read, import, export, delete),
 * what-if analysis, criticality, the IIM and its default sector matrix, the cascade impact of an
 * incident, cascade warnings sent and received, and sharing a graph's cross-organisation
 * dependencies with the peers on either side. Viewers read and run the models (they change
 * nothing); analysts and admins import, delete and share. Every call is scoped to the caller's
 * tenant (the operator may name another with `?tenant=`).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '@intersoc/core';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { READERS, TenantParam, WRITERS } from '../dashboard/common.js';
import { ERROR_RESPONSES, type ApiApp } from '../internal/app-types.js';
import {
  CriticalityViewSchema,
  GraphInfoSchema,
  GraphViewSchema,
  IimBodySchema,
  IimViewSchema,
  ImpactViewSchema,
  ImportBodySchema,
  ImportViewSchema,
  IncidentImpactSchema,
  SectorModelSchema,
  ShareEdgesViewSchema,
  WarningViewSchema,
  WhatIfBodySchema,
  type CascadeApiService,
} from './schemas.js';

const GraphName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'not a graph name');
const IncidentId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'not an id');
/** Graph documents can be large; other cascade bodies stay small. */
const IMPORT_LIMIT = 48 * 1024 * 1024;

/** Registers the cascade routes. */
export function registerCascadeRoutes(fastify: FastifyInstance, deps: { readonly cascade: CascadeApiService }): void {
  const app = fastify as unknown as ApiApp;
  const { cascade } = deps;
  const tags = ['cascade'];

  app.get(
    '/api/cascade/graphs',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Dependency graphs of the tenant',
        querystring: z.object(TenantParam),
        response: { 200: z.object({ items: z.array(GraphInfoSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await cascade.graphs(scopeFor(request, request.query.tenant)) }),
  );

  app.get(
    '/api/cascade/graphs/:name',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'A graph for display (entities and dependencies, up to limit entities)',
        params: z.object({ name: GraphName }),
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(20_000).default(3000), ...TenantParam }),
        response: { 200: GraphViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => cascade.graph(scopeFor(request, request.query.tenant), request.params.name, request.query.limit),
  );

  app.put(
    '/api/cascade/graphs/:name',
    {
      bodyLimit: IMPORT_LIMIT,
      config: { access: WRITERS, audit: 'cascade.import' },
      schema: {
        tags,
        summary: 'Import a graph (CSV, JSON, GraphML, STIX 2.1 or an edge list): replaces it unless merge',
        params: z.object({ name: GraphName }),
        querystring: z.object(TenantParam),
        body: ImportBodySchema,
        response: { 200: ImportViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await cascade.importGraph(scopeFor(request, request.query.tenant), request.params.name, request.body);
      noteAudit(request, {
        target: request.params.name,
        details: {
          format: r.format,
          entities: r.info.entities,
          dependencies: r.info.dependencies,
          merge: request.body.merge,
        },
      });
      return r;
    },
  );

  app.delete(
    '/api/cascade/graphs/:name',
    {
      config: { access: WRITERS, audit: 'cascade.delete' },
      schema: {
        tags,
        summary: 'Delete a graph',
        params: z.object({ name: GraphName }),
        querystring: z.object(TenantParam),
        response: { 200: z.object({ deleted: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      if (!(await cascade.deleteGraph(scopeFor(request, request.query.tenant), request.params.name)))
        throw new AppError('NOT_FOUND', `no graph ${request.params.name}`);
      noteAudit(request, { target: request.params.name });
      return { deleted: request.params.name };
    },
  );

  app.get(
    '/api/cascade/graphs/:name/export',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Export a graph as GraphML or a STIX 2.1 bundle',
        params: z.object({ name: GraphName }),
        querystring: z.object({ format: z.enum(['graphml', 'stix']).default('graphml'), ...TenantParam }),
      },
    },
    async (request, reply) => {
      const text = await cascade.exportGraph(
        scopeFor(request, request.query.tenant),
        request.params.name,
        request.query.format,
      );
      const xml = request.query.format === 'graphml';
      return reply
        .header('content-type', xml ? 'application/graphml+xml; charset=utf-8' : 'application/stix+json;version=2.1')
        .header('content-disposition', `attachment; filename="${request.params.name}.${xml ? 'graphml' : 'json'}"`)
        .send(text);
    },
  );

  app.post(
    '/api/cascade/graphs/:name/whatif',
    {
      config: { access: READERS, audit: 'cascade.whatif' },
      schema: {
        tags,
        summary:
          'Fail entities and see the cascade: rounds, timeline, sectors, organisations; Monte Carlo with runs > 0',
        params: z.object({ name: GraphName }),
        querystring: z.object(TenantParam),
        body: WhatIfBodySchema,
        response: { 200: ImpactViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => cascade.whatIf(scopeFor(request, request.query.tenant), request.params.name, request.body),
  );

  app.get(
    '/api/cascade/graphs/:name/criticality',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'What to protect first: removal impact, betweenness, articulation points',
        params: z.object({ name: GraphName }),
        querystring: z.object({ top: z.coerce.number().int().min(1).max(1000).default(25), ...TenantParam }),
        response: { 200: CriticalityViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      cascade.criticality(scopeFor(request, request.query.tenant), request.params.name, request.query.top),
  );

  app.post(
    '/api/cascade/graphs/:name/share',
    {
      config: { access: WRITERS, audit: 'cascade.share' },
      schema: {
        tags,
        summary:
          'Share the dependencies that cross organisations with the peer SOCs on either side (TLP:AMBER, named recipients)',
        params: z.object({ name: GraphName }),
        querystring: z.object(TenantParam),
        response: { 200: ShareEdgesViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await cascade.shareEdges(scopeFor(request, request.query.tenant), request.params.name);
      noteAudit(request, { target: request.params.name, details: { peers: r.peers } });
      return r;
    },
  );

  app.post(
    '/api/cascade/iim',
    {
      config: { access: READERS, audit: 'cascade.iim' },
      schema: {
        tags,
        summary: 'Leontief inoperability input-output model, static or dynamic (default: the built-in sector matrix)',
        querystring: z.object(TenantParam),
        body: IimBodySchema,
        response: { 200: IimViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => cascade.iim(scopeFor(request, request.query.tenant), request.body),
  );

  app.get(
    '/api/cascade/sectors',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'The default sector interdependency matrix and where it comes from',
        querystring: z.object(TenantParam),
        response: { 200: SectorModelSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => cascade.sectors(scopeFor(request, request.query.tenant)),
  );

  app.get(
    '/api/cascade/incidents/:id',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: "An incident's cascade impact: services and organisations at risk, and when",
        params: z.object({ id: IncidentId }),
        querystring: z.object(TenantParam),
        response: { 200: IncidentImpactSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await cascade.incidentImpact(scopeFor(request, request.query.tenant), request.params.id);
      if (!r) throw new AppError('NOT_FOUND', `incident ${request.params.id} names no asset of a dependency graph`);
      return r;
    },
  );

  app.get(
    '/api/cascade/warnings',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Cascade warnings sent to and received from peer SOCs, newest first',
        querystring: z.object(TenantParam),
        response: { 200: z.object({ items: z.array(WarningViewSchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await cascade.warnings(scopeFor(request, request.query.tenant)) }),
  );
}
