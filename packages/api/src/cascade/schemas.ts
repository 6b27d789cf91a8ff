/**
 * @module
 * HTTP shapes of the cascade routes and the service the node implements behind them. The API
 * package does not depend on `@intersoc/cascade`: these schemas describe what crosses HTTP.
 */
import { z } from 'zod';
import type { AuthContext } from '@intersoc/core';

const Id = z.string().min(1).max(256);
const Hours = z.number();

/** A graph's summary. */
export const GraphInfoSchema = z.object({
  name: z.string(),
  created: z.number(),
  updated: z.number(),
  version: z.number().int(),
  entities: z.number().int(),
  dependencies: z.number().int(),
  source: z.string(),
});

/** An entity. */
export const EntityViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string().optional(),
  sector: z.string().optional(),
  org: z.string().optional(),
  location: z.string().optional(),
  minInputs: z.number().int(),
  buffers: z.record(z.string(), z.number()),
  asset: z.string().optional(),
  peer: z.string().optional(),
  lat: z.number().optional(),
  lon: z.number().optional(),
});

/** A dependency. */
export const DependencyViewSchema = z.object({
  source: z.string(),
  target: z.string(),
  type: z.string(),
  strength: z.number(),
  ttiHours: Hours,
  recoveryHours: Hours,
});

/** A graph for display. */
export const GraphViewSchema = z.object({
  info: GraphInfoSchema,
  entities: z.array(EntityViewSchema).readonly(),
  dependencies: z.array(DependencyViewSchema).readonly(),
  truncated: z.boolean(),
});

const FailureSchema = z.object({
  id: z.string(),
  at: Hours,
  round: z.number().int(),
  kind: z.string(),
  name: z.string().optional(),
  sector: z.string().optional(),
  org: z.string().optional(),
});

const SectorSchema = z.object({
  sector: z.string(),
  failed: z.number().int(),
  total: z.number().int(),
  firstHours: Hours,
});
const OrgSchema = z.object({
  org: z.string(),
  name: z.string().optional(),
  sector: z.string().optional(),
  peer: z.string().optional(),
  failed: z.number().int(),
  firstHours: Hours,
});

/** The result of a what-if. */
export const ImpactViewSchema = z.object({
  seeds: z.array(z.string()).readonly(),
  failed: z.array(z.string()).readonly(),
  steps: z.array(z.array(z.string()).readonly()).readonly(),
  timeline: z.array(FailureSchema).readonly(),
  sectors: z.array(SectorSchema).readonly(),
  organisations: z.array(OrgSchema).readonly(),
  atRisk: z.array(FailureSchema).readonly(),
  monteCarlo: z
    .object({
      runs: z.number().int(),
      horizons: z.array(z.number()).readonly(),
      entities: z
        .array(
          z.object({
            id: z.string(),
            probability: z.number(),
            meanHours: z.number(),
            p10Hours: z.number(),
            p50Hours: z.number(),
            p90Hours: z.number(),
            byHorizon: z.array(z.number()).readonly(),
          }),
        )
        .readonly(),
    })
    .optional(),
  view: z.object({
    entities: z.array(EntityViewSchema).readonly(),
    dependencies: z.array(DependencyViewSchema).readonly(),
    truncated: z.boolean(),
  }),
});

/** What-if request. */
export const WhatIfBodySchema = z.object({
  fail: z.array(Id).min(1).max(1000),
  runs: z.number().int().min(0).max(10_000).default(0),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .optional(),
  at: z.record(Id, z.number().min(0).max(1e6)).optional(),
});

/** Criticality. */
export const CriticalityViewSchema = z.object({
  entities: z
    .array(
      z.object({
        id: z.string(),
        removalImpact: z.number().int().optional(),
        betweenness: z.number(),
        articulation: z.boolean(),
      }),
    )
    .readonly(),
  betweenness: z.enum(['exact', 'sampled']),
  impactComputed: z.number().int(),
  articulationPoints: z.number().int(),
});

/** IIM request. */
export const IimBodySchema = z.object({
  matrix: z.array(z.array(z.number()).max(1000)).max(1000).optional(),
  perturbation: z.array(z.number()).min(1).max(1000),
  dynamic: z
    .object({
      recovery: z.array(z.number().positive()).max(1000).optional(),
      steps: z.number().int().min(1).max(10_000).default(168),
      lasting: z.number().int().min(0).max(10_000).default(1),
    })
    .optional(),
});

/** IIM result. */
export const IimViewSchema = z.object({
  q: z.array(z.number()).readonly(),
  sectors: z.array(z.string()).readonly().optional(),
  warnings: z.array(z.string()).readonly(),
  series: z.array(z.array(z.number()).readonly()).readonly().optional(),
});

/** The default sector model. */
export const SectorModelSchema = z.object({
  sectors: z.array(z.string()).readonly(),
  matrix: z.array(z.array(z.number()).readonly()).readonly(),
  recoveryHours: z.array(z.number()).readonly(),
  source: z.string(),
});

const GraphImpactSchema = z.object({
  graph: z.string(),
  seeds: z.array(z.string()).readonly(),
  failed: z.number().int(),
  timeline: z.array(FailureSchema).readonly(),
  sectors: z.array(SectorSchema).readonly(),
  organisations: z.array(OrgSchema).readonly(),
  atRisk: z.array(FailureSchema).readonly(),
  probability: z.record(z.string(), z.number()),
});

/** The cascade impact of an incident. */
export const IncidentImpactSchema = z.object({
  incident: z.string(),
  computed: z.number(),
  start: z.number(),
  hosts: z.array(z.string()).readonly(),
  graphs: z.array(GraphImpactSchema).readonly(),
});

/** A cascade warning, sent or received. */
export const WarningViewSchema = z.object({
  direction: z.enum(['sent', 'received']),
  peer: z.string(),
  time: z.number(),
  warning: z.object({
    id: z.string(),
    fromOrg: z.string(),
    fromSector: z.string().optional(),
    toOrg: z.string(),
    toPeer: z.string(),
    originTime: z.string(),
    failed: z
      .array(z.object({ entity: z.string(), sector: z.string().optional(), org: z.string().optional(), hours: Hours }))
      .readonly(),
    threatened: z
      .array(z.object({ entity: z.string(), org: z.string(), hours: Hours, probability: z.number() }))
      .readonly(),
    confidence: z.number(),
    hops: z.number().int(),
    path: z.array(z.string()).readonly(),
    summary: z.string(),
  }),
  local: IncidentImpactSchema.optional(),
});

/** Outcome of sharing a graph's cross-organisation dependencies. */
export const ShareEdgesViewSchema = z.object({
  peers: z.record(z.string(), z.number().int()),
});

/** Import request. */
export const ImportBodySchema = z.object({
  format: z.enum(['csv', 'json', 'graphml', 'stix', 'edgelist']).optional(),
  content: z.union([z.string().max(32 * 1024 * 1024), z.record(z.string(), z.unknown()), z.array(z.unknown())]),
  merge: z.boolean().default(false),
});

/** Import result. */
export const ImportViewSchema = z.object({
  info: GraphInfoSchema,
  format: z.string(),
  warnings: z.array(z.string()).readonly(),
});

type Out<T extends z.ZodType> = z.input<T>;

/** The cascade service a node implements; every call takes the caller's context. */
export interface CascadeApiService {
  graphs(ctx: AuthContext): Promise<Out<typeof GraphInfoSchema>[]>;
  graph(ctx: AuthContext, name: string, limit: number): Promise<Out<typeof GraphViewSchema>>;
  importGraph(
    ctx: AuthContext,
    name: string,
    req: z.output<typeof ImportBodySchema>,
  ): Promise<Out<typeof ImportViewSchema>>;
  deleteGraph(ctx: AuthContext, name: string): Promise<boolean>;
  exportGraph(ctx: AuthContext, name: string, format: 'graphml' | 'stix'): Promise<string>;
  whatIf(ctx: AuthContext, name: string, req: z.output<typeof WhatIfBodySchema>): Promise<Out<typeof ImpactViewSchema>>;
  criticality(ctx: AuthContext, name: string, top: number): Promise<Out<typeof CriticalityViewSchema>>;
  iim(ctx: AuthContext, req: z.output<typeof IimBodySchema>): Promise<Out<typeof IimViewSchema>>;
  sectors(ctx: AuthContext): Promise<Out<typeof SectorModelSchema>>;
  incidentImpact(ctx: AuthContext, incident: string): Promise<Out<typeof IncidentImpactSchema> | undefined>;
  warnings(ctx: AuthContext): Promise<Out<typeof WarningViewSchema>[]>;
  shareEdges(ctx: AuthContext, name: string): Promise<Out<typeof ShareEdgesViewSchema>>;
}
