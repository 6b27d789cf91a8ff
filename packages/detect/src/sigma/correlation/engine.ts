/**
 * @module
 * Streaming evaluation of Sigma correlation rules over base-rule matches, with sliding windows
 * per group-by key, chaining (a correlation's hits feed the correlations that reference it) and
 * state bounded by the timespan.
 *
 * When a condition is checked: conditions that only become true as matches arrive (`gt`/`gte`
 * counts, all rules seen for temporal types) are checked at each arrival over the window that
 * ends there, so any window satisfying them is found; the group then starts afresh, so one burst
 * raises one alert. Conditions that can become false as matches arrive (`lt`, `lte`, `eq`, `neq`,
 * averages, numeric percentiles) are checked when a window closes: a window opens at a group's
 * first match and closes a timespan later (on a later match or a clock advance).
 * `value_percentile` without a `percentile` key checks, at each arrival, the share (0-100) of
 * the group's window whose field value equals the arriving one: the rarity of that value.
 */
import type { CompiledCorrelation } from './compile.js';
import type { CorrelationStateStore, StoredGroup } from './state-store.js';
import { MemoryStateStore } from './state-store.js';

/** A match fed into correlations: a base rule's event, or a lower correlation's hit. */
export interface CorrelationInput {
  /** Key of the rule or correlation that matched. */
  readonly source: string;
  readonly time: number;
  /** Ids of the events behind the match. */
  readonly eventIds: readonly string[];
  /** Field value as text (for group-by, value fields). */
  readonly value: (field: string) => string | undefined;
}

/** A correlation that fired. */
export interface CorrelationHit {
  readonly correlation: CompiledCorrelation;
  readonly time: number;
  readonly groupValues: Readonly<Record<string, string | null>>;
  readonly eventIds: readonly string[];
  /** The aggregate compared: count, distinct values, sum, average, percentile or share. */
  readonly value: number;
}

interface Entry {
  t: number;
  /** Index of the source in `refs`. */
  s: number;
  /** Field value (value types). */
  v?: string;
  e: string[];
}

interface Group {
  entries: Entry[];
  values: Record<string, string | null>;
  /** Start of the current window (closing evaluation). */
  anchor: number;
}

/** Limits that keep hostile streams from growing state without bound. */
export interface CorrelationLimits {
  readonly maxEntriesPerGroup: number;
  readonly maxGroupsPerRule: number;
  readonly maxEventIdsPerHit: number;
}

const DEFAULT_LIMITS: CorrelationLimits = {
  maxEntriesPerGroup: 10_000,
  maxGroupsPerRule: 100_000,
  maxEventIdsPerHit: 100,
};

function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'eq':
      return a === b;
    default:
      return a !== b;
  }
}

function onArrival(c: CompiledCorrelation): boolean {
  if (c.type === 'value_avg') return false;
  if (c.type === 'value_percentile') return c.percentile === undefined;
  return c.condition.every((k) => k.op === 'gt' || k.op === 'gte');
}

/** Correlation rules over a stream of matches, for one scope (tenant). */
export class CorrelationEngine {
  private readonly byKey = new Map<string, CompiledCorrelation>();
  /** source key → correlations that reference it. */
  private readonly consumers = new Map<string, CompiledCorrelation[]>();
  private readonly state = new Map<string, Map<string, Group>>();
  private readonly dirty = new Map<string, Set<string>>();
  private readonly store: CorrelationStateStore;
  private readonly scope: string;
  private readonly limits: CorrelationLimits;
  private watermark = 0;
  /** Earliest time a window may need closing or state may expire; sweeps run only past it. */
  private nextSweep = 0;

  constructor(
    correlations: readonly CompiledCorrelation[],
    options: { store?: CorrelationStateStore; scope?: string; limits?: Partial<CorrelationLimits> } = {},
  ) {
    this.store = options.store ?? new MemoryStateStore();
    this.scope = options.scope ?? 'default';
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    for (const c of correlations) {
      this.byKey.set(c.key, c);
      for (const r of new Set(c.refs)) {
        const list = this.consumers.get(r);
        if (list) list.push(c);
        else this.consumers.set(r, [c]);
      }
      this.state.set(c.key, new Map());
    }
    for (const g of this.store.load(this.scope)) {
      const groups = this.state.get(g.correlation);
      if (!groups) continue; // the rule is gone; its state is dropped at the next checkpoint
      try {
        groups.set(g.group, JSON.parse(g.state) as Group);
        for (const e of (JSON.parse(g.state) as Group).entries) this.watermark = Math.max(this.watermark, e.t);
      } catch {
        // a corrupt row only loses that group's window
      }
    }
  }

  /** True when some correlation consumes matches of this rule key. */
  consumes(source: string): boolean {
    return this.consumers.has(source);
  }

  /** Feeds one match; returns the hits it causes, chained correlations included. */
  push(input: CorrelationInput): CorrelationHit[] {
    const hits: CorrelationHit[] = [];
    if (input.time > this.nextSweep) hits.push(...this.advance(input.time));
    else this.watermark = Math.max(this.watermark, input.time);
    const queue: CorrelationInput[] = [input];
    for (let guard = 0; queue.length > 0 && guard < 10_000; guard++) {
      const item = queue.shift() as CorrelationInput;
      for (const c of this.consumers.get(item.source) ?? []) {
        for (const hit of this.feed(c, item)) {
          hits.push(hit);
          queue.push(hitAsInput(hit));
        }
      }
    }
    return hits;
  }

  /** Moves the clock: closes windows that ended before `now` and drops expired state. */
  advance(now: number): CorrelationHit[] {
    this.watermark = Math.max(this.watermark, now);
    const hits: CorrelationHit[] = [];
    // Full sweeps are at most once a minute of event time, or when a window is due to close.
    let next = now + 60_000;
    for (const [key, groups] of this.state) {
      const c = this.byKey.get(key) as CompiledCorrelation;
      for (const [gk, g] of groups) {
        if (!onArrival(c)) {
          while (g.entries.length > 0 && g.anchor + c.timespanMs < now) {
            const hit = this.close(c, gk, g);
            if (hit) hits.push(hit);
          }
        } else {
          prune(g, now - c.timespanMs);
        }
        if (g.entries.length === 0) {
          groups.delete(gk);
          this.markDirty(key, gk);
        } else if (!onArrival(c)) next = Math.min(next, g.anchor + c.timespanMs);
      }
    }
    this.nextSweep = next;
    const chained: CorrelationHit[] = [];
    for (const h of hits) chained.push(...this.push(hitAsInput(h)));
    return [...hits, ...chained];
  }

  /** Closes every open window (end of a hunt). */
  flush(): CorrelationHit[] {
    return this.advance(Number.MAX_SAFE_INTEGER);
  }

  /** Writes changed groups to the store. Call after each batch. */
  checkpoint(): void {
    const upserts: StoredGroup[] = [];
    const deletes: { correlation: string; group: string }[] = [];
    for (const [key, groups] of this.dirty) {
      const c = this.byKey.get(key);
      const state = this.state.get(key);
      for (const gk of groups) {
        const g = state?.get(gk);
        if (!c || !g || g.entries.length === 0) deletes.push({ correlation: key, group: gk });
        else {
          const last = g.entries[g.entries.length - 1] as Entry;
          upserts.push({ correlation: key, group: gk, state: JSON.stringify(g), expires: last.t + c.timespanMs });
        }
      }
    }
    this.dirty.clear();
    if (upserts.length > 0 || deletes.length > 0) this.store.save(this.scope, upserts, deletes);
  }

  /** Number of open groups (for metrics and tests). */
  openGroups(): number {
    let n = 0;
    for (const g of this.state.values()) n += g.size;
    return n;
  }

  private markDirty(key: string, gk: string): void {
    let s = this.dirty.get(key);
    if (!s) this.dirty.set(key, (s = new Set()));
    s.add(gk);
  }

  private fieldFor(c: CompiledCorrelation, field: string, source: string): string {
    return c.aliases.get(field)?.get(source) ?? field;
  }

  private feed(c: CompiledCorrelation, input: CorrelationInput): CorrelationHit[] {
    const srcIndex = c.refs.indexOf(input.source);
    const values: Record<string, string | null> = {};
    for (const g of c.groupBy) values[g] = input.value(this.fieldFor(c, g, input.source)) ?? null;
    const gk = JSON.stringify(c.groupBy.map((g) => values[g]));
    const groups = this.state.get(c.key) as Map<string, Group>;
    let group = groups.get(gk);
    const hits: CorrelationHit[] = [];
    if (group && !onArrival(c)) {
      // Windows that ended before this match close first.
      while (group.entries.length > 0 && group.anchor + c.timespanMs < input.time) {
        const hit = this.close(c, gk, group);
        if (hit) hits.push(hit);
      }
    }
    if (!group) {
      if (groups.size >= this.limits.maxGroupsPerRule) evictOldest(groups);
      group = { entries: [], values, anchor: input.time };
      groups.set(gk, group);
    }
    if (group.entries.length === 0) group.anchor = input.time;
    if (!onArrival(c)) this.nextSweep = Math.min(this.nextSweep, group.anchor + c.timespanMs);
    const entry: Entry = { t: input.time, s: srcIndex, e: input.eventIds.slice(0, this.limits.maxEventIdsPerHit) };
    if (c.field.length > 0) {
      const parts = c.field.map((f) => input.value(this.fieldFor(c, f, input.source)));
      if (!parts.some((p) => p === undefined)) entry.v = parts.join('\u0000');
    }
    insertSorted(group.entries, entry);
    if (group.entries.length > this.limits.maxEntriesPerGroup) group.entries.shift();
    this.markDirty(c.key, gk);
    if (onArrival(c)) {
      prune(group, input.time - c.timespanMs);
      const window = group.entries.filter((e) => e.t <= input.time);
      const value = aggregate(c, window, entry);
      if (value !== undefined && this.holds(c, window, value)) {
        hits.push(this.hit(c, group, window, input.time, value));
        if (c.type !== 'value_percentile') group.entries = group.entries.filter((e) => e.t > input.time);
      }
    }
    return hits;
  }

  private close(c: CompiledCorrelation, gk: string, g: Group): CorrelationHit | undefined {
    const end = g.anchor + c.timespanMs;
    const window = g.entries.filter((e) => e.t <= end);
    g.entries = g.entries.filter((e) => e.t > end);
    g.anchor = g.entries[0]?.t ?? end;
    this.markDirty(c.key, gk);
    const value = aggregate(c, window, undefined);
    if (value === undefined || !this.holds(c, window, value)) return undefined;
    return this.hit(c, g, window, end, value);
  }

  private holds(c: CompiledCorrelation, window: readonly Entry[], value: number): boolean {
    if (c.type === 'temporal' || c.type === 'temporal_ordered') {
      if (c.condition.length === 0) return value >= new Set(c.refs).size;
    }
    return c.condition.every((k) => compare(k.op, value, k.value));
  }

  private hit(c: CompiledCorrelation, g: Group, window: readonly Entry[], time: number, value: number): CorrelationHit {
    const ids: string[] = [];
    for (const e of window)
      for (const id of e.e) if (ids.length < this.limits.maxEventIdsPerHit && !ids.includes(id)) ids.push(id);
    return { correlation: c, time, groupValues: g.values, eventIds: ids, value };
  }
}

function aggregate(c: CompiledCorrelation, window: readonly Entry[], current: Entry | undefined): number | undefined {
  switch (c.type) {
    case 'event_count':
      return window.length;
    case 'value_count':
      return new Set(window.filter((e) => e.v !== undefined).map((e) => e.v)).size;
    case 'temporal':
      return new Set(window.map((e) => e.s)).size;
    case 'temporal_ordered': {
      // Longest prefix of `refs` seen in order (greedy earliest matching is optimal).
      let next = 0;
      for (const e of window) if (e.s === next) next++;
      return next;
    }
    case 'value_sum':
    case 'value_avg': {
      const nums = window.map((e) => Number(e.v)).filter((n) => isFiniteNumber(n));
      if (nums.length === 0) return undefined;
      const sum = nums.reduce((a, b) => a + b, 0);
      return c.type === 'value_sum' ? sum : sum / nums.length;
    }
    case 'value_percentile': {
      if (c.percentile === undefined) {
        if (!current || current.v === undefined || window.length === 0) return undefined;
        const same = window.filter((e) => e.v === current.v).length;
        return (same / window.length) * 100;
      }
      const nums = window
        .map((e) => Number(e.v))
        .filter((n) => isFiniteNumber(n))
        .sort((a, b) => a - b);
      if (nums.length === 0) return undefined;
      const idx = Math.min(nums.length - 1, Math.max(0, Math.ceil((c.percentile / 100) * nums.length) - 1));
      return nums[idx];
    }
  }
}

function isFiniteNumber(n: number): boolean {
  return Number.isFinite(n);
}

function prune(g: Group, from: number): void {
  let i = 0;
  while (i < g.entries.length && (g.entries[i] as Entry).t < from) i++;
  if (i > 0) g.entries.splice(0, i);
}

function insertSorted(entries: Entry[], e: Entry): void {
  let i = entries.length;
  while (i > 0 && (entries[i - 1] as Entry).t > e.t) i--;
  entries.splice(i, 0, e);
}

function evictOldest(groups: Map<string, Group>): void {
  let oldestKey: string | undefined;
  let oldest = Number.POSITIVE_INFINITY;
  for (const [k, g] of groups) {
    const last = g.entries[g.entries.length - 1]?.t ?? 0;
    if (last < oldest) {
      oldest = last;
      oldestKey = k;
    }
  }
  if (oldestKey !== undefined) groups.delete(oldestKey);
}

function hitAsInput(h: CorrelationHit): CorrelationInput {
  return {
    source: h.correlation.key,
    time: h.time,
    eventIds: h.eventIds,
    value: (f) => h.groupValues[f] ?? undefined,
  };
}
