/**
 * @module
 * `GET /api/health` (no authentication: load balancers and supervisors probe it) and
 * `GET /metrics` (Prometheus text). Metrics are node-wide, across tenants, so they belong to
 * the node operator: by default they need a token of an admin, analyst or viewer of the default
 * tenant (Prometheus `authorization: { credentials: <token> }`); `metricsAuth: 'none'` opens them.
 */
import { z } from 'zod';
import { AppError, DEFAULT_TENANT } from '@intersoc/core';
import { authOf } from '../access/request-state.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp, RouteDeps } from '../internal/app-types.js';
import type { HealthCheck } from '../services.js';

const CheckSchema = z.object({ status: z.enum(['ok', 'degraded', 'down']), detail: z.string().optional() });

/** Health response. */
export const HealthSchema = z
  .object({ status: z.enum(['ok', 'degraded', 'down']), checks: z.record(z.string(), CheckSchema) })
  .meta({ id: 'Health' });

function overall(checks: Record<string, HealthCheck>): HealthCheck['status'] {
  const all = Object.values(checks).map((c) => c.status);
  if (all.includes('down')) return 'down';
  return all.includes('degraded') ? 'degraded' : 'ok';
}

/** The probe is public, so failure details go to the log, not the response. */
const FAILED: HealthCheck = { status: 'down', detail: 'check failed; see the node log' };

/** Registers health and metrics. */
export function registerHealthRoutes(app: ApiApp, deps: RouteDeps): void {
  const { stores, health, registry, options } = deps;

  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['node'],
        summary: 'Health of the node',
        description: '200 when ok or degraded, 503 when a component is down. Needs no credentials.',
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (request, reply) => {
      const checks: Record<string, HealthCheck> = {};
      try {
        await stores.ping();
        checks['auth-store'] = { status: 'ok' };
      } catch (err) {
        request.log.error({ err }, 'health: auth store check failed');
        checks['auth-store'] = FAILED;
      }
      if (health) {
        try {
          Object.assign(checks, await health());
        } catch (err) {
          request.log.error({ err }, 'health: node probe failed');
          checks['node'] = FAILED;
        }
      }
      const status = overall(checks);
      return reply.code(status === 'down' ? 503 : 200).send({ status, checks });
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: options.metricsAuth === 'none' ? 'public' : ['admin', 'analyst', 'viewer'] },
      schema: {
        tags: ['node'],
        summary: 'Prometheus metrics',
        description:
          options.metricsAuth === 'none'
            ? 'Prometheus text exposition format. Open (metricsAuth: none).'
            : 'Prometheus text exposition format. Needs a token of an admin, analyst or viewer of the default tenant.',
        produces: ['text/plain'],
        response: { 200: z.string(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      if (options.metricsAuth !== 'none' && authOf(request).tenant !== DEFAULT_TENANT) {
        throw new AppError('FORBIDDEN', 'node metrics are for the default tenant (the node operator)');
      }
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
}
