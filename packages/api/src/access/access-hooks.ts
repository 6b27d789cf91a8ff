/**
 * @module
 * Enforces `config.access` on every route: refuses to register a route without it (or a
 * mutating route without `config.audit`), authenticates before the body is read, checks the
 * caller's roles, and applies the CSRF checks to changes made with the session cookie.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '@intersoc/core';
import type { Authenticator } from '../auth/authenticator.js';
import type { ApiApp } from '../internal/app-types.js';
import { AUTH_CHANGING_ACTIONS, AuthChanges, setRecheck } from './auth-watch.js';
import { checkCookieChange, originsOf } from './csrf.js';
import { markUnverified, setAuth } from './request-state.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Installs the route checks and the authentication hook. Call before routes are registered. */
export function installAccess(
  app: ApiApp,
  authenticator: Authenticator,
  o: { readonly allowedOrigins?: readonly string[]; readonly changes?: AuthChanges } = {},
): void {
  const allowed = originsOf(o.allowedOrigins ?? []);
  const changes = o.changes ?? new AuthChanges();
  // A change to users, tenants, tokens or sessions makes open streams re-check their credentials.
  app.addHook('onResponse', async (request, reply) => {
    const action = request.routeOptions.config.audit;
    if (action !== undefined && reply.statusCode < 400 && AUTH_CHANGING_ACTIONS.test(action)) changes.changed();
  });
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    const config = route.config;
    if (config?.access === undefined) {
      throw new Error(`${methods.join(',')} ${route.url}: every route must declare config.access`);
    }
    if (methods.some((m) => MUTATING.has(m)) && config.audit === undefined) {
      throw new Error(`${methods.join(',')} ${route.url}: every mutating route must declare config.audit`);
    }
  });

  // onRequest runs before the body is read, so an unauthenticated upload is refused unread.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const credentials = {
      authorization: request.headers.authorization,
      cookie: request.headers.cookie,
      ip: request.ip,
    };
    const result = await authenticator.check(credentials);
    if (!result.ok) {
      // A refusal that cost no password check is counted, not logged one by one (see the audit hook).
      if (!('passwordChecked' in result)) markUnverified(request);
      if (result.reason === 'throttled') {
        throw new AppError('RATE_LIMITED', 'too many failed logins; retry later', {
          details: { retryAfterSeconds: result.retryAfterSeconds },
        });
      }
      throw new AppError(
        'UNAUTHENTICATED',
        result.reason === 'missing'
          ? 'authentication required: send Authorization: Bearer <token>'
          : 'invalid, expired or revoked credentials',
      );
    }
    setAuth(request, result.ctx, result.credential);
    const first = result.ctx;
    // For long-lived responses: the same credentials, the same account, still a role the route allows.
    setRecheck(
      request,
      async () => {
        const again = await authenticator.check(credentials);
        const same = again.ok && again.ctx.tenant === first.tenant && again.ctx.user === first.user;
        return same && again.ctx.roles.some((r) => access.includes(r)) ? again.ctx : undefined;
      },
      changes,
    );
    if (!result.ctx.roles.some((r) => access.includes(r))) {
      throw new AppError('FORBIDDEN', `requires role ${access.join(' or ')}`);
    }
    if (result.credential.fromCookie === true && MUTATING.has(request.method)) checkCookieChange(request, allowed);
  });
}
