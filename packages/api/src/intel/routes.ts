/**
 * @module
 * Threat intelligence of the caller's tenant: `GET /api/intel/objects` (search with TLP),
 * `GET /api/intel/objects/:id` (an object and its relationship graph),
 * `POST /api/intel/import` (a STIX 2.1 bundle or a MISP event) and `GET /api/intel/export`
 * (a STIX bundle or a MISP event of chosen or all objects).
 */
import { z } from 'zod';
import { AppError } from '@intersoc/core';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import type { IntelService } from '../services.js';
import { csvList, READERS, TenantParam, WRITERS } from '../dashboard/common.js';

const StixId = z.string().regex(/^[a-z][a-z0-9-]{0,62}--[0-9a-f-]{36}$/, 'not a STIX id');
const StixType = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'not a STIX type');

/** An intelligence object as the API lists it. */
export const IntelObjectSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    name: z.string().optional(),
    tlp: z.string().optional(),
    revoked: z.boolean(),
    added: z.number().describe('stored at, epoch ms'),
    modified: z.string().optional(),
    source: z.string().describe('provenance: local, taxii, misp, peer:<id> ...'),
    pattern: z.string().optional(),
    object: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'IntelObject' });

/** Largest import body. */
const IMPORT_LIMIT = 16 * 1024 * 1024;

/** Registers the intelligence routes. */
export function registerIntelRoutes(app: ApiApp, deps: { readonly intel: IntelService }): void {
  const { intel } = deps;

  app.get(
    '/api/intel/objects',
    {
      config: { access: READERS },
      schema: {
        tags: ['intel'],
        summary: 'Search STIX objects and indicators',
        querystring: z.object({
          q: z.string().max(1024).default('').describe('text in name, pattern, description or id'),
          type: csvList(StixType).optional().describe('comma-separated STIX types'),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          cursor: z.string().min(1).max(1024).optional(),
          ...TenantParam,
        }),
        response: {
          200: z.object({ items: z.array(IntelObjectSchema).readonly(), nextCursor: z.string().optional() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { tenant, type, cursor, ...rest } = request.query;
      return intel.search(scopeFor(request, tenant), {
        ...rest,
        ...(type === undefined ? {} : { types: type }),
        ...(cursor === undefined ? {} : { cursor }),
      });
    },
  );

  app.get(
    '/api/intel/objects/:id',
    {
      config: { access: READERS },
      schema: {
        tags: ['intel'],
        summary: 'An object with its related objects and relationships',
        params: z.object({ id: StixId }),
        querystring: z.object(TenantParam),
        response: {
          200: z.object({
            object: IntelObjectSchema,
            nodes: z.array(IntelObjectSchema).readonly(),
            edges: z.array(z.object({ source: z.string(), target: z.string(), type: z.string() })).readonly(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const g = await intel.graph(scopeFor(request, request.query.tenant), request.params.id);
      if (!g) throw new AppError('NOT_FOUND', `no object ${request.params.id}`);
      return g;
    },
  );

  app.post(
    '/api/intel/import',
    {
      bodyLimit: IMPORT_LIMIT,
      config: { access: WRITERS, audit: 'intel.import' },
      schema: {
        tags: ['intel'],
        summary: 'Import a STIX 2.1 bundle or a MISP event',
        description: 'Invalid objects are rejected with their reasons; the rest are stored (each version once).',
        querystring: z.object({ format: z.enum(['stix', 'misp']).default('stix'), ...TenantParam }),
        body: z.record(z.string(), z.unknown()),
        response: {
          200: z.object({
            added: z.number().int(),
            duplicates: z.number().int(),
            rejected: z.number().int(),
            reasons: z.array(z.string()).readonly(),
            ids: z.array(z.string()).readonly(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { tenant, format } = request.query;
      const result = await intel.import(scopeFor(request, tenant), format, request.body);
      noteAudit(request, {
        details: { format, added: result.added, duplicates: result.duplicates, rejected: result.rejected },
      });
      return result;
    },
  );

  app.get(
    '/api/intel/export',
    {
      config: { access: READERS },
      schema: {
        tags: ['intel'],
        summary: 'Export as a STIX 2.1 bundle or a MISP event',
        querystring: z.object({
          format: z.enum(['stix', 'misp']).default('stix'),
          ids: csvList(StixId).optional().describe('comma-separated ids; all objects when omitted'),
          ...TenantParam,
        }),
        response: { 200: z.record(z.string(), z.unknown()), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { tenant, format, ids } = request.query;
      const doc = await intel.export(scopeFor(request, tenant), format, ids);
      reply.header(
        'content-disposition',
        `attachment; filename="intersoc-${format === 'stix' ? 'stix-bundle' : 'misp-event'}.json"`,
      );
      return doc;
    },
  );
}
