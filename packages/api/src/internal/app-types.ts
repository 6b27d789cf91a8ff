/**
 * @module
 * Types shared by the route modules: the Fastify instance with the zod type provider, the
 * dependencies every route module receives, and the standard error responses.
 */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AuthStores } from '@intersoc/storage';
import type { Authenticator } from '../auth/authenticator.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { ErrorBodySchema } from '../errors/error-table.js';
import type { HealthProbe, IngestService, SearchService } from '../services.js';
import type { Registry } from 'prom-client';

/** Fastify with zod schemas for validation, serialization and types. */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Resolved API options. */
export interface ResolvedApiOptions {
  readonly sessionTtlSeconds: number;
  readonly bodyLimit: number;
  readonly jsonBodyLimit: number;
  readonly metricsAuth: 'token' | 'none';
  readonly secureCookies: boolean;
  /** Browser origins besides the node's own allowed to make cookie-authenticated changes. */
  readonly allowedOrigins: readonly string[];
}

/** What every route module receives. */
export interface RouteDeps {
  readonly stores: AuthStores;
  readonly ingest: IngestService;
  readonly search: SearchService;
  readonly registry: Registry;
  readonly authenticator: Authenticator;
  readonly throttle: LoginThrottle;
  readonly health: HealthProbe | undefined;
  readonly options: ResolvedApiOptions;
}

/** Error responses every route documents. */
export const ERROR_RESPONSES = { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema } as const;
