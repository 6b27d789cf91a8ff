/**
 * @module
 * Forecasts and early warnings for a tenant, and the sector view of a national node.
 *
 * `refresh(ctx)` reads the tenant's hourly counts (alerts, incidents, techniques, tactics,
 * peers' sightings, events per source) from a `CountSource`, forecasts each series hourly (7
 * days) and daily (14 days) with backtested model selection, and raises warnings:
 *
 * - **above-band / below-band**: an hour that has happened since the last refresh left the 95%
 *   band the last forecast gave it;
 * - **rising**: a technique's (or a sector technique's) forecast for the next week is above its
 *   seasonal level (the mean day of the last four weeks) by `RISE_RATIO` or more.
 *
 * Each warning says which series, by how much, and against which history (its span, points and
 * model). Warning ids are deterministic, so a refresh never repeats one.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import { forecastSeries, type SeriesForecast } from '../select/backtest.js';
import type { ForecastStore } from '../store/forecast-store.js';
import type {
  ForecastWarning,
  Granularity,
  SectorCount,
  SeriesKind,
  StoredForecast,
  WarningKind,
} from '../store/types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A forecast week above its seasonal level by this factor is "rising". */
export const RISE_RATIO = 1.5;
/** ... and only when at least this many a day are expected (one stray alert is not a trend). */
const RISE_MIN_PER_DAY = 1;
/** Days a series must have been seen before it can be called rising. */
const MIN_HISTORY_DAYS = 14;
/** An hour outside the band by less than this is not worth a warning (counts are integers). */
const BAND_SLACK = 1;

/** One hourly count series of a tenant. */
export interface CountSeries {
  readonly series: string;
  readonly kind: SeriesKind;
  /** Hourly counts, the first at `from`. */
  readonly values: Float64Array;
}

/** Where the counts come from (the node reads its stores). */
export interface CountSource {
  /** The tenant's hourly series over [from, to), both hour-aligned. */
  hourly(ctx: AuthContext, from: number, to: number): CountSeries[];
}

/** Options of the service. */
export interface ForecastServiceOptions {
  /** `SqliteForecastStore` on a node, `PgForecastStore` on the shared PostgreSQL store. */
  readonly store: ForecastStore;
  readonly source: CountSource;
  /** History fitted, in days (default 56: eight weeks). */
  readonly historyDays?: number;
  /** Hourly horizon in hours (default 168) and daily horizon in days (default 14, the most). */
  readonly hourlyHorizon?: number;
  readonly dailyHorizon?: number;
  readonly now?: () => number;
}

/** A forecast in a list: no history, no points. */
export interface ForecastSummary {
  readonly series: string;
  readonly kind: SeriesKind;
  readonly granularity: Granularity;
  readonly made: number;
  readonly model: StoredForecast['model'];
  readonly mase: number | null;
  readonly baseline_mase: number | null;
  readonly last: number;
  readonly next: number;
  readonly seasonalLevel: number;
}

/** The sector view of one technique. */
export interface SectorTrend {
  readonly sector: string;
  readonly technique: string;
  readonly members: number;
  readonly lastWeek: number;
  readonly seasonalLevel: number;
  /** Forecast mean per day over the next week. */
  readonly forecastPerDay: number;
  readonly ratio: number;
  readonly direction: 'rising' | 'falling' | 'steady';
  readonly message: string;
  readonly model: StoredForecast['model'];
  readonly mase: number | null;
  readonly baseline_mase: number | null;
}

const SECTOR = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;
const MEMBER = /^[A-Za-z0-9._:-]{1,128}$/;

/** Checks shared sector counts; throws VALIDATION naming the first bad row. */
export function validateSectorCounts(rows: readonly SectorCount[]): void {
  rows.forEach((r, i) => {
    const bad = (why: string): never => {
      throw new AppError('VALIDATION', `row ${i}: ${why}`);
    };
    if (!SECTOR.test(r.sector)) bad('sector must be a lower-case slug');
    if (!TECHNIQUE.test(r.technique)) bad('technique must be an ATT&CK id');
    if (!MEMBER.test(r.member)) bad('member must be a pseudonym of letters, digits and ._:-');
    if (!Number.isInteger(r.day) || r.day % DAY !== 0) bad('day must be a UTC day start in epoch ms');
    if (!Number.isInteger(r.count) || r.count < 0 || r.count > 1e9) bad('count must be an integer from 0 to 1e9');
  });
}

/**
 * Where a series is heading: rising when the forecast week is above the last one, or the last
 * week rose on the one before and the forecast holds it; falling the other way round.
 */
function directionOf(prevWeek: number, lastWeek: number, next: number): 'rising' | 'falling' | 'steady' {
  if (next > lastWeek * 1.1 || (lastWeek > prevWeek * 1.25 && next >= lastWeek * 0.9)) return 'rising';
  if (next < lastWeek * 0.9 || (lastWeek < prevWeek * 0.8 && next <= lastWeek * 1.1)) return 'falling';
  return 'steady';
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function mean(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i] ?? 0;
  return to > from ? s / (to - from) : 0;
}

/** Complete days of an hourly series (the series starts at a day boundary). */
function daily(values: Float64Array): Float64Array {
  const days = Math.floor(values.length / 24);
  const out = new Float64Array(days);
  for (let d = 0; d < days; d++) out[d] = mean(values, d * 24, d * 24 + 24) * 24;
  return out;
}

/** The forecast service. */
export class ForecastService {
  private readonly now: () => number;
  private readonly historyDays: number;
  private readonly hourlyHorizon: number;
  private readonly dailyHorizon: number;

  constructor(private readonly o: ForecastServiceOptions) {
    this.now = o.now ?? Date.now;
    this.historyDays = o.historyDays ?? 56;
    this.hourlyHorizon = o.hourlyHorizon ?? 168;
    this.dailyHorizon = Math.min(14, o.dailyHorizon ?? 14);
  }

  /** Forecasts every series of the tenant and returns the warnings that are new. */
  refresh(ctx: AuthContext): { series: number; warnings: ForecastWarning[] } {
    requireRole(ctx, ['admin', 'analyst']);
    const to = Math.floor(this.now() / DAY) * DAY + Math.floor((this.now() % DAY) / HOUR) * HOUR;
    const from = Math.floor((to - this.historyDays * DAY) / DAY) * DAY;
    const previous = new Map(this.o.store.forecasts(ctx, 'hour').map((f) => [f.series, f]));
    const warnings: ForecastWarning[] = [];
    const stored: StoredForecast[] = [];
    const made = this.now();
    for (const s of this.o.source.hourly(ctx, from, to)) {
      const prev = previous.get(s.series);
      if (prev) warnings.push(...this.bandWarnings(ctx, s, prev, from));
      const hourly = this.fit(s.values, this.hourlyHorizon, [24, 168]);
      stored.push(this.stored(s, 'hour', made, from, HOUR, s.values, hourly));
      const days = daily(s.values);
      const byDay = this.fit(days, this.dailyHorizon, [7]);
      const day = this.stored(s, 'day', made, from, DAY, days, byDay);
      stored.push(day);
      if (s.kind === 'technique') {
        const w = this.risingWarning(ctx, day, s.series, made);
        if (w) warnings.push(w);
      }
    }
    this.o.store.putForecasts(ctx, stored);
    return { series: stored.length / 2, warnings: this.o.store.addWarnings(ctx, warnings) };
  }

  private fit(values: Float64Array, horizon: number, seasons: number[]): SeriesForecast {
    return forecastSeries(values, horizon, {
      seasons: seasons.filter((p) => 2 * p <= values.length),
      nonNegative: true,
    });
  }

  private stored(
    s: { series: string; kind: SeriesKind },
    granularity: Granularity,
    made: number,
    start: number,
    step: number,
    values: Float64Array,
    f: SeriesForecast,
  ): StoredForecast {
    const period = granularity === 'hour' ? 168 : 7;
    const tail = Math.min(values.length, period * 4);
    const level = granularity === 'hour' ? mean(values, values.length - tail) : mean(values, values.length - tail);
    return {
      series: s.series,
      kind: s.kind,
      granularity,
      made,
      start,
      step,
      history: Array.from(values, (v) => round(v)),
      model: f.model,
      points: f.points.map((p) => ({
        value: round(p.value),
        lo80: round(p.lo80),
        hi80: round(p.hi80),
        lo95: round(p.lo95),
        hi95: round(p.hi95),
      })),
      backtest: f.backtest,
      seasonalLevel: round(level),
    };
  }

  /** Hours since the previous forecast that left its 95% band. */
  private bandWarnings(ctx: AuthContext, s: CountSeries, prev: StoredForecast, from: number): ForecastWarning[] {
    const out: ForecastWarning[] = [];
    const firstForecast = prev.start + prev.history.length * prev.step;
    prev.points.forEach((p, h) => {
      const time = firstForecast + h * HOUR;
      const i = (time - from) / HOUR;
      if (!Number.isInteger(i) || i < 0 || i >= s.values.length) return;
      const actual = s.values[i] ?? 0;
      let kind: WarningKind | undefined;
      if (actual > p.hi95 + BAND_SLACK) kind = 'above-band';
      else if (actual < p.lo95 - BAND_SLACK) kind = 'below-band';
      if (!kind) return;
      const expected = p.value;
      const ratio = expected > 0 ? actual / expected : actual > 0 ? 999 : 0;
      out.push({
        id: `${s.series}@${time}:${kind}`,
        tenant: ctx.tenant,
        time,
        series: s.series,
        kind,
        actual,
        expected,
        ratio: round(ratio),
        band: { lo95: p.lo95, hi95: p.hi95 },
        history: { from: prev.start, to: firstForecast, points: prev.history.length, model: prev.model },
        message: `${s.series}: ${actual} in the hour from ${new Date(time).toISOString()}, ${kind === 'above-band' ? 'above' : 'below'} the 95% band [${p.lo95}, ${p.hi95}] (expected ${expected}, ${round(ratio)}×), forecast by ${prev.model} from ${prev.history.length} hours of history`,
      });
    });
    return out;
  }

  /** A technique whose next week is forecast well above its seasonal level. */
  private risingWarning(
    ctx: AuthContext,
    day: StoredForecast,
    series: string,
    made: number,
  ): ForecastWarning | undefined {
    // a seasonal level needs history: a series seen for less than two weeks cannot be "rising"
    const first = day.history.findIndex((v) => v > 0);
    if (first < 0 || day.history.length - first < MIN_HISTORY_DAYS) return undefined;
    const week = day.points.slice(0, 7).map((p) => p.value);
    const perDay = mean(week);
    const level = day.seasonalLevel;
    if (perDay < RISE_MIN_PER_DAY || perDay < RISE_RATIO * level) return undefined;
    const ratio = level > 0 ? perDay / level : 999;
    const dayStart = Math.floor(made / DAY) * DAY;
    return {
      id: `${series}@${dayStart}:rising`,
      tenant: ctx.tenant,
      time: made,
      series,
      kind: 'rising',
      actual: round(perDay),
      expected: level,
      ratio: round(ratio),
      history: {
        from: day.start,
        to: day.start + day.history.length * DAY,
        points: day.history.length,
        model: day.model,
      },
      message: `${series}: ${round(perDay)} a day forecast for the next week, ${round(ratio)}× its seasonal level of ${level} a day (last four weeks), by ${day.model}`,
    };
  }

  /** The tenant's stored forecasts, without their points. */
  list(ctx: AuthContext, granularity?: Granularity): ForecastSummary[] {
    return this.o.store.forecasts(ctx, granularity).map((f) => ({
      series: f.series,
      kind: f.kind,
      granularity: f.granularity,
      made: f.made,
      model: f.model,
      mase: f.backtest.mase,
      baseline_mase: f.backtest.baseline_mase,
      last: f.history[f.history.length - 1] ?? 0,
      next: f.points[0]?.value ?? 0,
      seasonalLevel: f.seasonalLevel,
    }));
  }

  /** One stored forecast with history and points. */
  get(ctx: AuthContext, series: string, granularity: Granularity): StoredForecast | undefined {
    return this.o.store.forecast(ctx, series, granularity);
  }

  /** The tenant's early warnings, newest first. */
  warnings(ctx: AuthContext, limit = 100): ForecastWarning[] {
    return this.o.store.warnings(ctx, limit);
  }

  /** Stores counts peers shared for the sector view. */
  addSectorCounts(ctx: AuthContext, rows: readonly SectorCount[]): number {
    requireRole(ctx, ['admin', 'analyst']);
    validateSectorCounts(rows);
    return this.o.store.putSectorCounts(ctx, rows);
  }

  /**
   * Forecasts every sector and technique from the members' summed daily counts, stores them as
   * `sector:<sector>:<technique>` and raises `rising` warnings. Returns the trends, strongest
   * rise first.
   */
  refreshSector(ctx: AuthContext): { trends: SectorTrend[]; warnings: ForecastWarning[] } {
    requireRole(ctx, ['admin', 'analyst']);
    const made = this.now();
    const today = Math.floor(made / DAY) * DAY;
    const from = today - this.historyDays * DAY;
    const groups = new Map<string, { sector: string; technique: string; values: Float64Array; members: number }>();
    const days = this.historyDays;
    for (const r of this.o.store.sectorTotals(ctx, from)) {
      const key = `${r.sector}:${r.technique}`;
      let g = groups.get(key);
      if (!g) {
        g = { sector: r.sector, technique: r.technique, values: new Float64Array(days), members: 0 };
        groups.set(key, g);
      }
      const i = (r.day - from) / DAY;
      if (i >= 0 && i < days) g.values[i] = r.count;
      g.members = Math.max(g.members, r.members);
    }
    const stored: StoredForecast[] = [];
    const trends: SectorTrend[] = [];
    const warnings: ForecastWarning[] = [];
    for (const g of groups.values()) {
      const series = `sector:${g.sector}:${g.technique}`;
      const f = this.fit(g.values, this.dailyHorizon, [7]);
      const s = this.stored({ series, kind: 'sector' }, 'day', made, from, DAY, g.values, f);
      stored.push(s);
      const perDay = mean(s.points.slice(0, 7).map((p) => p.value));
      const lastWeek = mean(g.values, days - 7);
      const level = s.seasonalLevel;
      const ratio = level > 0 ? perDay / level : perDay > 0 ? 999 : 1;
      const direction = directionOf(mean(g.values, days - 14, days - 7), lastWeek, perDay);
      const message = `${g.technique} across ${g.sector} members: ${round(ratio)}× the seasonal level, ${direction}`;
      trends.push({
        sector: g.sector,
        technique: g.technique,
        members: g.members,
        lastWeek: round(lastWeek),
        seasonalLevel: level,
        forecastPerDay: round(perDay),
        ratio: round(ratio),
        direction,
        message,
        model: s.model,
        mase: s.backtest.mase,
        baseline_mase: s.backtest.baseline_mase,
      });
      const w = this.risingWarning(ctx, s, series, made);
      if (w) warnings.push({ ...w, message: `${message} (${w.message})` });
    }
    this.o.store.putForecasts(ctx, stored);
    trends.sort((a, b) => b.ratio - a.ratio || (a.sector + a.technique < b.sector + b.technique ? -1 : 1));
    return { trends, warnings: this.o.store.addWarnings(ctx, warnings) };
  }

  /** The sector trends as last refreshed (from the stored forecasts). */
  sectorTrends(ctx: AuthContext): SectorTrend[] {
    const members = new Map<string, number>();
    for (const r of this.o.store.sectorTotals(ctx, Math.floor(this.now() / DAY) * DAY - this.historyDays * DAY)) {
      const key = `sector:${r.sector}:${r.technique}`;
      members.set(key, Math.max(members.get(key) ?? 0, r.members));
    }
    return this.o.store
      .forecasts(ctx, 'day')
      .filter((f) => f.kind === 'sector')
      .map((f) => {
        const [, sector = '', technique = ''] = f.series.split(':');
        const perDay = mean(f.points.slice(0, 7).map((p) => p.value));
        const lastWeek = mean(f.history, f.history.length - 7);
        const ratio = f.seasonalLevel > 0 ? perDay / f.seasonalLevel : perDay > 0 ? 999 : 1;
        const n = f.history.length;
        const direction = directionOf(mean(f.history, n - 14, n - 7), lastWeek, perDay);
        return {
          sector,
          technique,
          members: members.get(f.series) ?? 0,
          lastWeek: round(lastWeek),
          seasonalLevel: f.seasonalLevel,
          forecastPerDay: round(perDay),
          ratio: round(ratio),
          direction,
          message: `${technique} across ${sector} members: ${round(ratio)}× the seasonal level, ${direction}`,
          model: f.model,
          mase: f.backtest.mase,
          baseline_mase: f.backtest.baseline_mase,
        } satisfies SectorTrend;
      })
      .sort((a, b) => b.ratio - a.ratio);
  }
}
