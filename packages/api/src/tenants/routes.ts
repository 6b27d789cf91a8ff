/**
 * @module
 * `GET/POST /api/tenants`, `PATCH /api/tenants/:name`. Only the node operator (an admin of the
 * default tenant) creates or changes tenants; a tenant admin sees their own tenant only.
 */
import { z } from 'zod';
import { AppError, TENANT_PATTERN } from '@intersoc/core';
import { authOf, noteAudit } from '../access/request-state.js';
import { compact } from '../internal/compact.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp, RouteDeps } from '../internal/app-types.js';

/** A tenant as the API returns it. */
export const TenantSchema = z
  .object({ name: z.string(), displayName: z.string(), created: z.number(), disabled: z.boolean() })
  .meta({ id: 'Tenant' });

const TenantName = z.string().regex(TENANT_PATTERN, 'lower-case letters, digits, _ and -, at most 63');
const DisplayName = z.string().trim().min(1).max(200);

/** Registers the tenant routes. */
export function registerTenantRoutes(app: ApiApp, deps: RouteDeps): void {
  const { stores } = deps;

  app.get(
    '/api/tenants',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['tenants'],
        summary: 'List tenants',
        description: 'The node operator sees every tenant; a tenant admin sees their own.',
        response: { 200: z.object({ items: z.array(TenantSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await stores.tenants.list(authOf(request)) }),
  );

  app.post(
    '/api/tenants',
    {
      config: { access: ['admin'], audit: 'tenant.create' },
      schema: {
        tags: ['tenants'],
        summary: 'Create a tenant (node operator)',
        body: z.object({ name: TenantName, displayName: DisplayName.optional() }),
        response: { 201: TenantSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      noteAudit(request, { target: request.body.name });
      const tenant = await stores.tenants.create(authOf(request), compact(request.body));
      return reply.code(201).send(tenant);
    },
  );

  app.patch(
    '/api/tenants/:name',
    {
      config: { access: ['admin'], audit: 'tenant.update' },
      schema: {
        tags: ['tenants'],
        summary: 'Rename, disable or enable a tenant (node operator)',
        description: 'A disabled tenant cannot log in or use its tokens; its data stays.',
        params: z.object({ name: TenantName }),
        body: z.object({ displayName: DisplayName.optional(), disabled: z.boolean().optional() }),
        response: { 200: TenantSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const patch = compact(request.body);
      if (Object.keys(patch).length === 0) throw new AppError('VALIDATION', 'body: nothing to change');
      noteAudit(request, { target: request.params.name, details: { ...patch } });
      return stores.tenants.update(authOf(request), request.params.name, patch);
    },
  );
}
