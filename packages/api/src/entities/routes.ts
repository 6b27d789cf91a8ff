/**
 * @module
 * Host and user pages: `GET /api/entities/:kind/:name` answers what an analyst asks first about a
 * machine or an account: its alerts and incidents, when it was last seen, which sources report it,
 * how much it matters (the asset inventory) and its usual activity (events per hour over the last
 * days). The name may be any spelling (`WKS-03.corp.example.com`, `CORP\rconti`): the service
 * resolves it to the entity model's canonical name.
 */
import { z } from 'zod';
import type { AuthContext } from '@intersoc/core';
import { scopeFor } from '../access/request-state.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import { READERS, TenantParam } from '../dashboard/common.js';
import { AssetSchema, IncidentBriefSchema } from '../incidents/schemas.js';
import { TriagedAlertSchema } from '../triage/routes.js';

/** Kinds of entity with a page. */
export type EntityKind = 'host' | 'user';

/** Counts per time bucket of the entity's events. */
export const EntityActivitySchema = z.object({
  from: z.number(),
  to: z.number(),
  bucketMs: z.number(),
  counts: z.array(z.number().int()).readonly(),
  total: z.number().int(),
  partial: z.boolean().describe('the search stopped at its time budget: counts are a lower bound'),
});

/** A host's or user's page. */
export const EntityProfileSchema = z
  .object({
    kind: z.enum(['host', 'user']),
    name: z.string().describe('canonical name: short lower-case host name, or bare account'),
    query: z.string().describe('the search query that finds its events and alerts (host: / user: alias)'),
    asset: AssetSchema.optional().describe('its entry in the asset inventory, when it has one'),
    lastSeen: z.number().optional().describe('time of its newest event, epoch ms'),
    sources: z
      .array(z.object({ format: z.string(), name: z.string(), count: z.number().int() }))
      .readonly()
      .describe('sources of its newest events, most frequent first'),
    alerts: z.array(TriagedAlertSchema).readonly().describe('its newest alerts'),
    moreAlerts: z.boolean(),
    incidents: z.array(IncidentBriefSchema).readonly().describe('incidents that name it, most recent first'),
    activity: EntityActivitySchema.describe('events per hour over the last days'),
  })
  .meta({ id: 'EntityProfile' });

/** A host's or user's page. */
export type EntityProfile = z.input<typeof EntityProfileSchema>;

/** Builds entity pages within the caller's tenant. */
export interface EntityService {
  profile(ctx: AuthContext, kind: EntityKind, name: string, o: { readonly days: number }): Promise<EntityProfile>;
}

/** Registers `GET /api/entities/:kind/:name`. */
export function registerEntityRoutes(app: ApiApp, deps: { readonly entities: EntityService }): void {
  app.get(
    '/api/entities/:kind/:name',
    {
      config: { access: READERS },
      schema: {
        tags: ['incidents'],
        summary: 'A host or user page',
        description:
          'Alerts, incidents, last seen, reporting sources, asset criticality and events per hour of one host or ' +
          'account. Any spelling of the name is accepted (FQDN, `DOMAIN\\user`, `user@domain`).',
        params: z.object({ kind: z.enum(['host', 'user']), name: z.string().trim().min(1).max(255) }),
        querystring: z.object({
          days: z.coerce.number().int().min(1).max(30).default(7).describe('days of activity, 1 to 30'),
          ...TenantParam,
        }),
        response: { 200: EntityProfileSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      deps.entities.profile(scopeFor(request, request.query.tenant), request.params.kind, request.params.name, {
        days: request.query.days,
      }),
  );
}
