/**
 * @module
 * HTTP shapes of the forecast routes and the service the node implements behind them. The API
 * package does not depend on `@intersoc/forecast`: these schemas describe what crosses HTTP.
 */
import { z } from 'zod';
import type { AuthContext } from '@intersoc/core';

type Out<T extends z.ZodType> = z.output<T>;

export const GranularitySchema = z.enum(['hour', 'day']);
const Model = z.enum(['snaive', 'ets', 'mstl', 'median']);
const Mase = z.number().nullable();

/** A series' forecast in a list. */
export const ForecastSummarySchema = z.object({
  series: z.string(),
  kind: z.string(),
  granularity: GranularitySchema,
  made: z.number(),
  model: Model,
  mase: Mase,
  baseline_mase: Mase,
  last: z.number(),
  next: z.number(),
  seasonalLevel: z.number(),
});

const BandPoint = z.object({
  value: z.number(),
  lo80: z.number(),
  hi80: z.number(),
  lo95: z.number(),
  hi95: z.number(),
});

/** One forecast with the history it was fitted on. */
export const ForecastDetailSchema = z.object({
  series: z.string(),
  kind: z.string(),
  granularity: GranularitySchema,
  made: z.number(),
  start: z.number(),
  step: z.number(),
  history: z.array(z.number()).readonly(),
  model: Model,
  points: z.array(BandPoint).readonly(),
  backtest: z.object({
    mase: Mase,
    baseline_mase: Mase,
    folds: z.number().int(),
    horizon: z.number().int(),
    candidates: z.record(z.string(), z.number()),
  }),
  seasonalLevel: z.number(),
});

/** An early warning. */
export const ForecastWarningSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  time: z.number(),
  series: z.string(),
  kind: z.enum(['above-band', 'below-band', 'rising']),
  actual: z.number(),
  expected: z.number(),
  ratio: z.number(),
  band: z.object({ lo95: z.number(), hi95: z.number() }).optional(),
  history: z.object({ from: z.number(), to: z.number(), points: z.number().int(), model: Model }),
  message: z.string(),
});

/** A sector technique's trend. */
export const SectorTrendSchema = z.object({
  sector: z.string(),
  technique: z.string(),
  members: z.number().int(),
  lastWeek: z.number(),
  seasonalLevel: z.number(),
  forecastPerDay: z.number(),
  ratio: z.number(),
  direction: z.enum(['rising', 'falling', 'steady']),
  message: z.string(),
  model: Model,
  mase: Mase,
  baseline_mase: Mase,
});

/** Counts a member shares for the sector view (pseudonymised by the member). */
export const SectorCountSchema = z.object({
  sector: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a lower-case slug'),
  technique: z.string().regex(/^T\d{4}(\.\d{3})?$/, 'an ATT&CK technique id'),
  member: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'a pseudonym'),
  day: z.number().int().nonnegative(),
  count: z.number().int().min(0).max(1e9),
});

const Scored = z.object({ id: z.string(), score: z.number() });

/** A bare prediction (the CLI's shape). */
export const NextStepSchema = z.object({ tactics: z.array(Scored).readonly(), techniques: z.array(Scored).readonly() });

/** A likely next technique with what the node can do about it. */
export const LikelyNextSchema = z.object({
  id: z.string(),
  name: z.string(),
  score: z.number(),
  tactics: z.array(z.string()).readonly(),
  rules: z
    .array(z.object({ key: z.string(), title: z.string(), enabled: z.boolean(), hits: z.number().int() }))
    .readonly(),
  hunt: z.object({ query: z.string(), from: z.number(), to: z.number() }).nullable(),
  coverage: z.enum(['covered', 'disabled', 'no-rule', 'no-data']),
  gap: z.string().optional(),
});

/** The incident view's "likely next". */
export const IncidentNextSchema = z.object({
  incident: z.string(),
  observed: z.array(z.string()).readonly(),
  tactics: z.array(Scored.extend({ name: z.string() })).readonly(),
  techniques: z.array(LikelyNextSchema).readonly(),
  model: z.object({
    sources: z.array(z.object({ name: z.string(), items: z.number(), examples: z.number() })).readonly(),
  }),
});

/** What the node implements. */
export interface ForecastApiService {
  list(ctx: AuthContext, granularity?: 'hour' | 'day'): Promise<Out<typeof ForecastSummarySchema>[]>;
  get(
    ctx: AuthContext,
    series: string,
    granularity: 'hour' | 'day',
  ): Promise<Out<typeof ForecastDetailSchema> | undefined>;
  refresh(ctx: AuthContext): Promise<{ series: number; warnings: Out<typeof ForecastWarningSchema>[] }>;
  warnings(ctx: AuthContext, limit: number): Promise<Out<typeof ForecastWarningSchema>[]>;
  addSectorCounts(ctx: AuthContext, rows: Out<typeof SectorCountSchema>[]): Promise<number>;
  sector(ctx: AuthContext): Promise<Out<typeof SectorTrendSchema>[]>;
  refreshSector(
    ctx: AuthContext,
  ): Promise<{ trends: Out<typeof SectorTrendSchema>[]; warnings: Out<typeof ForecastWarningSchema>[] }>;
  /** This tenant's daily technique counts for a sector, under a pseudonym, ready for a national node. */
  exportSector(ctx: AuthContext, sector: string, days: number): Promise<{ counts: Out<typeof SectorCountSchema>[] }>;
  predict(ctx: AuthContext, techniques: readonly string[], top: number): Promise<Out<typeof NextStepSchema>>;
  incidentNext(
    ctx: AuthContext,
    id: string,
    top: number,
    hunt: { readonly from: number; readonly to: number },
  ): Promise<Out<typeof IncidentNextSchema> | undefined>;
}
