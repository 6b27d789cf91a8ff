/**
 * @module
 * `GET/POST /api/users`, `PATCH /api/users/:name`: tenant admins manage the users of their
 * tenant; the node operator may name another tenant with `?tenant=`.
 */
import { z } from 'zod';
import { AppError, ROLES, TENANT_PATTERN } from '@intersoc/core';
import type { Role } from '@intersoc/core';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, USER_NAME_PATTERN } from '@intersoc/storage';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { compact } from '../internal/compact.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp, RouteDeps } from '../internal/app-types.js';

const RoleSchema = z.enum(ROLES as [Role, ...Role[]]);

/** A user as the API returns it (never the password hash). */
export const UserSchema = z
  .object({
    tenant: z.string(),
    name: z.string(),
    role: RoleSchema,
    disabled: z.boolean(),
    hasPassword: z.boolean(),
    created: z.number(),
    updated: z.number(),
  })
  .meta({ id: 'User' });

/** `?tenant=`: the node operator acting within another tenant. */
export const TenantQuery = z.object({
  tenant: z.string().regex(TENANT_PATTERN, 'not a tenant name').optional().describe('node operator only'),
});

const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH);

/** Registers the user routes. */
export function registerUserRoutes(app: ApiApp, deps: RouteDeps): void {
  const { stores } = deps;

  app.get(
    '/api/users',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['users'],
        summary: 'List the users of a tenant',
        querystring: TenantQuery,
        response: { 200: z.object({ items: z.array(UserSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await stores.users.list(scopeFor(request, request.query.tenant)) }),
  );

  app.post(
    '/api/users',
    {
      config: { access: ['admin'], audit: 'user.create' },
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        description: 'Omit the password for a service account that uses API tokens only.',
        querystring: TenantQuery,
        body: z.object({
          name: z.string().regex(USER_NAME_PATTERN, 'letters, digits and ._@-, at most 128'),
          role: RoleSchema,
          password: Password.optional(),
        }),
        response: { 201: UserSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const ctx = scopeFor(request, request.query.tenant);
      noteAudit(request, { target: request.body.name, details: { role: request.body.role } });
      return reply.code(201).send(await stores.users.create(ctx, compact(request.body)));
    },
  );

  app.patch(
    '/api/users/:name',
    {
      config: { access: ['admin'], audit: 'user.update' },
      schema: {
        tags: ['users'],
        summary: 'Change the role, password or disabled state of a user',
        description:
          'Disabling a user or changing their password ends their sessions. A tenant keeps at least one enabled admin.',
        querystring: TenantQuery,
        params: z.object({ name: z.string().regex(USER_NAME_PATTERN, 'not a user name') }),
        body: z.object({
          role: RoleSchema.optional(),
          disabled: z.boolean().optional(),
          password: Password.optional(),
        }),
        response: { 200: UserSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const ctx = scopeFor(request, request.query.tenant);
      const patch = compact(request.body);
      if (Object.keys(patch).length === 0) throw new AppError('VALIDATION', 'body: nothing to change');
      const { password, ...visible } = patch;
      noteAudit(request, {
        target: request.params.name,
        details: { ...visible, passwordChanged: password !== undefined },
      });
      return stores.users.update(ctx, request.params.name, patch);
    },
  );
}
