/**
 * @module
 * The Sigma detector for the pipeline: single-event rules per event, correlation rules over
 * their matches (state persisted after each batch), alert drafts with severity, ATT&CK and
 * entities. Rule sets are per tenant and swapped atomically between batches (hot reload).
 */
import type { AlertDraft, Detector, Entity, SocEvent } from '@intersoc/core';
import { EventView } from '../compile/event-view.js';
import { CorrelationEngine, type CorrelationHit } from '../correlation/engine.js';
import { MemoryStateStore, type CorrelationStateStore } from '../correlation/state-store.js';
import type { SigmaRuleSet } from '../ruleset/rule-set.js';
import type { CompiledRule } from '../ruleset/types.js';
import { entityTypeOfField, eventEntities } from './entities.js';

/** Options of the detector. */
export interface SigmaDetectorOptions {
  /** Instance id; default `sigma:default`. */
  readonly id?: string;
  /** Rule set for tenants without their own. */
  readonly ruleSet?: SigmaRuleSet;
  /** Where correlation windows persist; in memory by default. */
  readonly store?: CorrelationStateStore;
  /**
   * Leave correlations to a separate stage (`SigmaCorrelator`): matches that feed a correlation
   * are queued for `takeFeed()` instead of being correlated here. Needed when several pipeline
   * threads each see part of a tenant's events, since a correlation must see all of them.
   */
  readonly external?: boolean;
}

/** A base-rule match a correlation consumes, as handed from a detect thread to the correlator. */
export interface SigmaFeedItem {
  readonly tenant: string;
  /** Key of the matched rule. */
  readonly source: string;
  readonly time: number;
  readonly eventIds: readonly string[];
  /** The event's fields, so group-by and value fields can be read on the other side. */
  readonly fields: SocEvent['fields'];
  readonly ecs: SocEvent['ecs'];
  readonly format: string;
}

const SUMMARY_FIELDS = [
  'CommandLine',
  'Image',
  'NewProcessName',
  'TargetFilename',
  'TargetObject',
  'QueryName',
  'ScriptBlockText',
  'ServiceName',
  'TargetUserName',
  'message',
];

function eventSummary(rule: { title: string }, ev: EventView): string {
  const host = ev.text('Computer') ?? ev.text('host.name');
  let detail = '';
  for (const f of SUMMARY_FIELDS) {
    const v = ev.text(f);
    if (typeof v === 'string' && v.trim() !== '') {
      detail = `${f}=${v.length > 160 ? `${v.slice(0, 157)}...` : v}`;
      break;
    }
  }
  const on = typeof host === 'string' && host ? ` on ${host}` : '';
  return `${rule.title}${on}${detail ? `: ${detail}` : ''}`;
}

/** Builds the alert draft of a single-event match. */
export function ruleAlert(rule: CompiledRule, event: SocEvent, view: EventView): AlertDraft {
  return {
    time: event.time,
    detector: { kind: 'sigma', ruleId: rule.id ?? rule.key, ruleTitle: rule.title },
    severity: rule.level,
    tactics: rule.tactics,
    techniques: rule.techniques,
    entities: eventEntities(view),
    eventIds: [event.id],
    summary: eventSummary(rule, view),
    details: {
      rule: rule.key,
      path: rule.path,
      logsource: rule.logsource,
      ...(rule.filters.length ? { filters: rule.filters } : {}),
    },
  };
}

/** Builds the alert draft of a correlation hit. */
export function correlationAlert(hit: CorrelationHit): AlertDraft {
  const c = hit.correlation;
  const entities: Entity[] = [];
  const groups: string[] = [];
  for (const [field, value] of Object.entries(hit.groupValues)) {
    if (value === null) continue;
    groups.push(`${field}=${value}`);
    const type = entityTypeOfField(field);
    if (type) entities.push({ type, value });
  }
  const spanMin = Math.round(c.timespanMs / 60_000);
  return {
    time: hit.time,
    detector: { kind: 'sigma', ruleId: c.id ?? c.key, ruleTitle: c.title },
    severity: c.level,
    tactics: c.tactics,
    techniques: c.techniques,
    entities,
    eventIds: hit.eventIds,
    summary: `${c.title}: ${c.type} ${Math.round(hit.value * 100) / 100} within ${spanMin >= 1 ? `${spanMin}m` : `${c.timespanMs / 1000}s`}${groups.length ? ` for ${groups.join(', ')}` : ''}`,
    details: { rule: c.key, path: c.path, correlation: c.type, value: hit.value, group: hit.groupValues },
  };
}

/** Text of a field for correlation group-by and value fields. */
export function fieldValueOf(view: EventView): (field: string) => string | undefined {
  return (f) => {
    const v = view.text(f);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : v.join(',');
  };
}

/** Sigma rules as a pipeline detector. */
export class SigmaDetector implements Detector {
  readonly kind = 'sigma';
  readonly id: string;
  private readonly sets = new Map<string, SigmaRuleSet>();
  private readonly engines = new Map<string, { set: SigmaRuleSet; engine: CorrelationEngine }>();
  private readonly store: CorrelationStateStore;
  private fallback: SigmaRuleSet | undefined;
  private readonly external: boolean;
  private feed: SigmaFeedItem[] = [];

  constructor(options: SigmaDetectorOptions = {}) {
    this.id = options.id ?? 'sigma:default';
    this.fallback = options.ruleSet;
    this.store = options.store ?? new MemoryStateStore();
    this.external = options.external === true;
  }

  /** Matches queued for the correlation stage since the last call (external mode). */
  takeFeed(): SigmaFeedItem[] {
    const out = this.feed;
    this.feed = [];
    return out;
  }

  /**
   * Installs a rule set for one tenant, or for all tenants without their own (`tenant` omitted).
   * Takes effect at the next batch; correlation windows carry over through the state store.
   */
  setRuleSet(ruleSet: SigmaRuleSet, tenant?: string): void {
    if (tenant === undefined) this.fallback = ruleSet;
    else this.sets.set(tenant, ruleSet);
  }

  /** Removes a tenant's own rule set (it falls back to the shared one). */
  clearRuleSet(tenant: string): void {
    this.sets.delete(tenant);
  }

  private engineFor(tenant: string, set: SigmaRuleSet): CorrelationEngine {
    const cur = this.engines.get(tenant);
    if (cur && cur.set === set) return cur.engine;
    cur?.engine.checkpoint();
    const engine = new CorrelationEngine(set.correlations, { store: this.store, scope: tenant });
    this.engines.set(tenant, { set, engine });
    return engine;
  }

  detect(events: readonly SocEvent[]): readonly AlertDraft[] {
    const out: AlertDraft[] = [];
    const first = events[0];
    if (!first) return out;
    const byTenant = new Map<string, SocEvent[]>();
    for (const e of events) {
      const list = byTenant.get(e.tenant);
      if (list) list.push(e);
      else byTenant.set(e.tenant, [e]);
    }
    for (const [tenant, list] of byTenant) {
      const set = this.sets.get(tenant) ?? this.fallback;
      if (!set) continue;
      const engine = set.correlations.length > 0 && !this.external ? this.engineFor(tenant, set) : undefined;
      const feeds = this.external && set.correlations.length > 0 ? set.correlationSources : undefined;
      for (const event of list) {
        let view: EventView;
        let matches: CompiledRule[];
        try {
          view = new EventView({ fields: event.fields, ecs: event.ecs, format: event.source.format });
          matches = set.match(view);
        } catch {
          continue; // a detector never throws for event content
        }
        for (const rule of matches) {
          if (rule.alert) out.push(ruleAlert(rule, event, view));
          if (feeds?.has(rule.key)) {
            this.feed.push({
              tenant,
              source: rule.key,
              time: event.time,
              eventIds: [event.id],
              fields: event.fields,
              ecs: event.ecs,
              format: event.source.format,
            });
          }
          if (engine?.consumes(rule.key)) {
            for (const hit of engine.push({
              source: rule.key,
              time: event.time,
              eventIds: [event.id],
              value: fieldValueOf(view),
            })) {
              if (hit.correlation.alert) out.push(correlationAlert(hit));
            }
          }
        }
      }
      engine?.checkpoint();
    }
    return out;
  }

  close(): void {
    for (const { engine } of this.engines.values()) engine.checkpoint();
    this.store.close?.();
  }
}
