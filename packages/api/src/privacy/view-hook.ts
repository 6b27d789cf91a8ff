/**
 * @module
 * The serialisation edge of pseudonymised triage and restriction of processing: one hook rewrites
 * every JSON answer for the caller before it is serialised (events, alerts, incidents, cases,
 * search results, dashboard views), so no view can forget it. The node supplies the rewrite
 * (`ResponseView`); the API knows nothing of pseudonyms.
 */
import type { FastifyInstance } from 'fastify';
import type { AuthContext } from '@intersoc/core';
import { maybeAuthOf } from '../access/request-state.js';

/** Rewrites an answer for its caller (or returns it unchanged). */
export interface ResponseView {
  apply(ctx: AuthContext, route: string, payload: unknown): unknown;
  /** A search query as the store must see it (pseudonyms the caller typed turned back into values). */
  query?(ctx: AuthContext, q: string): string;
}

/** Installs `view` on every route of `app` (call before routes are added). */
export function installResponseView(app: FastifyInstance, view: ResponseView): void {
  const query = view.query?.bind(view);
  if (query)
    app.addHook('preHandler', async (request) => {
      const ctx = maybeAuthOf(request);
      const qs = request.query as Record<string, unknown> | undefined;
      if (ctx && qs && typeof qs['q'] === 'string' && qs['q'] !== '') qs['q'] = query(ctx, qs['q']);
    });
  app.addHook('preSerialization', async (request, _reply, payload) => {
    const ctx = maybeAuthOf(request);
    if (!ctx || payload === null || typeof payload !== 'object') return payload;
    return view.apply(ctx, request.routeOptions.url ?? request.url, payload);
  });
}
