/**
 * @module
 * The cascade capability of a SOC, per tenant and with the caller's context on every call:
 * graphs (import, read, export, delete), what-if analysis within a work bound, criticality,
 * the IIM, the cascade impact of incidents (computed when an incident names assets that are in
 * a graph), the warnings to send to the SOCs of threatened organisations, the warnings received
 * (with the local cascade they start and the warnings it relays onwards), and the dependency
 * edges that cross organisations, grouped by the peers on either side.
 *
 * The graphs and the service's own state are stores (`GraphStore`, `CascadeStateStore`): the
 * embedded node passes its SQLite database and gets `SqliteGraphStore` and `SqliteCascadeState`;
 * a process on the shared PostgreSQL store passes `PgGraphStore` and `PgCascadeState`.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import type { SqliteDb } from '@intersoc/storage';
import { analyseImpact, type Impact, type ImpactOptions } from '../analysis/impact.js';
import { toGraphml } from '../export/graphml.js';
import { importGraph, type ImportFormat } from '../import/detect.js';
import { graphFromStix, toStixObjects } from '../import/stix.js';
import type { Entity, GraphData } from '../model/types.js';
import { criticality, type CriticalityResult } from '../models/criticality.js';
import { monteCarlo } from '../models/monte-carlo.js';
import {
  CASCADE_READ_ROLES,
  CASCADE_WRITE_ROLES,
  type GraphInfo,
  type GraphStore,
  type LoadedGraph,
} from '../store/graph-store.js';
import { SqliteGraphStore } from '../store/sqlite-graphs.js';
import { warningFromStix, warningId, type CascadeWarning, type WarningThreat } from '../warning/warning.js';
import { CascadeSettingsSchema, type CascadeSettings } from './settings.js';
import { SqliteCascadeState } from './sqlite-state.js';
import type { CascadeStateStore, GraphImpact, IncidentImpact, WarningRecord } from './state.js';

// Where they were first defined: the package index imports them from here.
export type { CascadeStateStore, GraphImpact, IncidentImpact, WarningRecord } from './state.js';

/** What an incident gives the cascade. */
export interface IncidentRef {
  readonly id: string;
  readonly hosts: readonly string[];
  /** First alert, epoch ms: the failures start then. */
  readonly firstSeen: number;
  readonly title?: string;
}

/** Where the service keeps graphs and state: the node's SQLite database, or both stores. */
export type CascadeStores =
  { readonly db: SqliteDb } | { readonly graphs: GraphStore; readonly state: CascadeStateStore };

/** Options of the service. */
export type CascadeServiceOptions = CascadeStores & {
  readonly settings?: Partial<CascadeSettings>;
  /** This node's federation id (to tell its own organisation from peers'). */
  readonly nodeId?: string;
  readonly now?: () => number;
};

/** The cascade service of a node. */
export class CascadeService {
  readonly store: GraphStore;
  readonly state: CascadeStateStore;
  readonly settings: CascadeSettings;
  private readonly now: () => number;

  constructor(private readonly o: CascadeServiceOptions) {
    this.now = o.now ?? Date.now;
    if ('db' in o) {
      this.store = new SqliteGraphStore(o.db, this.now);
      this.state = new SqliteCascadeState(o.db);
    } else {
      this.store = o.graphs;
      this.state = o.state;
    }
    this.settings = CascadeSettingsSchema.parse(o.settings ?? {});
  }

  // graphs ------------------------------------------------------------------------------------

  list(ctx: AuthContext): GraphInfo[] {
    return this.store.list(ctx);
  }

  /** Imports a document into a graph; returns the summary and the importer's warnings. */
  importText(
    ctx: AuthContext,
    name: string,
    text: string,
    o: { format?: ImportFormat; merge?: boolean; source?: string } = {},
  ): { info: GraphInfo; format: ImportFormat; warnings: readonly string[] } {
    requireRole(ctx, CASCADE_WRITE_ROLES);
    const r = importGraph(text, o.format ? { format: o.format } : {});
    const info = this.store.put(ctx, name, r.data, {
      mode: o.merge ? 'merge' : 'replace',
      source: o.source ?? `import:${r.format}`,
    });
    return { info, format: r.format, warnings: r.warnings };
  }

  /** A graph for display: all of it up to `limit` entities, else the first `limit`. */
  view(ctx: AuthContext, name: string, limit = 3000): { info: GraphInfo; data: GraphData; truncated: boolean } {
    const g = this.store.load(ctx, name);
    const entities = g.graph.entities().slice(0, limit);
    const keep = new Set(entities.map((e) => e.id));
    const dependencies = g.graph.dependencies().filter((d) => keep.has(d.source) && keep.has(d.target));
    return { info: g.info, data: { entities, dependencies }, truncated: entities.length < g.graph.entityCount };
  }

  exportGraph(ctx: AuthContext, name: string, format: 'graphml' | 'stix'): string {
    const data = this.store.data(ctx, name);
    if (format === 'graphml') return toGraphml(data, name);
    return JSON.stringify({
      type: 'bundle',
      id: `bundle--${crypto.randomUUID()}`,
      objects: toStixObjects(data, { graph: name, time: new Date(this.now()).toISOString() }),
    });
  }

  deleteGraph(ctx: AuthContext, name: string): boolean {
    return this.store.delete(ctx, name);
  }

  // models --------------------------------------------------------------------------------------

  /** What-if: fail entities and watch the cascade; Monte Carlo runs within the work bound. */
  whatIf(
    ctx: AuthContext,
    name: string,
    req: { fail: readonly string[]; runs?: number; seed?: number; at?: Readonly<Record<string, number>> },
  ): Impact {
    const g = this.store.load(ctx, name);
    const runs = req.runs ?? 0;
    const work = runs * Math.max(1, g.graph.dependencyCount);
    if (work > this.settings.maxWork)
      throw new AppError(
        'EXPENSIVE_QUERY',
        `${runs} runs over ${g.graph.dependencyCount} dependencies exceed the bound of ${this.settings.maxWork}; ask for fewer runs`,
        {
          details: { limit: 'maxWork', value: this.settings.maxWork },
        },
      );
    const o: ImpactOptions = {
      runs,
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
      ...(req.at ? { at: req.at } : {}),
    };
    return analyseImpact(g.graph, g.compiled, req.fail, o);
  }

  criticality(ctx: AuthContext, name: string, top = 25): CriticalityResult {
    const g = this.store.load(ctx, name);
    return criticality(g.compiled, { top });
  }

  // incidents -----------------------------------------------------------------------------------

  /** The entities an incident names: by inventory host, else by entity id equal to the host. */
  private seedsOf(ctx: AuthContext, hosts: readonly string[]): Map<string, string[]> {
    const byGraph = new Map<string, string[]>();
    for (const { graph, entity } of this.store.entitiesOfAsset(ctx, hosts))
      byGraph.set(graph, [...(byGraph.get(graph) ?? []), entity.id]);
    for (const info of this.store.list(ctx)) {
      const g = this.store.load(ctx, info.name);
      for (const h of hosts)
        if (g.graph.hasEntity(h) && !(byGraph.get(info.name) ?? []).includes(h))
          byGraph.set(info.name, [...(byGraph.get(info.name) ?? []), h]);
    }
    return byGraph;
  }

  private graphImpact(g: LoadedGraph, seeds: readonly string[], at?: Readonly<Record<string, number>>): GraphImpact {
    const runs = Math.min(this.settings.runs, Math.floor(this.settings.maxWork / Math.max(1, g.graph.dependencyCount)));
    const impact = analyseImpact(g.graph, g.compiled, seeds, { maxView: 0, ...(at ? { at } : {}) });
    const probability: Record<string, number> = {};
    if (runs > 0) {
      const mc = monteCarlo(g.compiled, seeds, { runs, seed: 1 });
      for (const e of mc.entities) probability[e.id] = e.probability;
    } else for (const f of impact.timeline) probability[f.id] = 1;
    return {
      graph: g.info.name,
      seeds: impact.seeds,
      failed: impact.failed.length,
      timeline: impact.timeline,
      sectors: impact.sectors,
      organisations: impact.organisations,
      atRisk: impact.atRisk,
      probability,
    };
  }

  /** Computes and stores the cascade impact of an incident; undefined when it names no modelled asset. */
  assessIncident(ctx: AuthContext, inc: IncidentRef): IncidentImpact | undefined {
    requireRole(ctx, CASCADE_READ_ROLES);
    const seeds = this.seedsOf(ctx, inc.hosts);
    if (seeds.size === 0) return undefined;
    const graphs = [...seeds].map(([name, ids]) => this.graphImpact(this.store.load(ctx, name), ids));
    const doc: IncidentImpact = {
      incident: inc.id,
      computed: this.now(),
      start: inc.firstSeen,
      hosts: [...inc.hosts],
      graphs,
    };
    this.state.putImpact(ctx.tenant, doc);
    return doc;
  }

  /** The stored impact of an incident. */
  incidentImpact(ctx: AuthContext, incident: string): IncidentImpact | undefined {
    requireRole(ctx, CASCADE_READ_ROLES);
    return this.state.impact(ctx.tenant, incident);
  }

  // warnings ------------------------------------------------------------------------------------

  /** True for an organisation that is this node's own. */
  private isSelf(org: Entity | undefined): boolean {
    if (!org) return true;
    if (this.settings.org !== undefined) return org.id === this.settings.org;
    return org.peer === undefined || org.peer === this.o.nodeId;
  }

  /**
   * Warnings for the SOCs of organisations an impact threatens (not this node's own, not those
   * the cascade already came through), each naming the failed suppliers it depends on.
   */
  warningsOf(
    ctx: AuthContext,
    impact: IncidentImpact,
    o: { readonly key: string; readonly hops?: number; readonly path?: readonly string[] },
  ): CascadeWarning[] {
    requireRole(ctx, CASCADE_READ_ROLES);
    if (!this.settings.warn) return [];
    const hops = o.hops ?? 0;
    const path = o.path ?? [];
    interface PeerThreats {
      readonly org: Entity;
      readonly threats: WarningThreat[];
      readonly failed: Map<string, { hours: number; sector?: string; org?: string }>;
    }
    const byPeer = new Map<string, PeerThreats>();
    let fromOrg: Entity | undefined;
    for (const gi of impact.graphs) {
      const g = this.store.load(ctx, gi.graph);
      const selfOrg = g.graph.entities().find((e) => e.kind === 'organisation' && this.isSelf(e));
      fromOrg ??= selfOrg;
      const at = new Map(gi.timeline.map((f) => [f.id, f]));
      for (const f of gi.timeline) {
        if (f.org === undefined || f.round === 0) continue;
        const org = g.graph.entity(f.org);
        if (!org || this.isSelf(org) || org.peer === undefined || path.includes(org.id)) continue;
        const p = gi.probability[f.id] ?? 0;
        if (p < this.settings.minProbability || f.at > this.settings.horizonHours) continue;
        const entry: PeerThreats = byPeer.get(org.peer) ?? { org, threats: [], failed: new Map() };
        entry.threats.push({ entity: f.id, org: org.id, hours: f.at, probability: p });
        // What failed: the suppliers outside that organisation the threatened entity depends on.
        for (const s of g.graph.suppliers(f.id)) {
          const sf = at.get(s);
          if (!sf || g.graph.orgOf(s) === org.id) continue;
          entry.failed.set(s, {
            hours: sf.at,
            ...(sf.sector ? { sector: sf.sector } : {}),
            ...(sf.org ? { org: sf.org } : {}),
          });
        }
        byPeer.set(org.peer, entry);
      }
    }
    const origin = new Date(impact.start).toISOString();
    const fromId = fromOrg?.id ?? this.settings.org ?? 'unknown';
    return [...byPeer].flatMap(([peer, e]) => {
      if (e.failed.size === 0) return [];
      const confidence = Math.round(Math.max(...e.threats.map((t) => t.probability)) * 100);
      const first = Math.min(...e.threats.map((t) => t.hours));
      return [
        {
          id: warningId(o.key, peer, hops),
          fromOrg: fromId,
          ...(fromOrg?.sector !== undefined ? { fromSector: fromOrg.sector } : {}),
          toOrg: e.org.id,
          toPeer: peer,
          originTime: origin,
          failed: [...e.failed].map(([entity, v]) => ({ entity, ...v })),
          threatened: e.threats.sort((a, b) => a.hours - b.hours),
          confidence,
          hops,
          path: [...path, fromId],
          summary: `Cascade from ${fromOrg?.sector ?? fromId}: ${[...e.failed.keys()].slice(0, 3).join(', ')} down; ${e.threats.length} of ${e.org.name ?? e.org.id}'s entities expected to fail from +${first.toFixed(1)} h (confidence ${confidence})`,
        },
      ];
    });
  }

  /** Records a sent warning. */
  recordSent(ctx: AuthContext, w: CascadeWarning): void {
    requireRole(ctx, CASCADE_READ_ROLES);
    this.state.putSent(ctx.tenant, w, this.now());
  }

  /**
   * A warning received from a peer (already verified by the federation): stored once, its local
   * cascade computed from the threatened entities at their expected hours, and the warnings to
   * relay onwards returned. A warning for another node, or a repeat, returns nothing.
   */
  receiveWarning(
    ctx: AuthContext,
    stix: unknown,
    from: string,
  ): { record?: WarningRecord; relay: CascadeWarning[]; reason?: string } {
    requireRole(ctx, CASCADE_WRITE_ROLES);
    const r = warningFromStix(stix);
    if (!r.ok) return { relay: [], reason: r.reason };
    const w = r.value;
    if (this.o.nodeId !== undefined && w.toPeer !== this.o.nodeId)
      return { relay: [], reason: 'addressed to another node' };
    if (this.state.received(ctx.tenant, w.id)) return { relay: [], reason: 'already received' };
    const at: Record<string, number> = {};
    for (const t of w.threatened) at[t.entity] = Math.min(at[t.entity] ?? Number.POSITIVE_INFINITY, t.hours);
    const start = Date.parse(w.originTime);
    const graphs: GraphImpact[] = [];
    for (const info of this.store.list(ctx)) {
      const g = this.store.load(ctx, info.name);
      const seeds = Object.keys(at).filter((id) => g.graph.hasEntity(id));
      if (seeds.length > 0) graphs.push(this.graphImpact(g, seeds, at));
    }
    const local: IncidentImpact = { incident: w.id, computed: this.now(), start, hosts: [], graphs };
    // The confidence carries on: a relayed threat is as likely as the threat that started it.
    const base = w.confidence / 100;
    const scaled: IncidentImpact = {
      ...local,
      graphs: graphs.map((g) => ({
        ...g,
        probability: Object.fromEntries(
          Object.entries(g.probability).map(([k, v]) => [k, Math.round(v * base * 1000) / 1000]),
        ),
      })),
    };
    const record: WarningRecord = { direction: 'received', peer: from, time: this.now(), warning: w, local: scaled };
    // Another process sharing the store may have taken it meanwhile: only the one that stored it relays.
    if (!this.state.putReceived(ctx.tenant, record)) return { relay: [], reason: 'already received' };
    const relay =
      graphs.length === 0 ? [] : this.warningsOf(ctx, scaled, { key: w.id, hops: w.hops + 1, path: w.path });
    return { record, relay };
  }

  /** Warnings sent and received, newest first. */
  warnings(ctx: AuthContext, limit = 200): WarningRecord[] {
    requireRole(ctx, CASCADE_READ_ROLES);
    return this.state.warnings(ctx.tenant, limit);
  }

  // sharing edges ---------------------------------------------------------------------------

  /**
   * Dependencies that cross organisations, as STIX per peer: each goes to the SOCs of the
   * organisations on either side (never to this node, never to third parties), with only the
   * fields a partner needs (no inventory host names).
   */
  crossOrgEdges(ctx: AuthContext, name: string): Map<string, Record<string, unknown>[]> {
    requireRole(ctx, CASCADE_WRITE_ROLES);
    const g = this.store.load(ctx, name).graph;
    const time = new Date(this.now()).toISOString();
    const byPeer = new Map<string, GraphData>();
    const strip = (e: Entity): Entity => {
      const { asset: _a, ...rest } = e;
      return rest;
    };
    for (const d of g.dependencies()) {
      const so = g.orgOf(d.source);
      const to = g.orgOf(d.target);
      if (so === undefined || to === undefined || so === to) continue;
      for (const org of [so, to]) {
        const peer = g.entity(org)?.peer;
        if (peer === undefined || this.isSelf(g.entity(org))) continue;
        const cur = byPeer.get(peer) ?? { entities: [], dependencies: [] };
        const ents = new Map(cur.entities.map((e) => [e.id, e]));
        for (const id of [d.source, d.target, so, to]) {
          const e = g.entity(id);
          if (e) ents.set(id, strip(e));
        }
        byPeer.set(peer, { entities: [...ents.values()], dependencies: [...cur.dependencies, d] });
      }
    }
    return new Map(
      [...byPeer].map(([peer, data]) => [peer, toStixObjects(data, { graph: `shared:${ctx.tenant}`, time })]),
    );
  }

  /** Merges dependencies shared by a peer (STIX) into the shared graph. */
  mergeShared(ctx: AuthContext, objects: readonly unknown[]): GraphInfo | undefined {
    requireRole(ctx, CASCADE_WRITE_ROLES);
    const infra = objects.filter((o) => (o as { type?: unknown }).type === 'infrastructure');
    const rels = objects.filter(
      (o) => (o as { type?: unknown; relationship_type?: unknown }).relationship_type === 'depends-on',
    );
    if (infra.length === 0 || rels.length === 0) return undefined;
    const r = graphFromStix([...infra, ...rels]);
    if (r.data.dependencies.length === 0) return undefined;
    return this.store.put(ctx, this.settings.sharedGraph, r.data, { mode: 'merge', source: 'federation' });
  }

  // cursors for the node's pollers ------------------------------------------------------------------

  cursor(tenant: string, name: string): number {
    return this.state.cursor(tenant, name);
  }

  setCursor(tenant: string, name: string, value: number): void {
    this.state.setCursor(tenant, name, value);
  }
}
