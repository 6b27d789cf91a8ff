/**
 * @module
 * `GET /api/overview`: what the overview shows at a glance: live ingest rate, events and alerts
 * by severity over a window, the alert states, top rules, techniques, hosts and users, and
 * ingest health (dead letters, drops).
 */
import { z } from 'zod';
import { scopeFor } from '../access/request-state.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import type { OverviewService } from '../services.js';
import { READERS, resolveWindow, WindowQuerySchema } from '../dashboard/common.js';

const Counted = z.object({ key: z.string(), label: z.string().optional(), count: z.number().int() });
const BySeverity = z.object({
  informational: z.number().int(),
  low: z.number().int(),
  medium: z.number().int(),
  high: z.number().int(),
  critical: z.number().int(),
});

/** Response of `GET /api/overview`. */
export const OverviewSchema = z
  .object({
    generated: z.number(),
    from: z.number(),
    to: z.number(),
    bucketMs: z.number(),
    rate: z
      .array(z.object({ t: z.number(), events: z.number(), deadLetters: z.number() }))
      .readonly()
      .describe('live samples, per second, oldest first'),
    events: z.array(z.number().int()).readonly().describe('events per bucket'),
    alertsBySeverity: z.array(BySeverity).readonly(),
    alerts: z.object({
      total: z.number().int(),
      new: z.number().int(),
      acknowledged: z.number().int(),
      closed: z.number().int(),
    }),
    topRules: z.array(Counted).readonly(),
    topTechniques: z.array(Counted).readonly(),
    topHosts: z.array(Counted).readonly(),
    topUsers: z.array(Counted).readonly(),
    ingest: z.object({
      storedEvents: z.number().int(),
      deadLetters: z.number().int(),
      deadLettersInWindow: z.number().int(),
      dropped: z.number().int().optional(),
    }),
  })
  .meta({ id: 'Overview' });

/** Registers the overview route. */
export function registerOverviewRoutes(app: ApiApp, deps: { readonly overview: OverviewService }): void {
  app.get(
    '/api/overview',
    {
      config: { access: READERS },
      schema: {
        tags: ['dashboard'],
        summary: 'Overview aggregates of the tenant',
        description: 'The window defaults to the last 24 hours.',
        querystring: WindowQuerySchema,
        response: { 200: OverviewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { tenant, ...window } = request.query;
      return deps.overview.overview(scopeFor(request, tenant), resolveWindow(window));
    },
  );
}
