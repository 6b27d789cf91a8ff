/**
 * @module
 * What the forecast store keeps, per tenant: the latest forecast of each series (with the
 * history it was fitted on, so the dashboard can draw both), the early warnings raised, and the
 * sector counts peers shared (pseudonymised members, daily counts per technique).
 */
import type { Backtest, BandPoint } from '../select/backtest.js';
import type { ModelName } from '../models/types.js';

/** Hourly or daily series. */
export type Granularity = 'hour' | 'day';

/** What a series counts. */
export type SeriesKind = 'alerts' | 'incidents' | 'technique' | 'tactic' | 'sightings' | 'events' | 'sector';

/** A stored forecast. */
export interface StoredForecast {
  /** `alerts`, `technique:T1486`, `events:syslog`, `sector:energy:T1486`, ... */
  readonly series: string;
  readonly kind: SeriesKind;
  readonly granularity: Granularity;
  /** When it was made (epoch ms). */
  readonly made: number;
  /** Epoch ms of the first history point; `step` ms apart. */
  readonly start: number;
  readonly step: number;
  readonly history: readonly number[];
  readonly model: ModelName;
  /** Forecast points, the first one `step` after the last history point. */
  readonly points: readonly BandPoint[];
  readonly backtest: Backtest;
  /** Mean of the same hours of the week (or days) over the history: the seasonal level. */
  readonly seasonalLevel: number;
}

/** Why a warning was raised. */
export type WarningKind = 'above-band' | 'below-band' | 'rising';

/** An early warning. */
export interface ForecastWarning {
  readonly id: string;
  readonly tenant: string;
  readonly time: number;
  readonly series: string;
  readonly kind: WarningKind;
  /** Observed (band warnings) or forecast mean (rising) and what was expected. */
  readonly actual: number;
  readonly expected: number;
  /** actual / expected (∞ shown as a large number when nothing was expected). */
  readonly ratio: number;
  readonly band?: { readonly lo95: number; readonly hi95: number };
  /** The history the expectation came from. */
  readonly history: { readonly from: number; readonly to: number; readonly points: number; readonly model: ModelName };
  readonly message: string;
}

/** One shared sector count. */
export interface SectorCount {
  readonly sector: string;
  readonly technique: string;
  /** The member, pseudonymised by the sender. */
  readonly member: string;
  /** Day start, epoch ms (UTC). */
  readonly day: number;
  readonly count: number;
}
