/**
 * @module
 * The correlation stage cut into partitions (scale-out correlate role). `FeedPartitioner` tells a
 * detect worker to which partitions a base-rule match goes: one per correlation chain that
 * consumes it, by the chain's key values (`correlation/partition.ts`). `PartitionCorrelator` is
 * one partition's stage: it feeds each match only to the chains that route it to this partition,
 * keeps their windows (persisted through a state store, scoped by tenant) and returns the alerts.
 * Both sides compute the routes with the same function over the same rules, so they agree.
 */
import type { AlertDraft } from '@intersoc/core';
import { EventView } from '../compile/event-view.js';
import { CorrelationEngine } from '../correlation/engine.js';
import { chainKey, correlationChains, partitionOfKey, type CorrelationChain } from '../correlation/partition.js';
import type { CorrelationStateStore } from '../correlation/state-store.js';
import type { SigmaRuleSet } from '../ruleset/rule-set.js';
import { correlationAlert, fieldValueOf, type SigmaFeedItem } from './sigma-detector.js';

/** The rule sets a node runs: per tenant, and the one for tenants without their own. */
export interface TenantRuleSets {
  readonly fallback?: SigmaRuleSet;
  readonly tenants: ReadonlyMap<string, SigmaRuleSet>;
}

/** A match's destination: a chain and the partition its key falls in. */
export interface FeedRoute {
  readonly chain: CorrelationChain;
  readonly partition: number;
}

/** Routes base-rule matches to correlate partitions. */
export class FeedPartitioner {
  private readonly chains = new WeakMap<SigmaRuleSet, CorrelationChain[]>();

  constructor(
    private sets: TenantRuleSets,
    /** Number of partitions; every detect and correlate role must use the same. */
    readonly partitions: number,
  ) {}

  /**
   * Routes by new rules from now on (rules changed in the store). Chains whose rules are
   * unchanged keep their keys, so their matches keep going to the same partitions.
   */
  setRuleSets(sets: TenantRuleSets): void {
    this.sets = sets;
  }

  /** The chains of a tenant's rule set (cached per rule set). */
  chainsOf(tenant: string): readonly CorrelationChain[] {
    const set = this.sets.tenants.get(tenant) ?? this.sets.fallback;
    if (!set) return [];
    let c = this.chains.get(set);
    if (!c) this.chains.set(set, (c = correlationChains(set.correlations)));
    return c;
  }

  /** Where the match goes: one route per consuming chain (none when nothing consumes it). */
  routes(item: SigmaFeedItem): FeedRoute[] {
    const out: FeedRoute[] = [];
    let value: ((f: string) => string | undefined) | undefined;
    for (const chain of this.chainsOf(item.tenant)) {
      if (!chain.sources.has(item.source)) continue;
      value ??= fieldValueOf(new EventView({ fields: item.fields, ecs: item.ecs, format: item.format }));
      out.push({ chain, partition: partitionOfKey(chainKey(item.tenant, chain, item.source, value), this.partitions) });
    }
    return out;
  }

  /** Matches grouped by partition (a match routed twice to one partition is listed once). */
  split(items: readonly SigmaFeedItem[]): Map<number, SigmaFeedItem[]> {
    const out = new Map<number, SigmaFeedItem[]>();
    for (const item of items) {
      for (const p of new Set(this.routes(item).map((r) => r.partition))) {
        const list = out.get(p);
        if (list) list.push(item);
        else out.set(p, [item]);
      }
    }
    return out;
  }
}

/** One partition's correlations. */
export class PartitionCorrelator {
  /** Engines by tenant and chain id, with the chain they were built for. */
  private readonly engines = new Map<string, { chain: CorrelationChain; engine: CorrelationEngine }>();

  constructor(
    private readonly partitioner: FeedPartitioner,
    readonly partition: number,
    private readonly store: CorrelationStateStore,
    /**
     * The state store's scope of a tenant's windows. The default, the tenant, suits a store kept
     * per partition; a store shared by several partitions needs the partition in the scope.
     */
    private readonly scopeOf: (tenant: string) => string = (t) => t,
  ) {}

  /** Feeds this partition's share of `items`; returns alert drafts with their tenant. */
  push(items: readonly SigmaFeedItem[]): { tenant: string; alert: AlertDraft }[] {
    const out: { tenant: string; alert: AlertDraft }[] = [];
    const touched = new Set<CorrelationEngine>();
    // Correlations reason over event time: feed in time order, as the single-owner stage does.
    const sorted = [...items].sort((a, b) => a.time - b.time);
    for (const item of sorted) {
      let value: ((f: string) => string | undefined) | undefined;
      for (const route of this.partitioner.routes(item)) {
        if (route.partition !== this.partition) continue;
        const engine = this.engineFor(item.tenant, route.chain);
        touched.add(engine);
        value ??= fieldValueOf(new EventView({ fields: item.fields, ecs: item.ecs, format: item.format }));
        for (const hit of engine.push({ source: item.source, time: item.time, eventIds: item.eventIds, value })) {
          if (hit.correlation.alert) out.push({ tenant: item.tenant, alert: correlationAlert(hit) });
        }
      }
    }
    for (const e of touched) e.checkpoint();
    return out;
  }

  /** Open groups across this partition's engines (metrics, tests). */
  openGroups(): number {
    let n = 0;
    for (const e of this.engines.values()) n += e.engine.openGroups();
    return n;
  }

  private engineFor(tenant: string, chain: CorrelationChain): CorrelationEngine {
    const k = `${tenant}\u0000${chain.id}`;
    const e = this.engines.get(k);
    if (e?.chain === chain) return e.engine;
    // New rules (`setRuleSets`): a new engine over the new chain. The old one checkpointed after
    // its last push, so the new one starts from the stored windows of the correlations it keeps.
    const engine = new CorrelationEngine(chain.correlations, { store: this.store, scope: this.scopeOf(tenant) });
    this.engines.set(k, { chain, engine });
    return engine;
  }
}
