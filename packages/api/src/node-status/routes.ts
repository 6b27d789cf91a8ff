/**
 * @module
 * `GET /api/node/status`: pipeline stages, queue depths, counters, sources, storage use and
 * the retention policy, for the health view. Storage figures are the caller's tenant's;
 * node-wide figures (sources, files) go to the default tenant only.
 */
import { z } from 'zod';
import { scopeFor } from '../access/request-state.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import type { NodeStatusService } from '../services.js';
import { READERS, TenantParam } from '../dashboard/common.js';

const Health = z.enum(['ok', 'degraded', 'down']);

/** Response of `GET /api/node/status`. */
export const NodeStatusSchema = z
  .object({
    generated: z.number(),
    uptimeSeconds: z.number(),
    stages: z.array(z.object({ name: z.string(), status: Health, detail: z.string() })).readonly(),
    queues: z
      .array(z.object({ name: z.string(), depth: z.number(), capacity: z.number().optional(), unit: z.string() }))
      .readonly(),
    counters: z.record(z.string(), z.number()),
    sources: z
      .array(z.object({ name: z.string(), address: z.string(), received: z.number(), dropped: z.number() }))
      .readonly(),
    storage: z.object({
      events: z.number(),
      blocks: z.number(),
      storedBytes: z.number(),
      rawBytes: z.number(),
      days: z.number(),
      alerts: z.number(),
      deadLetters: z.number(),
      unindexedBlocks: z.number(),
      oldest: z.number().optional(),
      newest: z.number().optional(),
      files: z.record(z.string(), z.number()).optional(),
    }),
    retention: z.object({ maxAgeDays: z.number(), maxBytes: z.number() }),
    roles: z
      .object({
        bus: z.string(),
        instances: z
          .array(
            z.object({
              instance: z.string(),
              roles: z.array(z.string()).readonly(),
              host: z.string(),
              pid: z.number(),
              started: z.number(),
              lastSeen: z.number(),
              lag: z.record(z.string(), z.number()),
              inFlight: z.record(z.string(), z.number()),
              storeUp: z.boolean().optional(),
              stale: z.boolean(),
            }),
          )
          .readonly(),
        error: z.string().optional(),
      })
      .optional(),
  })
  .meta({ id: 'NodeStatus' });

/** Registers the node status route. */
export function registerNodeStatusRoutes(app: ApiApp, deps: { readonly node: NodeStatusService }): void {
  app.get(
    '/api/node/status',
    {
      config: { access: READERS },
      schema: {
        tags: ['node'],
        summary: 'Pipeline, queues, storage and retention',
        querystring: z.object(TenantParam),
        response: { 200: NodeStatusSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => deps.node.status(scopeFor(request, request.query.tenant)),
  );
}
