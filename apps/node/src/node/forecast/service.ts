/**
 * @module
 * The node's forecast API service: forecasts and warnings from the forecast service, and the
 * incident view's "likely next" from the next-step model (the released model plus the tenant's
 * closed incidents, rebuilt every few minutes), each next technique with the tenant's Sigma rules
 * for it, whether they are enabled, a hunt over the last days' events, and the coverage gap.
 */
import type { AuthContext } from '@intersoc/core';
import type { ForecastApiService, RuleInfo, RuleService } from '@intersoc/api';
import type { IncidentStore } from '@intersoc/correlate';
import {
  extendModel,
  NextStepModel,
  releasedModelData,
  type ForecastService,
  type NextStepModelData,
  type SectorCount,
} from '@intersoc/forecast';
import { huntQuery } from './hunt.js';
import { closedSequences, incidentSequence } from './next-steps.js';

/** How long a tenant's model (released + its closed incidents) is reused. */
const MODEL_TTL_MS = 10 * 60_000;

/** What the service is built from. */
export interface ForecastServiceDeps {
  readonly forecasts: ForecastService;
  /** The tenant's daily technique counts for sharing with a sector (see `sector-share.ts`). */
  readonly sectorCounts: (ctx: AuthContext, sector: string, days: number) => SectorCount[];
  /** `SqliteIncidentStore` on a node, `PgIncidentStore` in the api role. */
  readonly incidents: IncidentStore;
  readonly rules: RuleService;
  readonly now?: () => number;
}

const parent = (t: string): string => t.split('.')[0] ?? t;

/** Rules that detect technique `t`: tagged with it, its parent, or one of its sub-techniques. */
export function rulesFor(rules: readonly RuleInfo[], t: string): RuleInfo[] {
  return rules.filter((r) => r.techniques.some((x) => x === t || x === parent(t) || parent(x) === t));
}

/**
 * Coverage of a technique: `no-rule` without rules, `disabled` when all are off, `no-data` when
 * the enabled ones look at a log source the node has no alert from at all (no evidence that the
 * telemetry arrives), else `covered`.
 */
export function coverageOf(
  matched: readonly RuleInfo[],
  all: readonly RuleInfo[],
): { coverage: 'covered' | 'disabled' | 'no-rule' | 'no-data'; gap?: string } {
  if (matched.length === 0) return { coverage: 'no-rule', gap: 'the node has no rule for this technique' };
  const enabled = matched.filter((r) => r.enabled);
  if (enabled.length === 0) return { coverage: 'disabled', gap: 'every rule for this technique is disabled' };
  const source = (r: RuleInfo): string =>
    r.logsource['product'] ?? r.logsource['category'] ?? r.logsource['service'] ?? '';
  const seen = new Set(all.filter((r) => r.hits > 0).map(source));
  if (!enabled.some((r) => r.hits > 0 || seen.has(source(r))))
    return {
      coverage: 'no-data',
      gap: `no alert has ever come from ${[...new Set(enabled.map(source))].join(', ') || 'these log sources'}: the data may not arrive`,
    };
  return { coverage: 'covered' };
}

/** Builds the API service. */
export function forecastApiService(d: ForecastServiceDeps): ForecastApiService {
  const now = d.now ?? Date.now;
  const models = new Map<string, { at: number; model: NextStepModel }>();
  const modelFor = (ctx: AuthContext): NextStepModel => {
    const hit = models.get(ctx.tenant);
    if (hit && now() - hit.at < MODEL_TTL_MS) return hit.model;
    const base: NextStepModelData = releasedModelData();
    const sequences = closedSequences(d.incidents, ctx);
    const model = new NextStepModel(
      sequences.length > 0
        ? extendModel(base, { name: `closed incidents of ${ctx.tenant}`, kind: 'incidents', sequences })
        : base,
    );
    models.set(ctx.tenant, { at: now(), model });
    return model;
  };

  return {
    async list(ctx, granularity) {
      return d.forecasts.list(ctx, granularity);
    },
    async get(ctx, series, granularity) {
      const f = d.forecasts.get(ctx, series, granularity);
      return f ? { ...f, backtest: { ...f.backtest, candidates: { ...f.backtest.candidates } } } : undefined;
    },
    async refresh(ctx) {
      return d.forecasts.refresh(ctx);
    },
    async warnings(ctx, limit) {
      return d.forecasts.warnings(ctx, limit);
    },
    async addSectorCounts(ctx, rows) {
      return d.forecasts.addSectorCounts(ctx, rows);
    },
    async sector(ctx) {
      return d.forecasts.sectorTrends(ctx);
    },
    async refreshSector(ctx) {
      return d.forecasts.refreshSector(ctx);
    },
    async exportSector(ctx, sector, days) {
      return { counts: d.sectorCounts(ctx, sector, days) };
    },
    async predict(ctx, techniques, top) {
      return modelFor(ctx).predict(techniques, top);
    },
    async incidentNext(ctx, id, top, window) {
      const incident = d.incidents.get(ctx, id);
      if (!incident) return undefined;
      const model = modelFor(ctx);
      const observed = incidentSequence(incident);
      const p = model.predict(observed, top);
      const all = (await d.rules.list(ctx)).rules;
      const { from, to } = window;
      return {
        incident: incident.id,
        observed,
        tactics: p.tactics.map((t) => ({ ...t, name: model.data.tacticNames[t.id] ?? t.id })),
        techniques: p.techniques.map((t) => {
          const matched = rulesFor(all, t.id);
          const query = huntQuery(matched);
          return {
            id: t.id,
            name: model.data.catalog[t.id]?.name ?? t.id,
            score: t.score,
            tactics: model.tacticsOf(t.id),
            rules: matched.map((r) => ({ key: r.key, title: r.title, enabled: r.enabled, hits: r.hits })),
            hunt: query ? { query, from, to } : null,
            ...coverageOf(matched, all),
          };
        }),
        model: { sources: model.data.sources.map((s) => ({ name: s.name, items: s.items, examples: s.examples })) },
      };
    },
  };
}
