/**
 * @module
 * What a set of failures does to a graph, in the terms a SOC reads: the rounds of the functional
 * cascade, the timeline (when each entity goes down), the sectors and organisations hit and
 * when, the services and organisations at risk, optionally the Monte Carlo probabilities, and a
 * bounded subgraph around the failures for the graph view.
 */
import { indexesOf } from '../model/compiled.js';
import type { DependencyGraph } from '../model/graph.js';
import type { CompiledGraph } from '../model/compiled.js';
import type { Dependency, Entity, EntityKind } from '../model/types.js';
import { cascadeRounds, cascadeTimes } from '../models/functional.js';
import { monteCarlo, type EntityRisk } from '../models/monte-carlo.js';

/** Options of an impact analysis. */
export interface ImpactOptions {
  /** Monte Carlo runs on top of the functional cascade (0: none). */
  readonly runs?: number;
  readonly seed?: number;
  /** Seeds failing later than now, hours (a warning says when a supplier is expected to fail). */
  readonly at?: Readonly<Record<string, number>>;
  /** Most entities in the returned subgraph (default 1,500). */
  readonly maxView?: number;
  /** Most Monte Carlo entities listed (default 500). */
  readonly maxRisks?: number;
}

/** One failure on the timeline, with what the analyst needs to read it. */
export interface ImpactFailure {
  readonly id: string;
  /** Hours after the seeds failed. */
  readonly at: number;
  /** Round of the functional cascade (0 = seed). */
  readonly round: number;
  readonly kind: EntityKind;
  readonly name?: string;
  readonly sector?: string;
  readonly org?: string;
}

/** Per sector. */
export interface SectorImpact {
  readonly sector: string;
  readonly failed: number;
  readonly total: number;
  /** Hours until its first failure. */
  readonly firstHours: number;
}

/** Per organisation. */
export interface OrgImpact {
  readonly org: string;
  readonly name?: string;
  readonly sector?: string;
  /** Federation node id when the organisation is a peer SOC. */
  readonly peer?: string;
  readonly failed: number;
  readonly firstHours: number;
}

/** The analysis. */
export interface Impact {
  readonly seeds: readonly string[];
  /** The `cascade impact --model functional` contract: every failed id and the rounds. */
  readonly failed: readonly string[];
  readonly steps: readonly (readonly string[])[];
  readonly timeline: readonly ImpactFailure[];
  readonly sectors: readonly SectorImpact[];
  readonly organisations: readonly OrgImpact[];
  /** Services and organisations that go down (what the incident puts at risk). */
  readonly atRisk: readonly ImpactFailure[];
  readonly monteCarlo?: {
    readonly runs: number;
    readonly horizons: readonly number[];
    readonly entities: readonly EntityRisk[];
  };
  /** Entities and dependencies around the failures (all of a small graph). */
  readonly view: {
    readonly entities: readonly Entity[];
    readonly dependencies: readonly Dependency[];
    readonly truncated: boolean;
  };
}

/** Analyses the failure of `seeds` in a graph. */
export function analyseImpact(
  graph: DependencyGraph,
  c: CompiledGraph,
  seeds: readonly string[],
  o: ImpactOptions = {},
): Impact {
  const rounds = cascadeRounds(c, seeds);
  const roundOf = new Map<string, number>();
  rounds.steps.forEach((s, r) => s.forEach((id) => roundOf.set(id, r)));
  const seedIdx = indexesOf(c, seeds).map((index) => ({ index, at: o.at?.[c.ids[index] as string] ?? 0 }));
  const times = cascadeTimes(c, seedIdx);
  const orgName = (id: string | undefined): string | undefined =>
    id === undefined ? undefined : graph.entity(id)?.name;
  const timeline: ImpactFailure[] = [];
  for (let i = 0; i < times.length; i++) {
    const t = times[i] as number;
    if (t === Number.POSITIVE_INFINITY) continue;
    const id = c.ids[i] as string;
    const e = graph.entity(id);
    const org = graph.orgOf(id);
    timeline.push({
      id,
      at: Math.round(t * 1000) / 1000,
      round: roundOf.get(id) ?? -1,
      kind: e?.kind ?? 'asset',
      ...(e?.name !== undefined ? { name: e.name } : {}),
      ...(e?.sector !== undefined
        ? { sector: e.sector }
        : org && graph.entity(org)?.sector !== undefined
          ? { sector: graph.entity(org)?.sector as string }
          : {}),
      ...(org !== undefined ? { org } : {}),
    });
  }
  timeline.sort((a, b) => a.at - b.at || a.round - b.round || (a.id < b.id ? -1 : 1));

  const totals = new Map<string, number>();
  for (const e of graph.entities()) {
    const s = e.sector ?? (e.org ? graph.entity(e.org)?.sector : undefined) ?? 'unknown';
    totals.set(s, (totals.get(s) ?? 0) + 1);
  }
  const sectors = new Map<string, { failed: number; first: number }>();
  const orgs = new Map<string, { failed: number; first: number }>();
  for (const f of timeline) {
    const s = f.sector ?? 'unknown';
    const cur = sectors.get(s) ?? { failed: 0, first: Number.POSITIVE_INFINITY };
    sectors.set(s, { failed: cur.failed + 1, first: Math.min(cur.first, f.at) });
    if (f.org !== undefined) {
      const o2 = orgs.get(f.org) ?? { failed: 0, first: Number.POSITIVE_INFINITY };
      orgs.set(f.org, { failed: o2.failed + 1, first: Math.min(o2.first, f.at) });
    }
  }
  const mc =
    o.runs && o.runs > 0
      ? monteCarlo(c, seeds, { runs: o.runs, ...(o.seed !== undefined ? { seed: o.seed } : {}) })
      : undefined;

  // The view: failures, then their direct suppliers and dependents, up to the limit.
  const max = o.maxView ?? 1500;
  const keep = new Set<string>();
  for (const f of timeline) {
    if (keep.size >= max) break;
    keep.add(f.id);
  }
  for (const f of timeline) {
    for (const n of [...graph.dependents(f.id), ...graph.suppliers(f.id)]) {
      if (keep.size >= max) break;
      keep.add(n);
    }
  }
  const truncated = keep.size < graph.entityCount;
  const viewEntities = [...keep].map((id) => graph.entity(id) as Entity);
  const viewDeps: Dependency[] = [];
  for (const id of keep)
    for (const s of graph.suppliers(id))
      if (keep.has(s)) viewDeps.push({ source: id, target: s, ...graph.g.getEdgeAttributes(id, s) });

  return {
    seeds: [...new Set(seeds)],
    failed: rounds.failed,
    steps: rounds.steps,
    timeline,
    sectors: [...sectors]
      .map(([sector, v]) => ({ sector, failed: v.failed, total: totals.get(sector) ?? v.failed, firstHours: v.first }))
      .sort((a, b) => a.firstHours - b.firstHours || b.failed - a.failed),
    organisations: [...orgs]
      .map(([org, v]) => {
        const e = graph.entity(org);
        return {
          org,
          failed: v.failed,
          firstHours: v.first,
          ...(orgName(org) !== undefined ? { name: orgName(org) as string } : {}),
          ...(e?.sector !== undefined ? { sector: e.sector } : {}),
          ...(e?.peer !== undefined ? { peer: e.peer } : {}),
        };
      })
      .sort((a, b) => a.firstHours - b.firstHours),
    atRisk: timeline.filter(
      (f) => f.kind === 'service' || f.kind === 'organisation' || (f.org !== undefined && f.round > 0),
    ),
    ...(mc
      ? { monteCarlo: { runs: mc.runs, horizons: mc.horizons, entities: mc.entities.slice(0, o.maxRisks ?? 500) } }
      : {}),
    view: { entities: viewEntities, dependencies: viewDeps, truncated },
  };
}
