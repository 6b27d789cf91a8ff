/**
 * @module
 * The forecaster seam: every candidate model fits a series and returns point forecasts. Intervals
 * are not the model's job: they come from the rolling-origin backtest errors (`select/`), so every
 * candidate is judged and banded the same way.
 */

/** What a forecaster is told about the series besides its values. */
export interface FitOptions {
  /** Seasonal periods in steps, shortest first (e.g. [24, 168] for hourly data). May be empty. */
  readonly seasons: readonly number[];
}

/** A candidate model: pure, deterministic, no I/O. */
export interface Forecaster {
  /** Stable name printed in forecasts (`snaive`, `ets`, `mstl`, `median`). */
  readonly name: ModelName;
  /** Point forecasts for the `horizon` steps after `y`. */
  forecast(y: Float64Array, horizon: number, o: FitOptions): Float64Array;
}

/** The candidate model names. */
export type ModelName = 'snaive' | 'ets' | 'mstl' | 'median';
