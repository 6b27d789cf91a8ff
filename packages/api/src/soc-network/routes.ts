/**
 * @module
 * `GET /api/soc-network`: peers and their trust, exchanges, quarantined items and sightings.
 * Until federation is configured on the node it answers `configured: false`, and the dashboard
 * says that peering is not configured.
 */
import { z } from 'zod';
import { scopeFor } from '../access/request-state.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import type { SocNetworkService } from '../services.js';
import { READERS, TenantParam } from '../dashboard/common.js';

/** Response of `GET /api/soc-network`. */
export const SocNetworkSchema = z
  .object({
    configured: z.boolean(),
    detail: z.string().optional(),
    peers: z.array(z.object({ id: z.string(), name: z.string(), trust: z.number(), status: z.string() })).readonly(),
    exchanges: z
      .array(
        z.object({
          peer: z.string(),
          direction: z.enum(['sent', 'received']),
          objects: z.number().int(),
          time: z.number(),
        }),
      )
      .readonly(),
    quarantined: z
      .array(z.object({ peer: z.string(), id: z.string(), reason: z.string(), time: z.number().optional() }))
      .readonly(),
    sightings: z
      .array(z.object({ peer: z.string(), indicator: z.string(), count: z.number().int(), last: z.number() }))
      .readonly(),
  })
  .meta({ id: 'SocNetwork' });

const NOT_CONFIGURED = {
  configured: false,
  detail: 'peering is not configured on this node',
  peers: [],
  exchanges: [],
  quarantined: [],
  sightings: [],
};

/** Registers the SOC network route; without a service it reports that peering is not configured. */
export function registerSocNetworkRoutes(app: ApiApp, deps: { readonly network?: SocNetworkService }): void {
  app.get(
    '/api/soc-network',
    {
      config: { access: READERS },
      schema: {
        tags: ['federation'],
        summary: 'Peers, trust, exchanges, quarantine and sightings',
        querystring: z.object(TenantParam),
        response: { 200: SocNetworkSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const ctx = scopeFor(request, request.query.tenant);
      return deps.network ? deps.network.status(ctx) : NOT_CONFIGURED;
    },
  );
}
