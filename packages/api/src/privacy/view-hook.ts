/**
 * @module
 * The serialisation edge of pseudonymised triage and restriction of processing: one hook rewrites
 * every JSON answer for the caller before it is serialised (events, alerts, incidents, cases,
 * search results, dashboard views), so no view can forget it. Answers a route serialises itself
 * (a STIX bundle, a GraphML export, CSV, plain text) pass through the same view as text before
 * they are sent. Streamed answers, which no hook sees whole (Server-Sent Events, NDJSON and CSV
 * exports), call `shapeForCaller` on what they write. The node supplies the
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
/** Requests whose answer the serialisation hook already rewrote. */
const shaped = new WeakSet<FastifyRequest>();

/** Media types of answers a route serialises itself that the view reads as text (not pages or scripts). */
const TEXT = /^(application\/([\w.+-]*\+)?(json|xml)|text\/(plain|csv|xml|markdown))\b/i;

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
    shaped.add(request);
    return view.apply(ctx, request.routeOptions.url ?? request.url, payload);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (shaped.has(request) || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
    const type = reply.getHeader('content-type');
    if (typeof type !== 'string' || !TEXT.test(type) || reply.statusCode >= 400) return payload;
    const ctx = contextOf(request);
    if (!ctx) return payload;
    const text = typeof payload === 'string' ? payload : payload.toString('utf8');
    const route = request.routeOptions.url ?? request.url;
    // JSON is rewritten as data, so the keyed fields are found as in any other answer.
    if (/json/i.test(type)) {
      try {
        const data = JSON.parse(text) as unknown;
        const out = view.apply(ctx, route, data);
        // Unchanged (a caller who sees values): the bytes go as the route wrote them.
        return out === data ? payload : JSON.stringify(out);
      } catch {
        // Not JSON after all: rewritten as text below.
      }
    }
    const out = view.apply(ctx, route, text);
    return typeof out === 'string' && out !== text ? out : payload;
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
