/**
 * @module
 * The forecast store's interface, implemented by `SqliteForecastStore` (the node's main database)
 * and `PgForecastStore` (the shared PostgreSQL store), and what both read back. Both keep the
 * forecasts and warnings as JSON documents and parse them here, so the two answer alike.
 */
import type { AuthContext } from '@intersoc/core';
import type { ForecastWarning, Granularity, SectorCount, StoredForecast } from './types.js';

/** One hour of a counted series. */
export interface HourCount {
  /** Hour start, epoch ms. */
  readonly hour: number;
  readonly value: number;
}

/** Shared sector counts summed per sector, technique and day. */
export interface SectorTotal {
  readonly sector: string;
  readonly technique: string;
  /** Day start, epoch ms (UTC). */
  readonly day: number;
  readonly count: number;
  /** Members that reported a count that day. */
  readonly members: number;
}

/** Warnings kept per tenant (oldest dropped). */
export const MAX_WARNINGS = 5000;

/** Start of the hour holding `time` (epoch ms), where `bumpCount` adds. */
export function hourOf(time: number): number {
  return Math.floor(time / 3_600_000) * 3_600_000;
}

/** A stored document row: the forecast or warning as JSON. */
export interface DocRow {
  readonly doc: string;
}

/** A stored forecast from its row. */
export function toForecast(r: DocRow): StoredForecast {
  return JSON.parse(r.doc) as StoredForecast;
}

/** A stored warning from its row. */
export function toWarning(r: DocRow): ForecastWarning {
  return JSON.parse(r.doc) as ForecastWarning;
}

/**
 * Forecasts, warnings and counts per tenant. Every call takes the caller's context and touches
 * only its tenant.
 */
export interface ForecastStore {
  /** Replaces the stored forecasts of the caller's tenant that are in `list`. */
  putForecasts(ctx: AuthContext, list: readonly StoredForecast[]): void;
  /** Every stored forecast of the tenant (optionally of one granularity), by series then granularity. */
  forecasts(ctx: AuthContext, granularity?: Granularity): StoredForecast[];
  /** One stored forecast. */
  forecast(ctx: AuthContext, series: string, granularity: Granularity): StoredForecast | undefined;
  /**
   * Adds warnings (an id already stored is kept as it was); returns those that were new, so a
   * warning is announced once however many processes raise it. Keeps the newest `MAX_WARNINGS`.
   */
  addWarnings(ctx: AuthContext, list: readonly ForecastWarning[]): ForecastWarning[];
  /** The tenant's warnings, newest first (then by id). */
  warnings(ctx: AuthContext, limit?: number): ForecastWarning[];
  /** Stores shared sector counts (a member's count for a day replaces the earlier one); returns how many. */
  putSectorCounts(ctx: AuthContext, rows: readonly SectorCount[]): number;
  /** Adds `by` to the count of `series` in the hour holding `time` (atomic: concurrent bumps add up). */
  bumpCount(ctx: AuthContext, series: string, time: number, by?: number): void;
  /**
   * Sets the count of `series` in the hour holding `time` to `value` and returns what it was
   * (undefined when there was none), in one atomic step: of two processes swapping at once, the
   * second gets the first's value, so a running total kept this way is never counted twice.
   */
  swapCount(ctx: AuthContext, series: string, time: number, value: number): number | undefined;
  /** Hourly counts of `series` in [from, to), by hour. */
  counts(ctx: AuthContext, series: string, from: number, to: number): HourCount[];
  /** Daily totals per sector and technique since `from`, with the number of members reporting. */
  sectorTotals(ctx: AuthContext, from: number): SectorTotal[];
}
