/**
 * @module
 * `GET/POST /api/tokens`, `DELETE /api/tokens/:id`: every user manages their own API tokens;
 * admins manage everyone's in their tenant. The secret is returned once, at creation.
 */
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { USER_NAME_PATTERN } from '@intersoc/storage';
import type { NewToken } from '@intersoc/storage';
import { ANY_ROLE, authOf, credentialOf, noteAudit, scopeFor } from '../access/request-state.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp, RouteDeps } from '../internal/app-types.js';
import { TenantQuery } from '../users/routes.js';

/** API token metadata (never the secret or its hash). */
export const ApiTokenSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    user: z.string(),
    name: z.string(),
    created: z.number(),
    expires: z.number().nullable(),
    lastUsed: z.number().nullable(),
    revoked: z.number().nullable(),
  })
  .meta({ id: 'ApiToken' });

const TEN_YEARS_S = 10 * 366 * 86_400;

/** What a new token was minted with, so a password change can revoke it (see `NewToken.mintedWith`). */
function mintedWith(request: FastifyRequest): NonNullable<NewToken['mintedWith']> {
  const credential = credentialOf(request);
  if (credential?.kind === 'token' && credential.id !== undefined) return { kind: 'token', id: credential.id };
  // The caller's own account, not the tenant acted in: an operator's password binds the operator's tokens.
  const caller = authOf(request);
  return { kind: 'password', tenant: caller.tenant, user: caller.user };
}

/** Registers the token routes. */
export function registerTokenRoutes(app: ApiApp, deps: RouteDeps): void {
  const { stores } = deps;

  app.get(
    '/api/tokens',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['tokens'],
        summary: 'List API tokens',
        description: "Admins see every token of the tenant (or one user's with `?user=`); others see their own.",
        querystring: TenantQuery.extend({ user: z.string().regex(USER_NAME_PATTERN).optional() }),
        response: { 200: z.object({ items: z.array(ApiTokenSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const ctx = scopeFor(request, request.query.tenant);
      const filter = request.query.user === undefined ? {} : { user: request.query.user };
      return { items: await stores.tokens.list(ctx, filter) };
    },
  );

  app.post(
    '/api/tokens',
    {
      config: { access: ANY_ROLE, audit: 'token.create' },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token',
        description:
          'Returns the secret once; only its SHA-256 is stored. Send it as `Authorization: Bearer <secret>`. ' +
          'Only admins create tokens for another user.',
        querystring: TenantQuery,
        body: z.object({
          name: z.string().trim().min(1).max(100).describe('label, e.g. prometheus or winlogbeat-dc1'),
          user: z.string().regex(USER_NAME_PATTERN).optional().describe('owner; defaults to the caller'),
          expiresInSeconds: z.number().int().min(60).max(TEN_YEARS_S).optional(),
        }),
        response: {
          201: z.object({ token: ApiTokenSchema, secret: z.string().describe('shown once') }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const ctx = scopeFor(request, request.query.tenant);
      const { name, user, expiresInSeconds } = request.body;
      const { token, secret } = await stores.tokens.create(ctx, {
        name,
        mintedWith: mintedWith(request),
        ...(user === undefined ? {} : { user }),
        ...(expiresInSeconds === undefined ? {} : { expires: Date.now() + expiresInSeconds * 1000 }),
      });
      noteAudit(request, { target: token.id, details: { user: token.user, name: token.name, expires: token.expires } });
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ token, secret });
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      config: { access: ANY_ROLE, audit: 'token.revoke' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        querystring: TenantQuery,
        params: z.object({ id: z.string().regex(/^[0-9a-f]{32}$/, 'not a token id') }),
        response: { 200: ApiTokenSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const ctx = scopeFor(request, request.query.tenant);
      noteAudit(request, { target: request.params.id });
      return stores.tokens.revoke(ctx, request.params.id);
    },
  );
}
