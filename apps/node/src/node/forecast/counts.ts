/**
 * @module
 * The tenant's hourly count series, read from the node's stores: alerts, alerts per ATT&CK
 * technique and tactic (from the alert documents), incidents (by first activity), stored events
 * (by block, spread over the block's time range), and peers' indicator sightings: the
 * federation keeps those as running totals per indicator and peer (`fed_landed`), so each read
 * adds what the totals grew by since the last read to the current hour, and sightings published
 * on the bus (`federation.sightings.<tenant>`) are counted as they come. Queries are bounded by
 * the history window and the number of technique series.
 */
import type { AuthContext } from '@intersoc/core';
import type { CountSeries, CountSource, SqliteForecastStore } from '@intersoc/forecast';
import type { SqliteDb } from '@intersoc/storage';

const HOUR = 3_600_000;
/** Technique series kept per tenant: the busiest ones. */
export const MAX_TECHNIQUE_SERIES = 30;

/** Where the counts are. */
export interface CountStores {
  /** events.db (a read connection): alerts and event blocks. */
  readonly events: SqliteDb;
  /** The node database: incidents. */
  readonly node: SqliteDb;
  readonly forecasts: SqliteForecastStore;
}

/** The running total the federation's landed sightings had at the last read (hour 0 of a marker series). */
const LANDED_MARK = '_landed_total';

/**
 * Adds the growth of the tenant's landed sightings since the last read to the current hour. The
 * first read only records the total: history before forecasting began has no hours.
 */
export function sampleLandedSightings(s: CountStores, ctx: AuthContext, now = Date.now()): number {
  let total: number;
  try {
    total = (
      s.node.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM fed_landed WHERE tenant = ?').get(ctx.tenant) as {
        n: number;
      }
    ).n;
  } catch {
    return 0; // no federation store on this node
  }
  const mark = s.forecasts.counts(ctx, LANDED_MARK, 0, 1)[0];
  if (mark === undefined) {
    s.forecasts.bumpCount(ctx, LANDED_MARK, 0, total);
    return 0;
  }
  const delta = total - mark.value;
  if (delta === 0) return 0;
  s.forecasts.bumpCount(ctx, LANDED_MARK, 0, delta);
  if (delta > 0) s.forecasts.bumpCount(ctx, 'sightings', now, delta);
  return Math.max(0, delta);
}

/** The node's count source. */
export function nodeCountSource(s: CountStores): CountSource {
  return {
    hourly(ctx: AuthContext, from: number, to: number): CountSeries[] {
      sampleLandedSightings(s, ctx);
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

      for (const r of s.events
        .prepare(
          `SELECT (time / ${HOUR}) * ${HOUR} AS hour, COUNT(*) AS n FROM alerts
            WHERE tenant = ? AND time >= ? AND time < ? GROUP BY hour`,
        )
        .all(ctx.tenant, from, to) as { hour: number; n: number }[])
        add('alerts', 'alerts', r.hour, r.n);

      const techniques = s.events
        .prepare(
          `SELECT (a.time / ${HOUR}) * ${HOUR} AS hour, j.value AS tech, COUNT(*) AS n
             FROM alerts a, json_each(a.doc, '$.techniques') j
            WHERE a.tenant = ? AND a.time >= ? AND a.time < ? GROUP BY hour, tech`,
        )
        .all(ctx.tenant, from, to) as { hour: number; tech: string; n: number }[];
      const totals = new Map<string, number>();
      for (const r of techniques) totals.set(r.tech, (totals.get(r.tech) ?? 0) + r.n);
      const keep = new Set(
        [...totals.entries()]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, MAX_TECHNIQUE_SERIES)
          .map(([id]) => id),
      );
      for (const r of techniques) if (keep.has(r.tech)) add(`technique:${r.tech}`, 'technique', r.hour, r.n);

      for (const r of s.events
        .prepare(
          `SELECT (a.time / ${HOUR}) * ${HOUR} AS hour, j.value AS tech, COUNT(*) AS n
             FROM alerts a, json_each(a.doc, '$.tactics') j
            WHERE a.tenant = ? AND a.time >= ? AND a.time < ? GROUP BY hour, tech`,
        )
        .all(ctx.tenant, from, to) as { hour: number; tech: string; n: number }[])
        add(`tactic:${r.tech}`, 'tactic', r.hour, r.n);

      for (const r of s.node
        .prepare(
          `SELECT (first_seen / ${HOUR}) * ${HOUR} AS hour, COUNT(*) AS n FROM incidents
            WHERE tenant = ? AND status != 'merged' AND first_seen >= ? AND first_seen < ? GROUP BY hour`,
        )
        .all(ctx.tenant, from, to) as { hour: number; n: number }[])
        add('incidents', 'incidents', r.hour, r.n);

      // a block holds one day of one tenant; its events are spread evenly over its time range
      for (const b of s.events
        .prepare('SELECT t_min, t_max, count FROM blocks WHERE tenant = ? AND t_max >= ? AND t_min < ?')
        .all(ctx.tenant, from, to) as { t_min: number; t_max: number; count: number }[]) {
        const h0 = Math.floor(b.t_min / HOUR) * HOUR;
        const h1 = Math.floor(b.t_max / HOUR) * HOUR;
        const hours = (h1 - h0) / HOUR + 1;
        for (let h = h0; h <= h1; h += HOUR) add('events', 'events', h, b.count / hours);
      }

      for (const r of s.forecasts.counts(ctx, 'sightings', from, to)) add('sightings', 'sightings', r.hour, r.value);
      return [...series.values()];
    },
  };
}
