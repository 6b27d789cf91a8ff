/**
 * @module
 * The indicator-matching pipeline detector. Every event's normalised fields are looked up in the
 * compiled indexes (hashes, URLs, emails, domains with suffixes, CIDRs); patterns that do not
 * reduce to simple values are evaluated by the STIX pattern matcher over the ECS → SCO mapping.
 * Each active match (valid, not revoked, not decayed, confident enough) becomes an alert draft
 * carrying a STIX sighting.
 */
import type {
  AlertDraft,
  Detector,
  EcsField,
  Entity,
  EntityType,
  FieldValue,
  Severity,
  SocEvent,
} from '@intersoc/core';
import { ECS_FIELDS, fieldText } from '@intersoc/core';
import {
  decayScore,
  DEFAULT_DECAY,
  inactiveReason,
  matchesObservation,
  matchPattern,
  normaliseUrl,
  observationFromEvent,
  type ComparisonExpression,
  type DecayModel,
  type IocKind,
  type Observation,
  type PatternIndicator,
} from '@intersoc/cti';
import { BatchBudget, DEFAULT_PATTERN_BUDGET_MS, type DisabledIndicator } from './budget.js';
import type { IocIndex } from './ioc-index.js';
import { buildSighting } from './sighting.js';

/** Which event fields hold which kind of observable. */
export type FieldKinds = Readonly<Record<string, IocKind>>;

/** ECS fields checked by default. */
export const DEFAULT_IOC_FIELDS: FieldKinds = {
  'source.ip': 'ip',
  'destination.ip': 'ip',
  'host.ip': 'ip',
  'dns.question.name': 'domain',
  'url.full': 'url',
  'file.hash.md5': 'hash',
  'file.hash.sha1': 'hash',
  'file.hash.sha256': 'hash',
  // Sysmon carries all hashes of an image in one field ("MD5=…,SHA256=…").
  Hashes: 'hash',
};

/** Options of the detector. */
export interface IocDetectorOptions {
  readonly index: IocIndex;
  /** Patterns for the full matcher. */
  readonly patterns?: readonly PatternIndicator[];
  /** Fields to check (ECS or original names); defaults to `DEFAULT_IOC_FIELDS`. */
  readonly fields?: FieldKinds;
  /** Decay model, or false to ignore decay. */
  readonly decay?: DecayModel | false;
  /** Matches with a decayed score below this are dropped (0–100). */
  readonly minScore?: number;
  /** Instance id suffix. */
  readonly name?: string;
  /** STIX identity of the sighting organisation. */
  readonly identity?: string;
  /** Clock for sightings' created time (tests). */
  readonly now?: () => number;
  /** Time pattern indicators may spend per batch, ms (default 2,000); see `BatchBudget`. */
  readonly budgetMs?: number;
  /** Monotonic clock of the budget, ms (tests); default `performance.now`. */
  readonly clock?: () => number;
  /**
   * Indicators taken out of detection, by `disabledKey`. Shared with the caller so a disabled
   * indicator stays out when the detector is rebuilt; the detector adds to it.
   */
  readonly disabled?: Set<string>;
  /** Told about each indicator the detector disables (besides the alert it raises). */
  readonly onDisabled?: (d: DisabledIndicator) => void;
}

const ROLE: Readonly<Record<string, string>> = {
  'source.ip': 'source',
  'destination.ip': 'destination',
  'host.ip': 'host',
};

function entityType(kind: IocKind): EntityType {
  return kind === 'ip'
    ? 'ip'
    : kind === 'hash'
      ? 'hash'
      : kind === 'url'
        ? 'url'
        : kind === 'domain'
          ? 'domain'
          : 'user';
}

function severityOf(score: number): Severity {
  return score >= 85 ? 'critical' : score >= 70 ? 'high' : score >= 40 ? 'medium' : 'low';
}

const HASH_TOKEN = /[0-9a-fA-F]{32,128}/g;

/** Events between two readings of the budget clock, per pattern indicator. */
const CHARGE_EVERY = 32;

/** The pipeline detector for indicators. */
export class IocDetector implements Detector {
  readonly kind = 'ioc';
  readonly id: string;
  /** [field, kind, isEcs]: ECS names are read from the projection only, others from the original fields. */
  private readonly fields: [string, IocKind, boolean][];
  /** Single-observation patterns, evaluated per event. */
  private readonly single: { p: PatternIndicator; key: string; comparison: ComparisonExpression }[] = [];
  /** Multi-observation patterns, evaluated over the batch. */
  private readonly multi: { p: PatternIndicator; key: string }[] = [];
  private readonly disabled: Set<string>;

  constructor(private readonly options: IocDetectorOptions) {
    this.id = `ioc:${options.name ?? 'default'}`;
    const ecs = new Set<string>(ECS_FIELDS);
    this.fields = Object.entries(options.fields ?? DEFAULT_IOC_FIELDS).map(([f, k]) => [f, k, ecs.has(f)]);
    this.disabled = options.disabled ?? new Set();
    const patterns = options.patterns ?? [];
    for (const p of patterns) {
      const root = p.pattern.root;
      if (root.kind === 'observation') this.single.push({ p, key: disabledKey(p), comparison: root.comparison });
      else this.multi.push({ p, key: disabledKey(p) });
    }
  }

  detect(events: readonly SocEvent[]): AlertDraft[] {
    const out: AlertDraft[] = [];
    const hits: number[] = [];
    const alerted: number[] = [];
    for (const event of events) {
      alerted.length = 0;
      const ecsOf = event.ecs as Readonly<Record<string, string | number | undefined>>;
      // Composite raw hash fields (Sysmon "Hashes") are only parsed when the ECS projection has
      // no hash of its own, which otherwise carries the same values at a fraction of the cost.
      const ecsHashes =
        ecsOf['file.hash.sha256'] !== undefined ||
        ecsOf['file.hash.sha1'] !== undefined ||
        ecsOf['file.hash.md5'] !== undefined;
      for (const [field, kind, isEcs] of this.fields) {
        if (!isEcs && kind === 'hash' && ecsHashes) continue;
        const raw: FieldValue | undefined = isEcs ? ecsOf[field] : event.fields[field];
        if (raw === undefined || raw === null) continue;
        const text = typeof raw === 'string' ? raw : fieldText(raw);
        if (text === undefined || text === '') continue;
        hits.length = 0;
        this.lookup(kind, text, hits);
        if (kind === 'url') {
          const host = hostOf(text);
          if (host) this.options.index.lookupDomain(host, hits);
        }
        for (const ordinal of hits) {
          // One alert per indicator and event, even when several fields carry the value.
          if (alerted.includes(ordinal)) continue;
          alerted.push(ordinal);
          const alert = this.simpleAlert(event, field, kind, text, ordinal);
          if (alert) out.push(alert);
        }
      }
    }
    if (this.single.length > 0 || this.multi.length > 0) this.patternAlerts(events, out);
    return out;
  }

  private lookup(kind: IocKind, text: string, out: number[]): void {
    const index = this.options.index;
    switch (kind) {
      case 'ip':
        index.lookupIp(text, out);
        return;
      case 'domain': {
        const d = text.endsWith('.') ? text.slice(0, -1).toLowerCase() : text.toLowerCase();
        index.lookupDomain(d, out);
        return;
      }
      case 'url': {
        const u = normaliseUrl(text);
        if (u) index.lookupUrl(u, out);
        return;
      }
      case 'email':
        index.lookupEmail(text.trim().toLowerCase(), out);
        return;
      case 'hash': {
        const len = text.length;
        if (len === 32 || len === 40 || len === 64 || len === 128) {
          index.lookupHash(text.toLowerCase(), out);
          return;
        }
        // Composite fields such as Sysmon's "MD5=…,SHA256=…".
        for (const m of text.matchAll(HASH_TOKEN)) index.lookupHash(m[0].toLowerCase(), out);
        return;
      }
      default:
        return;
    }
  }

  private score(meta: { confidence?: number; created?: number; validFrom?: number }, at: number): number {
    const model = this.options.decay === false ? undefined : (this.options.decay ?? DEFAULT_DECAY);
    return model ? decayScore(meta, at, model) : (meta.confidence ?? DEFAULT_DECAY.defaultBase);
  }

  private simpleAlert(
    event: SocEvent,
    field: string,
    kind: IocKind,
    value: string,
    ordinal: number,
  ): AlertDraft | undefined {
    const index = this.options.index;
    const life = index.lifecycle(ordinal);
    if (inactiveReason(life, event.time, this.options.decay ?? DEFAULT_DECAY)) return undefined;
    const score = this.score(life, event.time);
    if (score < (this.options.minScore ?? 0)) return undefined;
    const ind = index.get(ordinal);
    const entities: Entity[] = [{ type: entityType(kind), value, ...(ROLE[field] ? { role: ROLE[field] } : {}) }];
    addContextEntities(event, entities);
    const title = ind.name ?? `${kind} indicator ${ind.value || value}`;
    return {
      time: event.time,
      detector: { kind: 'ioc', ruleId: ind.id, ruleTitle: title },
      severity: severityOf(score),
      tactics: ind.tactics ?? [],
      techniques: ind.techniques ?? [],
      entities,
      eventIds: [event.id],
      summary: `${field} ${value} matches ${title}`,
      details: {
        field,
        value,
        indicator: ind.id,
        score: Math.round(score),
        ...(ind.source === undefined ? {} : { source: ind.source }),
        ...(ind.tlp === undefined ? {} : { tlp: ind.tlp }),
        sighting: this.sighting(ind.id, [event]),
      },
    };
  }

  private sighting(indicatorId: string, events: readonly SocEvent[]) {
    const times = events.map((e) => e.time);
    return buildSighting(
      {
        indicatorId,
        firstSeen: Math.min(...times),
        lastSeen: Math.max(...times),
        count: events.length,
        eventIds: events.map((e) => e.id),
        ...(this.options.identity === undefined ? {} : { whereSighted: this.options.identity }),
      },
      this.options.now?.() ?? Date.now(),
    );
  }

  private patternAlerts(events: readonly SocEvent[], out: AlertDraft[]): void {
    const observations: Observation[] = events.map((e) => observationFromEvent(e));
    const model = this.options.decay ?? DEFAULT_DECAY;
    const emit = (p: PatternIndicator, matched: readonly SocEvent[]): void => {
      const last = matched[matched.length - 1] as SocEvent;
      if (inactiveReason(p, last.time, model)) return;
      const score = this.score(p, last.time);
      if (score < (this.options.minScore ?? 0)) return;
      const entities: Entity[] = [];
      addContextEntities(last, entities);
      const title = p.name ?? `pattern ${p.source_pattern}`;
      out.push({
        time: last.time,
        detector: { kind: 'ioc', ruleId: p.id, ruleTitle: title },
        severity: severityOf(score),
        tactics: p.tactics ?? [],
        techniques: p.techniques ?? [],
        entities,
        eventIds: matched.map((e) => e.id),
        summary: `events match ${title}`,
        details: {
          pattern: p.source_pattern,
          indicator: p.id,
          score: Math.round(score),
          sighting: this.sighting(p.id, matched),
        },
      });
    };
    const budget = new BatchBudget(
      this.options.budgetMs ?? DEFAULT_PATTERN_BUDGET_MS,
      this.options.clock ?? (() => performance.now()),
    );
    // True when `p` may go on; otherwise the costliest indicator (maybe `p`) was disabled.
    const charge = (p: PatternIndicator, key: string, event: SocEvent): boolean => {
      const over = budget.charge(p.id);
      if (over) this.disable(over.id, over.spentMs, budget.budgetMs, event, out);
      return !this.disabled.has(key);
    };
    for (const { p, key, comparison } of this.single) {
      if (this.disabled.has(key)) continue;
      for (let i = 0; i < events.length; i++) {
        const e = events[i] as SocEvent;
        if (matchesObservation(comparison, observations[i] as Observation)) emit(p, [e]);
        // The clock is read every few events: one evaluation is short (linear matchers, limited patterns).
        if ((i % CHARGE_EVERY === CHARGE_EVERY - 1 || i === events.length - 1) && !charge(p, key, e)) break;
      }
    }
    // Multi-observation patterns (AND/OR/FOLLOWEDBY, qualifiers) are evaluated within the batch;
    // windows spanning batches belong to the correlation stage.
    for (const { p, key } of this.multi) {
      if (this.disabled.has(key)) continue;
      const r = matchPattern(p.pattern, observations);
      if (!charge(p, key, events[events.length - 1] as SocEvent)) continue;
      if (r.matched)
        emit(
          p,
          r.observations.map((i) => events[i] as SocEvent),
        );
    }
  }

  /** Takes an indicator out of detection and raises an alert naming it. */
  private disable(id: string, spentMs: number, budgetMs: number, event: SocEvent, out: AlertDraft[]): void {
    const p = [...this.single, ...this.multi].find((x) => x.p.id === id)?.p;
    const key = p ? disabledKey(p) : id;
    if (this.disabled.has(key)) return;
    this.disabled.add(key);
    const d: DisabledIndicator = {
      id,
      ...(p?.name === undefined ? {} : { name: p.name }),
      spentMs: Math.round(spentMs),
      budgetMs,
      eventId: event.id,
    };
    this.options.onDisabled?.(d);
    const title = p?.name ?? `pattern ${p?.source_pattern ?? id}`;
    out.push({
      time: event.time,
      detector: { kind: 'ioc', ruleId: id, ruleTitle: `indicator disabled: ${title}` },
      severity: 'medium',
      tactics: [],
      techniques: [],
      entities: [],
      eventIds: [event.id],
      summary: `indicator ${id} disabled: it used ${d.spentMs} ms of the ${budgetMs} ms pattern budget of a batch`,
      details: {
        indicator: id,
        disabled: true,
        spentMs: d.spentMs,
        budgetMs,
        ...(p ? { pattern: p.source_pattern } : {}),
      },
    });
  }
}

/** Key of an indicator version in the disabled set: a changed indicator gets a new chance. */
export function disabledKey(p: { readonly id: string; readonly created?: number }): string {
  return p.created === undefined ? p.id : `${p.id}@${p.created}`;
}

function hostOf(url: string): string | undefined {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]+\]|[^:/?#]+)/.exec(url);
  return m ? (m[1] as string).toLowerCase() : undefined;
}

const CONTEXT: readonly [EcsField, EntityType, string][] = [
  ['host.name', 'host', 'host'],
  ['user.name', 'user', 'actor'],
];

function addContextEntities(event: SocEvent, entities: Entity[]): void {
  for (const [field, type, role] of CONTEXT) {
    const v = event.ecs[field];
    if (v !== undefined && v !== '') entities.push({ type, value: String(v), role });
  }
}
