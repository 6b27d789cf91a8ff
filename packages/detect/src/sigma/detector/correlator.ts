/**
 * @module
 * The correlation stage for Sigma when detection runs on several threads: one instance (the
 * node runs it on its writer thread) receives every base-rule match that feeds a correlation,
 * from all detect threads, keeps the per-tenant windows (persisted through a state store) and
 * returns the correlation alerts.
 */
import type { AlertDraft } from '@intersoc/core';
import { EventView } from '../compile/event-view.js';
import { CorrelationEngine } from '../correlation/engine.js';
import { MemoryStateStore, type CorrelationStateStore } from '../correlation/state-store.js';
import type { SigmaRuleSet } from '../ruleset/rule-set.js';
import { correlationAlert, fieldValueOf, type SigmaFeedItem } from './sigma-detector.js';

/** Correlates queued matches per tenant. */
export class SigmaCorrelator {
  private readonly sets = new Map<string, SigmaRuleSet>();
  private readonly engines = new Map<string, { set: SigmaRuleSet; engine: CorrelationEngine }>();
  private fallback: SigmaRuleSet | undefined;
  private readonly store: CorrelationStateStore;

  constructor(options: { ruleSet?: SigmaRuleSet; store?: CorrelationStateStore } = {}) {
    this.fallback = options.ruleSet;
    this.store = options.store ?? new MemoryStateStore();
  }

  /** Installs a tenant's rule set (or the shared one when `tenant` is omitted). */
  setRuleSet(ruleSet: SigmaRuleSet, tenant?: string): void {
    if (tenant === undefined) this.fallback = ruleSet;
    else this.sets.set(tenant, ruleSet);
  }

  private engineFor(tenant: string): CorrelationEngine | undefined {
    const set = this.sets.get(tenant) ?? this.fallback;
    if (!set || set.correlations.length === 0) return undefined;
    const cur = this.engines.get(tenant);
    if (cur && cur.set === set) return cur.engine;
    cur?.engine.checkpoint();
    const engine = new CorrelationEngine(set.correlations, { store: this.store, scope: tenant });
    this.engines.set(tenant, { set, engine });
    return engine;
  }

  /** Feeds matches (in any tenant mix); returns alert drafts with their tenant. */
  push(items: readonly SigmaFeedItem[]): { tenant: string; alert: AlertDraft }[] {
    const out: { tenant: string; alert: AlertDraft }[] = [];
    const touched = new Set<CorrelationEngine>();
    // Correlations reason over event time: feed in time order across threads' batches.
    const sorted = [...items].sort((a, b) => a.time - b.time);
    for (const item of sorted) {
      const engine = this.engineFor(item.tenant);
      if (!engine?.consumes(item.source)) continue;
      touched.add(engine);
      const view = new EventView({ fields: item.fields, ecs: item.ecs, format: item.format });
      for (const hit of engine.push({
        source: item.source,
        time: item.time,
        eventIds: item.eventIds,
        value: fieldValueOf(view),
      })) {
        if (hit.correlation.alert) out.push({ tenant: item.tenant, alert: correlationAlert(hit) });
      }
    }
    for (const e of touched) e.checkpoint();
    return out;
  }

  /** Persists every engine's state. */
  close(): void {
    for (const { engine } of this.engines.values()) engine.checkpoint();
    this.store.close?.();
  }
}
