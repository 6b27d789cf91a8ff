/**
 * @module
 * `buildApi(deps)`: the Fastify application of a node's HTTP API, with authentication, roles,
 * tenant scoping, audit, OpenAPI 3.1 at `/api/docs`, health and Prometheus metrics. The caller
 * (the `serve` command) listens; tests use `inject`.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Config } from '@intersoc/core';
import type { AuthStores } from '@intersoc/storage';
import { installAccess } from './access/access-hooks.js';
import { AuthChanges } from './access/auth-watch.js';
import type { RouteAccess } from './access/request-state.js';
import { installAudit } from './audit/audit-hook.js';
import { registerAuditRoutes } from './audit/routes.js';
import { createAuthenticator } from './auth/authenticator.js';
import type { Authenticator } from './auth/authenticator.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { registerAuthRoutes } from './auth/routes.js';
import { installErrorHandling } from './errors/error-handler.js';
import { registerEventRoutes } from './events/routes.js';
import { registerHealthRoutes } from './health/routes.js';
import type { ApiApp, ResolvedApiOptions, RouteDeps } from './internal/app-types.js';
import { createLogger } from './logging/logger.js';
import { installResponseView, type ResponseView } from './privacy/view-hook.js';
import { registerDocs } from './openapi/docs.js';
import type { HealthProbe, IngestService, SearchService } from './services.js';
import { registerTenantRoutes } from './tenants/routes.js';
import { registerTokenRoutes } from './tokens/routes.js';
import { registerUserRoutes } from './users/routes.js';

/** Options of the API; every field has a default. */
export interface ApiOptions {
  /** Session lifetime (config `auth.sessionTtlSeconds`); default 8 hours. */
  readonly sessionTtlSeconds?: number;
  /** Largest ingest body, bytes, after decompression too (config `http.bodyLimit`); default 32 MiB. */
  readonly bodyLimit?: number;
  /** Largest JSON body of the other routes; default 1 MiB. */
  readonly jsonBodyLimit?: number;
  /** `token` (default): `/metrics` needs an admin, analyst or viewer of the default tenant. `none`: open. */
  readonly metricsAuth?: 'token' | 'none';
  /** Mark the session cookie `Secure` (set when TLS terminates in front of the node); default false. */
  readonly secureCookies?: boolean;
  /**
   * Which reverse proxies to believe for `X-Forwarded-For`/`-Proto` (config `http.trustProxy`):
   * false (default), a hop count, or proxy addresses/CIDRs.
   */
  readonly trustProxy?: boolean | number | string | readonly string[];
  /** Browser origins, besides the node's own, allowed to make cookie-authenticated changes (config `http.allowedOrigins`). */
  readonly allowedOrigins?: readonly string[];
  /** Version shown in the API description. */
  readonly version?: string;
  /** How often the audit chains' heads are signed (when the stores have a key ring); default 60 s. */
  readonly auditCheckpointMs?: number;
}

/** What the API is built from. */
export interface ApiDeps {
  readonly stores: AuthStores;
  readonly services: { readonly ingest: IngestService; readonly search: SearchService };
  /** Registry `/metrics` exposes; the API adds its HTTP request metrics to it. */
  readonly registry: Registry;
  /** A pino-compatible logger (see `createLogger`); a silent one when omitted. */
  readonly logger?: FastifyBaseLogger;
  readonly options?: ApiOptions;
  /** Extra health checks (pipeline, event store). */
  readonly health?: HealthProbe;
  /** Login throttle; pass one to share it or to control its clock in tests. */
  readonly throttle?: LoginThrottle;
  /** Rewrites every JSON answer for its caller (pseudonymised triage, restriction of processing). */
  readonly view?: ResponseView;
}

/** One registered route and who may call it. */
export interface RouteInfo {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
  /** Audit action, for mutating routes. */
  readonly audit?: string;
}

/** The built API and the authenticator it uses (for other servers, such as TAXII, to share). */
export interface BuiltApi {
  readonly app: FastifyInstance;
  readonly authenticator: Authenticator;
  /** Every route with its declared access (HEAD twins omitted). */
  readonly routes: readonly RouteInfo[];
}

/** API options from the node configuration. */
export function apiOptionsFromConfig(config: Config): ApiOptions {
  return {
    sessionTtlSeconds: config.auth.sessionTtlSeconds,
    bodyLimit: config.http.bodyLimit,
    secureCookies: config.http.secureCookies,
    trustProxy: config.http.trustProxy,
    allowedOrigins: config.http.allowedOrigins,
  };
}

/** Fastify's option: a hop count becomes the function Fastify would build from it (its types omit numbers). */
function trustProxyOption(
  v: ApiOptions['trustProxy'],
): boolean | string | string[] | ((address: string, hop: number) => boolean) {
  if (v === undefined) return false;
  if (typeof v === 'number') return (_address, hop) => hop < v;
  return typeof v === 'object' ? [...v] : v;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function resolveOptions(o: ApiOptions = {}): ResolvedApiOptions {
  return {
    sessionTtlSeconds: o.sessionTtlSeconds ?? 8 * 3600,
    bodyLimit: o.bodyLimit ?? 32 * 1024 * 1024,
    jsonBodyLimit: o.jsonBodyLimit ?? 1024 * 1024,
    metricsAuth: o.metricsAuth ?? 'token',
    secureCookies: o.secureCookies ?? false,
    allowedOrigins: o.allowedOrigins ?? [],
  };
}

function httpMetrics(registry: Registry): { requests: Counter<string>; duration: Histogram<string> } {
  // Reuse metrics already registered, so two API instances can share one registry.
  const requests =
    (registry.getSingleMetric('intersoc_http_requests_total') as Counter<string> | undefined) ??
    new Counter({
      name: 'intersoc_http_requests_total',
      help: 'HTTP requests served, by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
  const duration =
    (registry.getSingleMetric('intersoc_http_request_duration_seconds') as Histogram<string> | undefined) ??
    new Histogram({
      name: 'intersoc_http_request_duration_seconds',
      help: 'HTTP request duration, by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  return { requests, duration };
}

/**
 * Builds the API. Every route declares its roles; every mutating call is audited; every error
 * is `{ error: { code, message, details? } }`. More routes may be added before `listen`; they
 * get the same authentication, audit and error handling.
 *
 * @example
 * const { app } = await buildApi({ stores, services: { ingest, search }, registry, logger });
 * await app.listen({ host: '127.0.0.1', port: 8080 });
 */
export async function buildApi(deps: ApiDeps): Promise<BuiltApi> {
  const options = resolveOptions(deps.options);
  const throttle = deps.throttle ?? new LoginThrottle();
  const authenticator = createAuthenticator({ stores: deps.stores, throttle });
  const app = Fastify({
    loggerInstance: deps.logger ?? createLogger({ level: 'silent' }),
    bodyLimit: options.jsonBodyLimit,
    trustProxy: trustProxyOption(deps.options?.trustProxy),
    requestIdHeader: false,
    // A client's X-Request-ID is kept when it is short and plain, so it cannot forge log lines.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>() as ApiApp;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installAccess(app, authenticator, { allowedOrigins: options.allowedOrigins, changes: new AuthChanges() });
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' || route.config?.access === undefined) continue;
      const audit = route.config.audit;
      routes.push({ method, url: route.url, access: route.config.access, ...(audit === undefined ? {} : { audit }) });
    }
  });
  installAudit(app, deps.stores.audit);
  if (deps.view) installResponseView(app as unknown as FastifyInstance, deps.view);
  // Signed checkpoints bound what deleting the newest entries can hide to one period.
  const checkpoint = (): Promise<void> =>
    deps.stores.audit.checkpoint().then(
      () => undefined,
      (err: unknown) => app.log.error({ err }, 'audit checkpoint failed'),
    );
  const checkpoints = setInterval(() => void checkpoint(), deps.options?.auditCheckpointMs ?? 60_000);
  checkpoints.unref();
  // After the audit hook's own onClose (which writes pending refusal counts), so they are covered.
  app.addHook('onClose', async () => {
    clearInterval(checkpoints);
    await checkpoint();
  });

  const metrics = httpMetrics(deps.registry);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    // Answers carry tenant data and credentials: never cached, never sniffed as another type.
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  await registerDocs(app, { version: deps.options?.version ?? '0.1.0' });
  const routeDeps: RouteDeps = {
    stores: deps.stores,
    ingest: deps.services.ingest,
    search: deps.services.search,
    registry: deps.registry,
    authenticator,
    throttle,
    health: deps.health,
    options,
  };
  registerHealthRoutes(app, routeDeps);
  registerAuthRoutes(app, routeDeps);
  registerTenantRoutes(app, routeDeps);
  registerUserRoutes(app, routeDeps);
  registerTokenRoutes(app, routeDeps);
  registerAuditRoutes(app, routeDeps);
  await registerEventRoutes(app, routeDeps);
  // Not made ready here: the node may add routes of its own (each must declare
  // `config.access`, and mutating ones `config.audit`) before it listens.
  return { app: app as unknown as FastifyInstance, authenticator, routes };
}
