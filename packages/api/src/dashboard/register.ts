/**
 * @module
 * `registerDashboardRoutes`: adds the routes the dashboard needs to a built API, for the
 * services the node provides. Call it after `buildApi` and before `listen`; the routes get the
 * API's authentication, roles, tenant scoping, audit and OpenAPI description like any other.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiApp } from '../internal/app-types.js';
import { registerEntityRoutes, type EntityService } from '../entities/routes.js';
import { registerEventToolRoutes } from '../event-tools/routes.js';
import { registerIntelRoutes } from '../intel/routes.js';
import { registerStixValidationRoute, type StixValidationService } from '../intel/validate-route.js';
import { registerLiveRoutes } from '../live/routes.js';
import { registerNodeStatusRoutes } from '../node-status/routes.js';
import { registerOverviewRoutes } from '../overview/routes.js';
import { registerRuleRoutes } from '../rules/routes.js';
import type {
  AlertFeed,
  AlertTriageService,
  IntelService,
  NodeStatusService,
  OverviewService,
  RuleService,
  SearchService,
  SocNetworkService,
} from '../services.js';
import { registerSocNetworkRoutes } from '../soc-network/routes.js';
import { registerTriageRoutes } from '../triage/routes.js';

/** The services behind the dashboard's routes; a route group is added only when its service is given. */
export interface DashboardServices {
  /** Event search (the same service `buildApi` got): alert details and exports read events through it. */
  readonly search: SearchService;
  readonly triage?: AlertTriageService;
  readonly feed?: AlertFeed;
  readonly overview?: OverviewService;
  readonly rules?: RuleService;
  readonly intel?: IntelService;
  /** STIX validation (`POST /api/intel/validate`). */
  readonly stixValidation?: StixValidationService;
  /** Federation; without it `GET /api/soc-network` reports that peering is not configured. */
  readonly network?: SocNetworkService;
  readonly node?: NodeStatusService;
  /** Host and user pages (`GET /api/entities/:kind/:name`). */
  readonly entities?: EntityService;
}

/**
 * Registers the dashboard's API routes on `app`.
 *
 * @example
 * const { app } = await buildApi(deps);
 * registerDashboardRoutes(app, { search, triage, feed, overview, rules, intel, node });
 * registerWebApp(app, { root });
 * await app.listen({ port: 8080 });
 */
export function registerDashboardRoutes(fastify: FastifyInstance, s: DashboardServices): void {
  const app = fastify as unknown as ApiApp;
  if (s.triage)
    registerTriageRoutes(app, { triage: s.triage, search: s.search, ...(s.rules ? { rules: s.rules } : {}) });
  if (s.feed) registerLiveRoutes(app, { feed: s.feed });
  if (s.overview) {
    registerOverviewRoutes(app, { overview: s.overview });
    registerEventToolRoutes(app, { overview: s.overview, search: s.search });
  }
  if (s.rules) registerRuleRoutes(app, { rules: s.rules });
  if (s.intel) registerIntelRoutes(app, { intel: s.intel });
  if (s.stixValidation) registerStixValidationRoute(app, { validation: s.stixValidation });
  registerSocNetworkRoutes(app, s.network ? { network: s.network } : {});
  if (s.node) registerNodeStatusRoutes(app, { node: s.node });
  if (s.entities) registerEntityRoutes(app, { entities: s.entities });
}
