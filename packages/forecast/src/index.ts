/**
 * @module
 * `@intersoc/forecast`: what is coming and what the attacker does next. Per-series forecasting
 * with model selection by rolling-origin backtest (seasonal naive, ETS, MSTL), prediction
 * intervals from the backtest errors, early warnings, sector forecasts from peers' shared
 * counts, and next-step prediction of ATT&CK techniques and tactics.
 */

// models
export type { FitOptions, Forecaster, ModelName } from './models/types.js';
export { seasonalNaive, seasonalNaiveModel, baselineSeason } from './models/seasonal-naive.js';
export { etsForecast, etsModel } from './models/ets.js';
export { dampedHolt, mstlForecast, mstlModel, usableSeasons } from './models/mstl.js';
export { windowMedianForecast, windowMedianModel } from './models/window-median.js';

// selection and intervals
export { DEFAULT_CANDIDATES, forecastSeries, maseScale } from './select/backtest.js';
export type { BandPoint, Backtest, ForecastOptions, SeriesForecast } from './select/backtest.js';

// series input
export { CSV_LIMITS, formatTime, parseSeriesCsv, regularise, seasonsFor } from './series/csv.js';
export type { RegularSeries, TimeStyle } from './series/csv.js';

// next-step prediction
export type {
  CatalogEntry,
  Counts,
  ModelCard,
  ModelSource,
  NextStep,
  NextStepModelData,
  Scored,
} from './next/types.js';
export { BLEND, DEFAULT_TOP, MAX_QUERY_TECHNIQUES, NextStepModel, techniqueId } from './next/model.js';
export { buildModel, cleanSequence, extendModel } from './next/train.js';
export type { AttackCatalog, SequenceSource, TrainingInput } from './next/train.js';
export { parseAfb, parseFlowBundle } from './next/flows.js';
export type { AttackFlow, FlowAction } from './next/flows.js';
export { loadAttack, loadFlows, loadTramReports, reportSource } from './next/corpus.js';
export type { ReportSequence } from './next/corpus.js';
export {
  casesOf,
  constantPredictor,
  crossValidate,
  foldsOf,
  hitRates,
  markovPredictor,
  modelPredictor,
} from './next/evaluate.js';
export type { CrossValidation, HitRates, NextCase, Predictor } from './next/evaluate.js';
export { CONSTANT_TACTICS, RELEASED_MODEL, releasedModelData, trainReleased } from './next/release.js';

// store and service
export { SqliteForecastStore } from './store/sqlite-forecast.js';
/** The forecast store on PostgreSQL (migration step 16), for processes sharing one database. */
export { PgForecastStore } from './store/pg-forecast.js';
export type { ForecastStore, HourCount, SectorTotal } from './store/forecast-store.js';
export type {
  ForecastWarning,
  Granularity,
  SectorCount,
  SeriesKind,
  StoredForecast,
  WarningKind,
} from './store/types.js';
export { ForecastService, RISE_RATIO, validateSectorCounts } from './service/forecast-service.js';
export type {
  CountSeries,
  CountSource,
  ForecastServiceOptions,
  ForecastSummary,
  SectorTrend,
} from './service/forecast-service.js';

// reproducible synthetic series (tests, the benchmark, demos)
export { hourlyCounts as syntheticHourlyCounts, poisson, rng as seededRandom } from './internal/rng.js';
