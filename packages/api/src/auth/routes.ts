/**
 * @module
 * `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`.
 */
import { z } from 'zod';
import { AppError, DEFAULT_TENANT, ROLES, systemContext, TENANT_PATTERN } from '@intersoc/core';
import { isOperator, MAX_PASSWORD_LENGTH } from '@intersoc/storage';
import type { User } from '@intersoc/storage';
import { ANY_ROLE, authOf, credentialOf, markUnverified, noteAudit } from '../access/request-state.js';
import { originsOf, requireSameOrigin } from '../access/csrf.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp, RouteDeps } from '../internal/app-types.js';
import { clearSessionCookie, sessionCookie } from './cookies.js';

const LoginBody = z.object({
  tenant: z.string().regex(TENANT_PATTERN, 'not a tenant name').default(DEFAULT_TENANT),
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

const LoginResponse = z.object({
  token: z.string().describe('session token: send as `Authorization: Bearer`, or rely on the cookie'),
  expires: z.number().describe('epoch ms'),
  tenant: z.string(),
  user: z.string(),
  role: z.enum(ROLES as ['admin', 'analyst', 'viewer', 'partner', 'instructor', 'trainee', 'dpo']),
});

/** The caller as the API sees it. */
export const MeSchema = z
  .object({
    tenant: z.string(),
    user: z.string(),
    roles: z.array(z.string()),
    via: z.enum(['token', 'session', 'system']),
    operator: z.boolean().describe('true for admins of the default tenant, who manage tenants'),
  })
  .meta({ id: 'Me' });

/** Registers the authentication routes. */
export function registerAuthRoutes(app: ApiApp, deps: RouteDeps): void {
  const { stores, throttle, options } = deps;
  const allowedOrigins = originsOf(options.allowedOrigins);

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public', audit: 'auth.login' },
      schema: {
        tags: ['auth'],
        summary: 'Log in with a password',
        description:
          'Starts a session: sets an HttpOnly SameSite=Strict cookie and returns the same token. ' +
          'Repeated failures lock the account and the client address with exponential backoff (429 + Retry-After).',
        body: LoginBody,
        response: { 200: LoginResponse, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      // Login CSRF: a foreign page must not sign the browser in to an account of its choosing.
      requireSameOrigin(request, allowedOrigins);
      const { tenant, username, password } = request.body;
      const tenantExists = (await stores.tenants.get(systemContext(DEFAULT_TENANT), tenant)) !== undefined;
      // Attempts land in the log of the tenant they target, so its admins see them.
      noteAudit(request, { actor: username, ...(tenantExists ? { tenant } : { details: { tenant } }) });
      // The attempt takes its place before the password is checked, so parallel guesses count.
      const gate = throttle.reserve({ account: `${tenant}/${username}`, ip: request.ip });
      if (!gate.allowed) {
        markUnverified(request);
        throw new AppError('RATE_LIMITED', 'too many failed logins; retry later', {
          details: { retryAfterSeconds: gate.retryAfterSeconds },
        });
      }
      let user: User | undefined;
      try {
        user = await stores.users.verifyPassword(tenant, username, password);
        if (user) gate.ticket.succeed();
        else gate.ticket.fail();
      } finally {
        gate.ticket.release();
      }
      if (!user) throw new AppError('UNAUTHENTICATED', 'invalid tenant, user name or password');
      const { session, secret } = await stores.sessions.create(
        { tenant: user.tenant, user: user.name },
        options.sessionTtlSeconds,
      );
      noteAudit(request, { target: user.name, details: { sessionId: session.id } });
      reply.header('set-cookie', sessionCookie(secret, options.sessionTtlSeconds, options.secureCookies));
      reply.header('cache-control', 'no-store');
      return { token: secret, expires: session.expires, tenant: user.tenant, user: user.name, role: user.role };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: ANY_ROLE, audit: 'auth.logout' },
      schema: {
        tags: ['auth'],
        summary: 'End the current session',
        description:
          'Ends the session the request authenticated with and clears the cookie. API tokens are revoked with DELETE /api/tokens/{id}.',
        response: { 204: z.undefined(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const credential = credentialOf(request);
      if (credential?.kind !== 'session') {
        throw new AppError('BAD_REQUEST', 'logout ends a session; this request did not use one');
      }
      await stores.sessions.revoke(credential.secret);
      reply.header('set-cookie', clearSessionCookie(options.secureCookies));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['auth'],
        summary: 'Who am I',
        response: { 200: MeSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const ctx = authOf(request);
      return { tenant: ctx.tenant, user: ctx.user, roles: [...ctx.roles], via: ctx.via, operator: isOperator(ctx) };
    },
  );
}
