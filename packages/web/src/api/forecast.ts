/**
 * @module
 * The dashboard's client for forecasts, early warnings, the sector view and incidents' likely
 * next steps. Same session cookie, tenant switch and error handling as the rest of the client.
 */
import { request as call } from './client';

/** Hourly or daily. */
export type Granularity = 'hour' | 'day';
/** The candidate models. */
export type ModelName = 'snaive' | 'ets' | 'mstl' | 'median';

/** A series in the list. */
export interface ForecastSummary {
  readonly series: string;
  readonly kind: string;
  readonly granularity: Granularity;
  readonly made: number;
  readonly model: ModelName;
  readonly mase: number | null;
  readonly baseline_mase: number | null;
  readonly last: number;
  readonly next: number;
  readonly seasonalLevel: number;
}

/** A forecast step with its bands. */
export interface BandPoint {
  readonly value: number;
  readonly lo80: number;
  readonly hi80: number;
  readonly lo95: number;
  readonly hi95: number;
}

/** One series with history and forecast. */
export interface ForecastDetail {
  readonly series: string;
  readonly granularity: Granularity;
  readonly made: number;
  readonly start: number;
  readonly step: number;
  readonly history: readonly number[];
  readonly model: ModelName;
  readonly points: readonly BandPoint[];
  readonly backtest: {
    readonly mase: number | null;
    readonly baseline_mase: number | null;
    readonly folds: number;
    readonly horizon: number;
    readonly candidates: Readonly<Record<string, number>>;
  };
  readonly seasonalLevel: number;
}

/** An early warning. */
export interface ForecastWarning {
  readonly id: string;
  readonly time: number;
  readonly series: string;
  readonly kind: 'above-band' | 'below-band' | 'rising';
  readonly actual: number;
  readonly expected: number;
  readonly ratio: number;
  readonly message: string;
}

/** A sector technique's trend. */
export interface SectorTrend {
  readonly sector: string;
  readonly technique: string;
  readonly members: number;
  readonly lastWeek: number;
  readonly seasonalLevel: number;
  readonly forecastPerDay: number;
  readonly ratio: number;
  readonly direction: 'rising' | 'falling' | 'steady';
  readonly message: string;
  readonly model: ModelName;
  readonly mase: number | null;
  readonly baseline_mase: number | null;
}

/** A likely next technique with the node's rules, hunt and coverage. */
export interface LikelyNext {
  readonly id: string;
  readonly name: string;
  readonly score: number;
  readonly tactics: readonly string[];
  readonly rules: readonly {
    readonly key: string;
    readonly title: string;
    readonly enabled: boolean;
    readonly hits: number;
  }[];
  readonly hunt: { readonly query: string; readonly from: number; readonly to: number } | null;
  readonly coverage: 'covered' | 'disabled' | 'no-rule' | 'no-data';
  readonly gap?: string;
}

/** An incident's likely next steps. */
export interface IncidentNext {
  readonly incident: string;
  readonly observed: readonly string[];
  readonly tactics: readonly { readonly id: string; readonly name: string; readonly score: number }[];
  readonly techniques: readonly LikelyNext[];
}

/** The forecast API. */
export const forecast = {
  series: (granularity: Granularity, signal?: AbortSignal) =>
    call<{ items: ForecastSummary[] }>('GET', '/api/forecast/series', {
      query: { granularity },
      ...(signal ? { signal } : {}),
    }),
  detail: (series: string, granularity: Granularity, signal?: AbortSignal) =>
    call<ForecastDetail>('GET', '/api/forecast/detail', {
      query: { series, granularity },
      ...(signal ? { signal } : {}),
    }),
  warnings: (signal?: AbortSignal) =>
    call<{ items: ForecastWarning[] }>('GET', '/api/forecast/warnings', {
      query: { limit: 50 },
      ...(signal ? { signal } : {}),
    }),
  refresh: () => call<{ series: number; warnings: ForecastWarning[] }>('POST', '/api/forecast/refresh'),
  sector: (signal?: AbortSignal) =>
    call<{ items: SectorTrend[] }>('GET', '/api/forecast/sector', signal ? { signal } : {}),
  refreshSector: () => call<{ trends: SectorTrend[] }>('POST', '/api/forecast/sector/refresh'),
  incidentNext: (id: string, signal?: AbortSignal) =>
    call<IncidentNext>('GET', `/api/incidents/${encodeURIComponent(id)}/next`, {
      query: { top: 8 },
      ...(signal ? { signal } : {}),
    }),
};
