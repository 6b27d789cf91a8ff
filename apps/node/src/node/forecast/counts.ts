/**
 * @module
 * The tenant's hourly count series, read from the node's stores: alerts, alerts per ATT&CK
 * technique and tactic (from the alert documents), incidents (by first activity), stored events
 * (by block, spread over the block's time range), and peers' indicator sightings: the
 * federation keeps those as running totals per indicator and peer (`fed_landed`), so each read
 * adds what the totals grew by since the last read to the current hour, and sightings published
 * on the bus (`federation.sightings.<tenant>`) are counted as they come. Queries are bounded by
 * the history window and the number of technique series.
 *
 * The series are built here once (`countSource`) from rows a `CountReads` gives: SQLite's here
 * (`sqliteCountReads`), PostgreSQL's in `pg-counts.ts`, so both stores count alike.
 */
import type { AuthContext } from '@intersoc/core';
import type { CountSeries, CountSource, ForecastStore } from '@intersoc/forecast';
import type { SqliteDb } from '@intersoc/storage';

const HOUR = 3_600_000;
/** Technique series kept per tenant: the busiest ones. */
export const MAX_TECHNIQUE_SERIES = 30;

/** A count per hour (hour start, epoch ms). */
export interface HourRow {
  readonly hour: number;
  readonly n: number;
}

/** A count per hour and ATT&CK id (technique or tactic). */
export interface LabelRow extends HourRow {
  readonly tech: string;
}

/** An event block's time range and size. */
export interface BlockRow {
  readonly t_min: number;
  readonly t_max: number;
  readonly count: number;
}

/** The rows the series are made of, read from one store; each over [from, to) of the tenant. */
export interface CountReads {
  /** Alerts per hour. */
  alerts(ctx: AuthContext, from: number, to: number): HourRow[];
  /** Alerts per hour and entry of their `techniques` or `tactics` list. */
  alertLabels(ctx: AuthContext, list: 'techniques' | 'tactics', from: number, to: number): LabelRow[];
  /** Incidents (not merged) per hour of first activity. */
  incidents(ctx: AuthContext, from: number, to: number): HourRow[];
  /** Event blocks overlapping the window. */
  blocks(ctx: AuthContext, from: number, to: number): BlockRow[];
  /** The running total of the tenant's landed sightings; undefined without a federation store. */
  landedTotal(ctx: AuthContext): number | undefined;
  /**
   * Runs `fn` so that no other process samples the tenant's landed sightings meanwhile (where
   * several share the store), so the total read and the mark swapped follow one order.
   */
  exclusive?<T>(ctx: AuthContext, fn: () => T): T;
}

/** Where the counts are. */
export interface CountStores {
  /** events.db (a read connection): alerts and event blocks. */
  readonly events: SqliteDb;
  /** The node database: incidents. */
  readonly node: SqliteDb;
  readonly forecasts: ForecastStore;
}

/** The running total the federation's landed sightings had at the last read (hour 0 of a marker series). */
const LANDED_MARK = '_landed_total';

/**
 * Adds the growth of the tenant's landed sightings since the last read to the current hour. The
 * first read only records the total: history before forecasting began has no hours. The mark is
 * swapped atomically (`swapCount`), so two processes reading at once count each growth once.
 */
export function sampleLanded(reads: CountReads, forecasts: ForecastStore, ctx: AuthContext, now = Date.now()): number {
  const sample = (): number => {
    const total = reads.landedTotal(ctx);
    if (total === undefined) return 0; // no federation store here
    const mark = forecasts.swapCount(ctx, LANDED_MARK, 0, total);
    if (mark === undefined) return 0;
    // A smaller total (sightings removed) only moves the mark down.
    const delta = total - mark;
    if (delta > 0) forecasts.bumpCount(ctx, 'sightings', now, delta);
    return Math.max(0, delta);
  };
  return reads.exclusive ? reads.exclusive(ctx, sample) : sample();
}

/** `sampleLanded` over the node's SQLite stores. */
export function sampleLandedSightings(s: CountStores, ctx: AuthContext, now = Date.now()): number {
  return sampleLanded(sqliteCountReads(s), s.forecasts, ctx, now);
}

/** The count rows of the node's SQLite stores. */
export function sqliteCountReads(s: Omit<CountStores, 'forecasts'>): CountReads {
  return {
    alerts: (ctx, from, to) =>
      s.events
        .prepare(
          `SELECT (time / ${HOUR}) * ${HOUR} AS hour, COUNT(*) AS n FROM alerts
            WHERE tenant = ? AND time >= ? AND time < ? GROUP BY hour`,
        )
        .all(ctx.tenant, from, to) as HourRow[],
    alertLabels: (ctx, list, from, to) =>
      s.events
        .prepare(
          `SELECT (a.time / ${HOUR}) * ${HOUR} AS hour, j.value AS tech, COUNT(*) AS n
             FROM alerts a, json_each(a.doc, '$.${list}') j
            WHERE a.tenant = ? AND a.time >= ? AND a.time < ? GROUP BY hour, tech`,
        )
        .all(ctx.tenant, from, to) as LabelRow[],
    incidents: (ctx, from, to) =>
      s.node
        .prepare(
          `SELECT (first_seen / ${HOUR}) * ${HOUR} AS hour, COUNT(*) AS n FROM incidents
            WHERE tenant = ? AND status != 'merged' AND first_seen >= ? AND first_seen < ? GROUP BY hour`,
        )
        .all(ctx.tenant, from, to) as HourRow[],
    blocks: (ctx, from, to) =>
      s.events
        .prepare('SELECT t_min, t_max, count FROM blocks WHERE tenant = ? AND t_max >= ? AND t_min < ?')
        .all(ctx.tenant, from, to) as BlockRow[],
    landedTotal: (ctx) => {
      try {
        return (
          s.node.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM fed_landed WHERE tenant = ?').get(ctx.tenant) as {
            n: number;
          }
        ).n;
      } catch {
        return undefined; // no federation store on this node
      }
    },
  };
}

/** The hourly series from `reads`, with the sightings counted in `forecasts`. */
export function countSource(reads: CountReads, forecasts: ForecastStore): CountSource {
  return {
    hourly(ctx: AuthContext, from: number, to: number): CountSeries[] {
      sampleLanded(reads, forecasts, ctx);
      const n = Math.max(0, Math.round((to - from) / HOUR));
      const series = new Map<string, CountSeries>();
      const add = (name: string, kind: CountSeries['kind'], hour: number, v: number): void => {
        let c = series.get(name);
        if (!c) {
          c = { series: name, kind, values: new Float64Array(n) };
          series.set(name, c);
        }
        const i = Math.floor((hour - from) / HOUR);
        if (i >= 0 && i < n) c.values[i] = (c.values[i] ?? 0) + v;
      };
      // always present, so a quiet tenant still gets a (flat) forecast
      add('alerts', 'alerts', from, 0);
      add('incidents', 'incidents', from, 0);
      add('events', 'events', from, 0);
      add('sightings', 'sightings', from, 0);

      for (const r of reads.alerts(ctx, from, to)) add('alerts', 'alerts', r.hour, r.n);

      const techniques = reads.alertLabels(ctx, 'techniques', from, to);
      const totals = new Map<string, number>();
      for (const r of techniques) totals.set(r.tech, (totals.get(r.tech) ?? 0) + r.n);
      const keep = new Set(
        [...totals.entries()]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, MAX_TECHNIQUE_SERIES)
          .map(([id]) => id),
      );
      for (const r of techniques) if (keep.has(r.tech)) add(`technique:${r.tech}`, 'technique', r.hour, r.n);

      for (const r of reads.alertLabels(ctx, 'tactics', from, to)) add(`tactic:${r.tech}`, 'tactic', r.hour, r.n);

      for (const r of reads.incidents(ctx, from, to)) add('incidents', 'incidents', r.hour, r.n);

      // a block holds one day of one tenant; its events are spread evenly over its time range
      for (const b of reads.blocks(ctx, from, to)) {
        const h0 = Math.floor(b.t_min / HOUR) * HOUR;
        const h1 = Math.floor(b.t_max / HOUR) * HOUR;
        const hours = (h1 - h0) / HOUR + 1;
        for (let h = h0; h <= h1; h += HOUR) add('events', 'events', h, b.count / hours);
      }

      for (const r of forecasts.counts(ctx, 'sightings', from, to)) add('sightings', 'sightings', r.hour, r.value);
      return [...series.values()];
    },
  };
}

/** The node's count source (SQLite). */
export function nodeCountSource(s: CountStores): CountSource {
  return countSource(sqliteCountReads(s), s.forecasts);
}
