/**
 * @module
 * The serialisation edge of pseudonymised triage and restriction of processing: one hook rewrites
 * every JSON answer for the caller before it is serialised (events, alerts, incidents, cases,
 * search results, dashboard views), so no view can forget it. Answers the hook cannot see
 * (streams and file exports) call `shapeForCaller` on what they write. The node supplies the
 * rewrite (`ResponseView`); the API knows nothing of pseudonyms.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthContext } from '@intersoc/core';
import { maybeAuthOf, scopeFor } from '../access/request-state.js';

/** Rewrites an answer for its caller (or returns it unchanged). */
export interface ResponseView {
  apply(ctx: AuthContext, route: string, payload: unknown): unknown;
  /** A search query as the store must see it (pseudonyms the caller typed turned back into values). */
  query?(ctx: AuthContext, q: string): string;
}

const views = new WeakMap<FastifyRequest, ResponseView>();

/** The caller's context for the tenant the request acts on (an operator's `?tenant=`), else its own. */
function contextOf(request: FastifyRequest): AuthContext | undefined {
  const ctx = maybeAuthOf(request);
  const t = (request.query as Record<string, unknown> | undefined)?.['tenant'];
  if (!ctx || typeof t !== 'string' || t === ctx.tenant) return ctx;
  try {
    return scopeFor(request, t);
  } catch {
    return ctx;
  }
}

/** Installs `view` on every route of `app` (call before routes are added). */
export function installResponseView(app: FastifyInstance, view: ResponseView): void {
  app.addHook('onRequest', async (request) => {
    views.set(request, view);
  });
  const query = view.query?.bind(view);
  if (query)
    app.addHook('preHandler', async (request) => {
      const ctx = contextOf(request);
      const qs = request.query as Record<string, unknown> | undefined;
      if (ctx && qs && typeof qs['q'] === 'string' && qs['q'] !== '') qs['q'] = query(ctx, qs['q']);
    });
  app.addHook('preSerialization', async (request, _reply, payload) => {
    const ctx = contextOf(request);
    if (!ctx || payload === null || typeof payload !== 'object') return payload;
    return view.apply(ctx, request.routeOptions.url ?? request.url, payload);
  });
}

/**
 * What the caller of `request` may see of `payload` (a page `{ items }` or one record), for
 * answers written as streams or files, which the serialisation hook does not see.
 */
export function shapeForCaller<T>(request: FastifyRequest, payload: T): T {
  const view = views.get(request);
  const ctx = contextOf(request);
  if (!view || !ctx) return payload;
  return view.apply(ctx, request.routeOptions.url ?? request.url, payload) as T;
}
