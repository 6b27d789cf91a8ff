/**
 * @module
 * `GET /api/audit` and `GET /api/audit/verify`: a tenant admin reads and verifies their tenant's
 * hash chain; the node operator may name another tenant.
 */
import { z } from 'zod';
import { scopeFor } from '../access/request-state.js';
import { compact } from '../internal/compact.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp, RouteDeps } from '../internal/app-types.js';
import { TenantQuery } from '../users/routes.js';

/** An audit entry as the API returns it. */
export const AuditEntrySchema = z
  .object({
    tenant: z.string(),
    seq: z.number().int(),
    time: z.number(),
    actor: z.string(),
    actorTenant: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    outcome: z.enum(['success', 'failure', 'denied']),
    status: z.number().int().nullable(),
    requestId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

const VerificationSchema = z
  .object({
    tenant: z.string(),
    ok: z.boolean(),
    entries: z.number().int(),
    head: z.string().describe('hash of the last entry; keep it elsewhere to detect truncation later'),
    brokenAt: z.number().int().optional(),
    reason: z.string().optional(),
    checkpoints: z.number().int().optional().describe('signed checkpoints of the chain that were checked'),
    latestCheckpoint: z
      .object({ seq: z.number().int(), time: z.number(), head: z.string() })
      .optional()
      .describe('the newest signed checkpoint; keep a copy elsewhere to detect a cut-off tail'),
    unanchored: z.number().int().optional().describe('entries after the newest checkpoint'),
  })
  .meta({ id: 'AuditVerification' });

/** Registers the audit routes. */
export function registerAuditRoutes(app: ApiApp, deps: RouteDeps): void {
  const { stores } = deps;

  app.get(
    '/api/audit',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['audit'],
        summary: 'List audit entries, newest first',
        querystring: TenantQuery.extend({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          before: z.coerce.number().int().min(1).optional().describe('sequence number; from `nextBefore`'),
          action: z.string().max(100).optional(),
          actor: z.string().max(128).optional(),
        }),
        response: {
          200: z.object({ items: z.array(AuditEntrySchema), nextBefore: z.number().int().optional() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { tenant, ...query } = request.query;
      return stores.audit.list(scopeFor(request, tenant), compact(query));
    },
  );

  app.get(
    '/api/audit/verify',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['audit'],
        summary: "Verify the hash chain of a tenant's audit log",
        querystring: TenantQuery,
        response: { 200: VerificationSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => stores.audit.verify(scopeFor(request, request.query.tenant)),
  );
}
