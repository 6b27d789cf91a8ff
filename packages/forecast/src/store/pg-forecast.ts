/**
 * @module
 * The forecast store on PostgreSQL (migration step 16, `intersoc db migrate`), over the synchronous
 * bridge (`SyncPg` of `@intersoc/storage/postgres`), so the forecast service calls it exactly as
 * `SqliteForecastStore`. Same tables, same statements in `$n` placeholders, same answers: the
 * shared suite (`internal/testing.ts`) runs on both.
 *
 * Several processes may share the database. Upserts (`ON CONFLICT`) keep the last forecast and
 * sector count, and add concurrent count bumps up inside one row update; a count swap locks its
 * row (`FOR UPDATE`) so the next swap reads what it wrote. Adding warnings takes a per-tenant
 * advisory lock for its transaction: `ON CONFLICT DO NOTHING` alone already returns a
 * warning as new to one process only, and the lock keeps the trim to the newest `MAX_WARNINGS`
 * exact when two processes add at once.
 */
import type { AuthContext } from '@intersoc/core';
import type { Statement, SyncPg } from '@intersoc/storage/postgres';
import {
  hourOf,
  MAX_WARNINGS,
  toForecast,
  toWarning,
  type DocRow,
  type ForecastStore,
  type HourCount,
  type SectorTotal,
} from './forecast-store.js';
import type { ForecastWarning, Granularity, SectorCount, StoredForecast } from './types.js';

const PUT_FORECAST = `INSERT INTO forecast_series (tenant, series, granularity, made, doc) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (tenant, series, granularity) DO UPDATE SET made = excluded.made, doc = excluded.doc`;

const PUT_SECTOR_COUNT = `INSERT INTO forecast_sector_counts (tenant, sector, technique, member, day, count)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (tenant, sector, technique, member, day) DO UPDATE SET count = excluded.count`;

/** The forecast store on PostgreSQL. */
export class PgForecastStore implements ForecastStore {
  readonly #pg: SyncPg;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg) {
    this.#pg = pg;
  }

  putForecasts(ctx: AuthContext, list: readonly StoredForecast[]): void {
    if (list.length === 0) return;
    // One statement per forecast (not one multi-row INSERT): a series listed twice keeps the last, as in SQLite.
    const st: Statement[] = list.map((f) => ({
      text: PUT_FORECAST,
      params: [ctx.tenant, f.series, f.granularity, f.made, JSON.stringify(f)],
    }));
    this.#pg.transaction(() => this.#pg.batch(st));
  }

  forecasts(ctx: AuthContext, granularity?: Granularity): StoredForecast[] {
    const rows = granularity
      ? this.#pg.query<DocRow>(
          'SELECT doc FROM forecast_series WHERE tenant = $1 AND granularity = $2 ORDER BY series',
          [ctx.tenant, granularity],
        )
      : this.#pg.query<DocRow>('SELECT doc FROM forecast_series WHERE tenant = $1 ORDER BY series, granularity', [
          ctx.tenant,
        ]);
    return rows.map(toForecast);
  }

  forecast(ctx: AuthContext, series: string, granularity: Granularity): StoredForecast | undefined {
    const [row] = this.#pg.query<DocRow>(
      'SELECT doc FROM forecast_series WHERE tenant = $1 AND series = $2 AND granularity = $3',
      [ctx.tenant, series, granularity],
    );
    return row ? toForecast(row) : undefined;
  }

  addWarnings(ctx: AuthContext, list: readonly ForecastWarning[]): ForecastWarning[] {
    const st: Statement[] = [
      {
        text: "SELECT pg_advisory_xact_lock(hashtext('intersoc.forecast_warnings'), hashtext($1))",
        params: [ctx.tenant],
      },
      ...list.map((w) => ({
        text: 'INSERT INTO forecast_warnings (tenant, id, time, doc) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        params: [ctx.tenant, w.id, w.time, JSON.stringify(w)],
      })),
      {
        text: `DELETE FROM forecast_warnings WHERE tenant = $1 AND id IN (
                 SELECT id FROM forecast_warnings WHERE tenant = $1 ORDER BY time DESC, id OFFSET $2)`,
        params: [ctx.tenant, MAX_WARNINGS],
      },
    ];
    const results = this.#pg.transaction(() => this.#pg.batch(st));
    // results[0] is the lock; then one insert per warning, in order.
    return list.filter((_, i) => (results[i + 1]?.count ?? 0) > 0);
  }

  warnings(ctx: AuthContext, limit = 100): ForecastWarning[] {
    // SQLite reads a negative LIMIT as none; PostgreSQL rejects it, and reads LIMIT NULL as none.
    return this.#pg
      .query<DocRow>('SELECT doc FROM forecast_warnings WHERE tenant = $1 ORDER BY time DESC, id LIMIT $2', [
        ctx.tenant,
        limit < 0 ? null : limit,
      ])
      .map(toWarning);
  }

  putSectorCounts(ctx: AuthContext, rows: readonly SectorCount[]): number {
    if (rows.length === 0) return 0;
    const st: Statement[] = rows.map((r) => ({
      text: PUT_SECTOR_COUNT,
      params: [ctx.tenant, r.sector, r.technique, r.member, r.day, r.count],
    }));
    this.#pg.transaction(() => this.#pg.batch(st));
    return rows.length;
  }

  bumpCount(ctx: AuthContext, series: string, time: number, by = 1): void {
    this.#pg.run(
      `INSERT INTO forecast_counts (tenant, series, hour, value) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant, series, hour) DO UPDATE SET value = forecast_counts.value + excluded.value`,
      [ctx.tenant, series, hourOf(time), by],
    );
  }

  swapCount(ctx: AuthContext, series: string, time: number, value: number): number | undefined {
    const key = [ctx.tenant, series, hourOf(time)];
    // FOR UPDATE holds the row until commit; a concurrent swap waits and then reads this value.
    // Two first swaps (no row yet) both read none: the second's insert becomes an update.
    const [old] = this.#pg.transaction(() =>
      this.#pg.batch([
        {
          text: 'SELECT value FROM forecast_counts WHERE tenant = $1 AND series = $2 AND hour = $3 FOR UPDATE',
          params: key,
        },
        {
          text: `INSERT INTO forecast_counts (tenant, series, hour, value) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant, series, hour) DO UPDATE SET value = excluded.value`,
          params: [...key, value],
        },
      ]),
    );
    const row = old?.rows[0] as { value: number } | undefined;
    return row?.value;
  }

  counts(ctx: AuthContext, series: string, from: number, to: number): HourCount[] {
    return this.#pg.query<HourCount>(
      `SELECT hour, value FROM forecast_counts WHERE tenant = $1 AND series = $2 AND hour >= $3 AND hour < $4
        ORDER BY hour`,
      [ctx.tenant, series, from, to],
    );
  }

  sectorTotals(ctx: AuthContext, from: number): SectorTotal[] {
    // SUM of bigint is numeric, which the driver returns as a string: cast back to bigint (a number).
    return this.#pg.query<SectorTotal>(
      `SELECT sector, technique, day, SUM(count)::bigint AS count, COUNT(DISTINCT member) AS members
         FROM forecast_sector_counts WHERE tenant = $1 AND day >= $2
        GROUP BY sector, technique, day ORDER BY sector, technique, day`,
      [ctx.tenant, from],
    );
  }
}
