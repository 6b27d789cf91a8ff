/**
 * @module
 * SQLite store of forecasts, warnings and sector counts, in the node's main database. Every
 * call takes the caller's context and touches only its tenant. One writer per file makes each
 * transaction exclusive; `PgForecastStore` is the same store on PostgreSQL.
 */
import type { AuthContext } from '@intersoc/core';
import { migrate, type SqliteDb } from '@intersoc/storage';
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

const STEPS = [
  `CREATE TABLE forecast_series (
     tenant TEXT NOT NULL,
     series TEXT NOT NULL,
     granularity TEXT NOT NULL,
     made INTEGER NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, series, granularity)
   ) WITHOUT ROWID;
   CREATE TABLE forecast_warnings (
     tenant TEXT NOT NULL,
     id TEXT NOT NULL,
     time INTEGER NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, id)
   ) WITHOUT ROWID;
   CREATE INDEX forecast_warnings_by_time ON forecast_warnings (tenant, time);
   CREATE TABLE forecast_sector_counts (
     tenant TEXT NOT NULL,
     sector TEXT NOT NULL,
     technique TEXT NOT NULL,
     member TEXT NOT NULL,
     day INTEGER NOT NULL,
     count INTEGER NOT NULL,
     PRIMARY KEY (tenant, sector, technique, member, day)
   ) WITHOUT ROWID;`,
  // Counts the node sees go by on its bus (peers' sightings) rather than stores elsewhere.
  `CREATE TABLE forecast_counts (
     tenant TEXT NOT NULL,
     series TEXT NOT NULL,
     hour INTEGER NOT NULL,
     value INTEGER NOT NULL,
     PRIMARY KEY (tenant, series, hour)
   ) WITHOUT ROWID;`,
];

/** The forecast store on SQLite. */
export class SqliteForecastStore implements ForecastStore {
  constructor(private readonly db: SqliteDb) {
    migrate(db, 'forecast', STEPS);
  }

  putForecasts(ctx: AuthContext, list: readonly StoredForecast[]): void {
    const put = this.db.prepare(
      'INSERT OR REPLACE INTO forecast_series (tenant, series, granularity, made, doc) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const f of list) put.run(ctx.tenant, f.series, f.granularity, f.made, JSON.stringify(f));
    })();
  }

  forecasts(ctx: AuthContext, granularity?: Granularity): StoredForecast[] {
    const rows = (
      granularity
        ? this.db
            .prepare('SELECT doc FROM forecast_series WHERE tenant = ? AND granularity = ? ORDER BY series')
            .all(ctx.tenant, granularity)
        : this.db
            .prepare('SELECT doc FROM forecast_series WHERE tenant = ? ORDER BY series, granularity')
            .all(ctx.tenant)
    ) as DocRow[];
    return rows.map(toForecast);
  }

  forecast(ctx: AuthContext, series: string, granularity: Granularity): StoredForecast | undefined {
    const row = this.db
      .prepare('SELECT doc FROM forecast_series WHERE tenant = ? AND series = ? AND granularity = ?')
      .get(ctx.tenant, series, granularity) as DocRow | undefined;
    return row ? toForecast(row) : undefined;
  }

  addWarnings(ctx: AuthContext, list: readonly ForecastWarning[]): ForecastWarning[] {
    const put = this.db.prepare('INSERT OR IGNORE INTO forecast_warnings (tenant, id, time, doc) VALUES (?, ?, ?, ?)');
    const added: ForecastWarning[] = [];
    this.db.transaction(() => {
      for (const w of list) if (put.run(ctx.tenant, w.id, w.time, JSON.stringify(w)).changes > 0) added.push(w);
      this.db
        .prepare(
          `DELETE FROM forecast_warnings WHERE tenant = ? AND id IN (
             SELECT id FROM forecast_warnings WHERE tenant = ? ORDER BY time DESC, id LIMIT -1 OFFSET ?)`,
        )
        .run(ctx.tenant, ctx.tenant, MAX_WARNINGS);
    })();
    return added;
  }

  warnings(ctx: AuthContext, limit = 100): ForecastWarning[] {
    return (
      this.db
        .prepare('SELECT doc FROM forecast_warnings WHERE tenant = ? ORDER BY time DESC, id LIMIT ?')
        .all(ctx.tenant, limit) as DocRow[]
    ).map(toWarning);
  }

  putSectorCounts(ctx: AuthContext, rows: readonly SectorCount[]): number {
    const put = this.db.prepare(
      `INSERT OR REPLACE INTO forecast_sector_counts (tenant, sector, technique, member, day, count)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const r of rows) put.run(ctx.tenant, r.sector, r.technique, r.member, r.day, r.count);
    })();
    return rows.length;
  }

  bumpCount(ctx: AuthContext, series: string, time: number, by = 1): void {
    const hour = hourOf(time);
    this.db
      .prepare(
        `INSERT INTO forecast_counts (tenant, series, hour, value) VALUES (?, ?, ?, ?)
         ON CONFLICT (tenant, series, hour) DO UPDATE SET value = value + excluded.value`,
      )
      .run(ctx.tenant, series, hour, by);
  }

  swapCount(ctx: AuthContext, series: string, time: number, value: number): number | undefined {
    const hour = hourOf(time);
    // One transaction: a second connection to the file waits for the lock, then reads this value.
    return this.db
      .transaction(() => {
        const row = this.db
          .prepare('SELECT value FROM forecast_counts WHERE tenant = ? AND series = ? AND hour = ?')
          .get(ctx.tenant, series, hour) as { value: number } | undefined;
        this.db
          .prepare(
            `INSERT INTO forecast_counts (tenant, series, hour, value) VALUES (?, ?, ?, ?)
             ON CONFLICT (tenant, series, hour) DO UPDATE SET value = excluded.value`,
          )
          .run(ctx.tenant, series, hour, value);
        return row?.value;
      })
      .immediate();
  }

  counts(ctx: AuthContext, series: string, from: number, to: number): HourCount[] {
    return this.db
      .prepare(
        'SELECT hour, value FROM forecast_counts WHERE tenant = ? AND series = ? AND hour >= ? AND hour < ? ORDER BY hour',
      )
      .all(ctx.tenant, series, from, to) as HourCount[];
  }

  sectorTotals(ctx: AuthContext, from: number): SectorTotal[] {
    return this.db
      .prepare(
        `SELECT sector, technique, day, SUM(count) AS count, COUNT(DISTINCT member) AS members
           FROM forecast_sector_counts WHERE tenant = ? AND day >= ?
          GROUP BY sector, technique, day ORDER BY sector, technique, day`,
      )
      .all(ctx.tenant, from) as SectorTotal[];
  }
}
