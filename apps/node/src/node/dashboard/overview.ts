/**
 * @module
 * Overview aggregates and search helpers for the dashboard: a live ingest-rate sampler per
 * tenant, alert aggregates and event histograms from the store, and the field catalogue of
 * recent events for query autocomplete. Everything that walks the store runs on the searcher
 * (reader threads, time budget, per-user limit).
 */
import { DEFAULT_TENANT, systemContext, type AuthContext } from '@intersoc/core';
import type { FieldInfo, OverviewService, RateSample } from '@intersoc/api';
import { techniqueById } from '@intersoc/simulate';
import { arrivalMark, arrivalsSince, type Arrivals, type SqliteEventReader } from '@intersoc/storage';
import type { Searcher } from '../search/searcher.js';

/** Samples kept per tenant (30 minutes at the default interval). */
const KEEP_SAMPLES = 360;

/**
 * Where the sampler counts arrivals: marks and counts since a mark, per tenant. The SQLite event
 * reader is one (`sqliteArrivals`); a PostgreSQL store gives another over its block and dead-letter ids.
 */
export interface ArrivalSource {
  mark(ctx: AuthContext): Arrivals['mark'] | Promise<Arrivals['mark']>;
  since(ctx: AuthContext, after: Arrivals['mark']): Arrivals | Promise<Arrivals>;
}

/** The arrivals of a SQLite event store (two primary-key range reads per tenant). */
export function sqliteArrivals(reader: SqliteEventReader): ArrivalSource {
  return { mark: (ctx) => arrivalMark(reader, ctx), since: (ctx, after) => arrivalsSince(reader, ctx, after) };
}

/**
 * Samples each tenant's stored events and dead letters every `intervalMs` from the store's
 * arrival marks (two primary-key range reads per tenant), so rates are per tenant and cost
 * nothing on the ingest path.
 */
export class RateSampler {
  private readonly marks = new Map<string, { t: number; mark: Arrivals['mark'] }>();
  private readonly samples = new Map<string, RateSample[]>();
  private timer: NodeJS.Timeout | undefined;
  private readonly arrivals: ArrivalSource;

  constructor(
    source: SqliteEventReader | ArrivalSource,
    private readonly tenants: () => Promise<readonly string[]>,
    private readonly intervalMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {
    this.arrivals = 'since' in source ? source : sqliteArrivals(source);
  }

  /** Starts periodic sampling. */
  start(onError: (err: unknown) => void): void {
    this.timer = setInterval(() => {
      this.tick().catch(onError);
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Takes one sample of every tenant. */
  async tick(): Promise<void> {
    const t = this.now();
    for (const tenant of await this.tenants()) {
      const ctx = systemContext(tenant);
      const prev = this.marks.get(tenant);
      if (!prev) {
        this.marks.set(tenant, { t, mark: await this.arrivals.mark(ctx) });
        continue;
      }
      const got = await this.arrivals.since(ctx, prev.mark);
      const seconds = Math.max(0.001, (t - prev.t) / 1000);
      const list = this.samples.get(tenant) ?? [];
      list.push({ t, events: got.events / seconds, deadLetters: got.deadLetters / seconds });
      if (list.length > KEEP_SAMPLES) list.splice(0, list.length - KEEP_SAMPLES);
      this.samples.set(tenant, list);
      this.marks.set(tenant, { t, mark: got.mark });
    }
  }

  /** Samples of a tenant, oldest first. */
  of(ctx: AuthContext): readonly RateSample[] {
    return this.samples.get(ctx.tenant) ?? [];
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/** What the overview reads. */
export interface OverviewDeps {
  readonly searcher: Searcher;
  readonly sampler: RateSampler;
  /**
   * Node-wide drops (UDP without credit), shown to the default tenant; absent where this process
   * takes no data (the api role), so no figure is shown rather than a zero it cannot know.
   */
  readonly dropped?: () => number;
}

const META_FIELDS = ['_format', '_source', '_kind', '_label'] as const;
const MAX_VALUES_TRACKED = 50;
const VALUES_SHOWN = 6;

/** Counts field names and frequent values over a sample of events. */
class FieldCounter {
  private readonly fields = new Map<string, { kind: FieldInfo['kind']; count: number; values: Map<string, number> }>();

  add(name: string, kind: FieldInfo['kind'], value: unknown): void {
    let f = this.fields.get(name);
    if (!f) {
      f = { kind, count: 0, values: new Map() };
      this.fields.set(name, f);
    }
    f.count++;
    if (value === null || value === undefined || typeof value === 'object') return;
    const text = String(value);
    if (text === '' || text.length > 80) return;
    const seen = f.values.get(text);
    if (seen !== undefined) f.values.set(text, seen + 1);
    else if (f.values.size < MAX_VALUES_TRACKED) f.values.set(text, 1);
  }

  result(): FieldInfo[] {
    return [...this.fields.entries()]
      .map(([name, f]) => ({
        name,
        kind: f.kind,
        count: f.count,
        values: [...f.values.entries()]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, VALUES_SHOWN)
          .map(([v]) => v),
      }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  }
}

/** The overview service. */
export function overviewService(d: OverviewDeps): OverviewService {
  return {
    async overview(ctx, w) {
      const { alerts: agg, events, states, stats, deadLettersInWindow } = await d.searcher.run(ctx, 'overview', w);
      return {
        generated: Date.now(),
        from: w.from,
        to: w.to,
        bucketMs: agg.bucketMs,
        rate: d.sampler.of(ctx),
        events: events.counts,
        alertsBySeverity: agg.bySeverity,
        alerts: { total: agg.total, ...states },
        topRules: agg.topRules,
        // Technique names come from the simulator's ATT&CK catalogue where it knows them.
        topTechniques: agg.topTechniques.map((t) => {
          const name = techniqueById(t.key)?.name;
          return name === undefined ? t : { ...t, label: `${t.key} ${name}` };
        }),
        topHosts: agg.topHosts,
        topUsers: agg.topUsers,
        ingest: {
          storedEvents: stats.events,
          deadLetters: stats.deadLetters,
          deadLettersInWindow,
          ...(ctx.tenant === DEFAULT_TENANT && d.dropped ? { dropped: d.dropped() } : {}),
        },
      };
    },

    async histogram(ctx, q) {
      const h = await d.searcher.run(ctx, 'histogram', q);
      return { from: h.from, to: q.to, bucketMs: h.bucketMs, counts: h.counts, total: h.total, partial: h.partial };
    },

    async fields(ctx, q) {
      const page = await d.searcher.run(ctx, 'events', {
        q: '',
        limit: q.sample,
        ...(q.from === undefined ? {} : { from: q.from }),
        ...(q.to === undefined ? {} : { to: q.to }),
      });
      const counter = new FieldCounter();
      for (const e of page.items) {
        counter.add('_format', 'meta', e.source.format);
        counter.add('_source', 'meta', e.source.name);
        counter.add('_kind', 'meta', e.source.kind);
        if (e.label !== undefined) counter.add('_label', 'meta', e.label);
        for (const [k, v] of Object.entries(e.ecs)) counter.add(k, 'ecs', v);
        for (const [k, v] of Object.entries(e.fields)) counter.add(k, 'field', Array.isArray(v) ? v[0] : v);
      }
      const out = counter.result();
      // The envelope fields are always offered, even before the first event arrives.
      for (const m of META_FIELDS)
        if (!out.some((f) => f.name === m)) out.push({ name: m, kind: 'meta', count: 0, values: [] });
      return out;
    },
  };
}
