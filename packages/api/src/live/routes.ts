/**
 * @module
 * `GET /api/alerts/stream`: Server-Sent Events of the caller's tenant's alerts as they are
 * committed. A browser's EventSource authenticates with the session cookie. A client that reads
 * too slowly never slows the node: alerts are dropped for it and a `gap` event tells it how many,
 * so it can reload the queue. The stream ends when its caller's credentials stop holding (user
 * disabled or demoted, session ended, token revoked): see `access/auth-watch.ts`.
 */
import { z } from 'zod';
import { actAs } from '@intersoc/storage';
import { watchAuthorization } from '../access/auth-watch.js';
import { scopeFor } from '../access/request-state.js';
import { shapeForCaller } from '../privacy/view-hook.js';
import type { ApiApp } from '../internal/app-types.js';
import type { AlertFeed } from '../services.js';
import { READERS, TenantParam } from '../dashboard/common.js';

/** Bytes an SSE client may have unread before alerts are dropped for it. */
const MAX_UNREAD_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/** Registers the live alert stream. */
export function registerLiveRoutes(
  app: ApiApp,
  deps: {
    readonly feed: AlertFeed;
    readonly heartbeatMs?: number;
    /** How often a stream re-checks its caller's credentials besides on identity changes (default 15 s). */
    readonly recheckMs?: number;
  },
): void {
  const { feed } = deps;
  const open = new Set<() => void>();
  // Streams never end by themselves: close them first, or the server would wait for them forever.
  app.addHook('preClose', async () => {
    for (const stop of [...open]) stop();
  });

  app.get(
    '/api/alerts/stream',
    {
      config: { access: READERS },
      schema: {
        tags: ['alerts'],
        summary: 'Live alerts (Server-Sent Events)',
        description:
          'Events: `ready` once, `alert` (data: an Alert) for each committed alert, `gap` (data: `{dropped}`) when ' +
          'alerts were dropped because the client read too slowly. Comments keep the connection alive.',
        querystring: z.object(TenantParam),
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const ctx = scopeFor(request, request.query.tenant);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-request-id': request.id,
        connection: 'keep-alive',
      });
      res.write(`retry: 3000\nevent: ready\ndata: {"tenant":${JSON.stringify(ctx.tenant)}}\n\n`);
      let dropped = 0;
      const unsubscribe = feed.subscribe(ctx, (alert) => {
        if (res.writableEnded) return;
        if (res.writableLength > MAX_UNREAD_BYTES) {
          dropped++;
          return;
        }
        if (dropped > 0) {
          res.write(`event: gap\ndata: {"dropped":${dropped}}\n\n`);
          dropped = 0;
        }
        // A stream is no JSON answer: the privacy view (pseudonyms, restrictions) is applied here.
        const [shown] = shapeForCaller(request, { items: [alert] }).items;
        if (shown) res.write(`id: ${alert.id}\nevent: alert\ndata: ${JSON.stringify(shown)}\n\n`);
      });
      const heartbeat = setInterval(() => {
        if (!res.writableEnded) res.write(': keep-alive\n\n');
      }, deps.heartbeatMs ?? HEARTBEAT_MS);
      heartbeat.unref();
      // A user disabled, demoted or logged out while the stream runs stops receiving alerts.
      const unwatch = watchAuthorization(request, () => stop(), {
        everyMs: deps.recheckMs ?? HEARTBEAT_MS,
        still: (now) => actAs(now, request.query.tenant),
      });
      const stop = (): void => {
        if (!open.delete(stop)) return;
        clearInterval(heartbeat);
        unwatch();
        unsubscribe();
        if (!res.writableEnded) res.end();
      };
      open.add(stop);
      request.raw.socket.on('close', stop);
      res.on('close', stop);
    },
  );
}
