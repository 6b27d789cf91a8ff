/**
 * @module
 * Learned detection models of the caller's tenant: `GET /api/ml/models` (every version),
 * `GET /api/ml/models/:name` (one version with its parameters, training record and features),
 * `GET /api/ml/models/:name/drift` (PSI per feature against the training rows),
 * `POST /api/ml/models/:name/deploy` (run a version as the tenant's detector; the node's parse
 * workers pick it up within seconds), `POST /api/ml/models/:name/retrain` (a new version from
 * analysts' verdicts on the model's alerts) and `POST /api/ml/models/:name/retire`. Viewers read,
 * analysts and admins deploy and retire; every call is scoped to the caller's tenant.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuthContext } from '@intersoc/core';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { READERS, TenantParam, WRITERS } from '../dashboard/common.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';

/** A model version as the API shows it. */
export const ModelSummarySchema = z.object({
  name: z.string(),
  version: z.number().int(),
  algorithm: z.string(),
  status: z.enum(['trained', 'deployed', 'retired']),
  created: z.number(),
  deployed: z.number().optional(),
  features: z.number().int(),
  classes: z.array(z.string()).readonly(),
  benign: z.string(),
  threshold: z.number(),
  dataHash: z.string().optional(),
  metrics: z.record(z.string(), z.unknown()),
  lineage: z.record(z.string(), z.unknown()).optional(),
});

/** One version in full (without its trees). */
export const ModelDetailSchema = ModelSummarySchema.extend({
  params: z.record(z.string(), z.unknown()),
  training: z.record(z.string(), z.unknown()),
  targetFpr: z.number().optional(),
  schema: z.object({
    label: z.string(),
    benign: z.string(),
    classes: z.array(z.string()).readonly(),
    features: z.array(z.object({ name: z.string(), kind: z.string() })).readonly(),
  }),
});

type Summary = z.infer<typeof ModelSummarySchema>;
type Detail = z.infer<typeof ModelDetailSchema>;

/** What the routes need from the node (the model registry). */
export interface MlApiService {
  list(ctx: AuthContext): Promise<readonly Summary[]>;
  show(ctx: AuthContext, name: string, version?: number): Promise<Detail>;
  deploy(ctx: AuthContext, name: string, version?: number): Promise<Summary>;
  retire(ctx: AuthContext, name: string, version?: number): Promise<{ retired: number }>;
  /** PSI per feature between the training rows and the window's rows of the model's kind. */
  drift(
    ctx: AuthContext,
    name: string,
    o: { version?: number; hours?: number; from?: number; to?: number },
  ): Promise<Drift>;
  /** A new version from the original data plus analysts' verdicts on the model's alerts. */
  retrain(ctx: AuthContext, name: string, o: { version?: number; repeat?: number }): Promise<Retrain>;
}

/** What a retrain made: lineage and both versions' figures on the same held-out rows. */
export const RetrainSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  parent: z.number().int(),
  algorithm: z.string(),
  baseRows: z.number().int(),
  added: z.object({ falsePositives: z.number().int(), truePositives: z.number().int(), repeat: z.number().int() }),
  withoutVector: z.number().int(),
  verdictsHash: z.string(),
  dataHash: z.string(),
  baseDataHash: z.string(),
  sameBaseData: z.boolean(),
  seconds: z.number(),
  validation: z.object({ parent: z.record(z.string(), z.unknown()), retrained: z.record(z.string(), z.unknown()) }),
  verdictRows: z.object({
    parent: z.object({ falsePositives: z.number().int(), truePositives: z.number().int() }),
    retrained: z.object({ falsePositives: z.number().int(), truePositives: z.number().int() }),
  }),
});
type Retrain = z.infer<typeof RetrainSchema>;

/** A model's input drift over a window. */
export const DriftSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  from: z.number(),
  to: z.number(),
  rows: z.number().int(),
  scannedEvents: z.number().int(),
  status: z.enum(['stable', 'moderate', 'drifted', 'unknown']),
  maxPsi: z.number(),
  features: z.array(z.object({ feature: z.string(), psi: z.number() })).readonly(),
  reason: z.string().optional(),
});
type Drift = z.infer<typeof DriftSchema>;

const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'not a model name');
const Version = z.coerce.number().int().min(1).max(1_000_000);

/** Registers the model routes. */
export function registerMlRoutes(fastify: FastifyInstance, deps: { readonly ml: MlApiService }): void {
  const app = fastify as unknown as ApiApp;
  const { ml } = deps;

  app.get(
    '/api/ml/models',
    {
      config: { access: READERS },
      schema: {
        tags: ['ml'],
        summary: "The tenant's model versions with their status and validation figures",
        querystring: z.object(TenantParam),
        response: { 200: z.object({ items: z.array(ModelSummarySchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await ml.list(scopeFor(request, request.query.tenant)) }),
  );

  app.get(
    '/api/ml/models/:name',
    {
      config: { access: READERS },
      schema: {
        tags: ['ml'],
        summary: 'One model version (the newest by default): parameters, training record, features, metrics',
        params: z.object({ name: Name }),
        querystring: z.object({ version: Version.optional(), ...TenantParam }),
        response: { 200: ModelDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => ml.show(scopeFor(request, request.query.tenant), request.params.name, request.query.version),
  );

  app.get(
    '/api/ml/models/:name/drift',
    {
      config: { access: READERS },
      schema: {
        tags: ['ml'],
        summary:
          'Input drift of a model (the deployed version, else the newest): PSI per feature between its training rows and the events it reads in the window (`from`/`to`, else the last `hours`, default 24)',
        params: z.object({ name: Name }),
        querystring: z.object({
          version: Version.optional(),
          hours: z.coerce.number().positive().max(9600).optional(),
          from: z.coerce.number().int().optional(),
          to: z.coerce.number().int().optional(),
          ...TenantParam,
        }),
        response: { 200: DriftSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      ml.drift(scopeFor(request, request.query.tenant), request.params.name, {
        ...(request.query.version === undefined ? {} : { version: request.query.version }),
        ...(request.query.hours === undefined ? {} : { hours: request.query.hours }),
        ...(request.query.from === undefined ? {} : { from: request.query.from }),
        ...(request.query.to === undefined ? {} : { to: request.query.to }),
      }),
  );

  app.post(
    '/api/ml/models/:name/deploy',
    {
      config: { access: WRITERS, audit: 'ml.deploy' },
      schema: {
        tags: ['ml'],
        summary: "Run a version (the newest by default) as the tenant's detector; the name's earlier one stops",
        params: z.object({ name: Name }),
        querystring: z.object(TenantParam),
        body: z.object({ version: Version.optional() }).strict(),
        response: { 200: ModelSummarySchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await ml.deploy(scopeFor(request, request.query.tenant), request.params.name, request.body.version);
      noteAudit(request, { target: `model ${r.name}`, details: { version: r.version } });
      return r;
    },
  );

  app.post(
    '/api/ml/models/:name/retrain',
    {
      config: { access: WRITERS, audit: 'ml.retrain' },
      schema: {
        tags: ['ml'],
        summary:
          "Train a new version from the parent's original data plus analysts' verdicts on its alerts (false positives closed in the queue or in cases, true positives in cases); the figures of both on the same held-out rows",
        params: z.object({ name: Name }),
        querystring: z.object(TenantParam),
        body: z.object({ version: Version.optional(), repeat: z.number().int().min(1).max(100).optional() }).strict(),
        response: { 200: RetrainSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await ml.retrain(scopeFor(request, request.query.tenant), request.params.name, {
        ...(request.body.version === undefined ? {} : { version: request.body.version }),
        ...(request.body.repeat === undefined ? {} : { repeat: request.body.repeat }),
      });
      noteAudit(request, {
        target: `model ${r.name}`,
        details: { version: r.version, parent: r.parent, ...r.added, verdictsHash: r.verdictsHash },
      });
      return r;
    },
  );

  app.post(
    '/api/ml/models/:name/retire',
    {
      config: { access: WRITERS, audit: 'ml.retire' },
      schema: {
        tags: ['ml'],
        summary: 'Retire a version, or every version of the name',
        params: z.object({ name: Name }),
        querystring: z.object(TenantParam),
        body: z.object({ version: Version.optional() }).strict(),
        response: { 200: z.object({ retired: z.number().int() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await ml.retire(scopeFor(request, request.query.tenant), request.params.name, request.body.version);
      noteAudit(request, {
        target: `model ${request.params.name}`,
        details: { retired: r.retired, ...(request.body.version ? { version: request.body.version } : {}) },
      });
      return r;
    },
  );
}
