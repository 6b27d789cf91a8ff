/**
 * @module
 * `bench forecast`: 10,000 hourly count series of eight weeks each (1,344 points: a daily and a
 * weekly cycle, Poisson noise, different levels and phases), each forecast a week ahead with
 * model selection (rolling-origin backtest of seasonal naive, ETS, MSTL and the window median,
 * three folds, and the intervals). Reports series/s; the baseline is seasonal naive alone on the same series in
 * the same run. Accuracy beside it: the chosen models against seasonal naive on the week after
 * each of 1,000 series (held out), and, without `--quick`, on the NAB series the issue names
 * (taxi, tweets, traffic: five one-day origins each, MAE relative to seasonal naive) and on
 * five-week simulator runs (the fifth week forecast from the first four).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  forecastSeries,
  parseSeriesCsv,
  seasonalNaive,
  seasonsFor,
  seededRandom,
  syntheticHourlyCounts,
} from '@intersoc/forecast';
import { simulate } from '@intersoc/simulate';
import { benchResult, type BenchModule, type BenchOptions, type BenchResult } from './types.js';

const WEEKS = 8;
const HORIZON = 168;

function mae(truth: ArrayLike<number>, f: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += Math.abs((truth[i] ?? 0) - (f[i] ?? 0));
  return s / Math.max(1, truth.length);
}

/** MAE of the chosen model over seasonal naive's on NAB series, five one-day origins each. */
function nabRatios(corpora: string): Record<string, unknown> | undefined {
  const dir = path.join(corpora, 'ml', 'nab', 'data');
  if (!existsSync(dir)) return undefined;
  const groups: Record<string, string[]> = {
    taxi: ['realKnownCause/nyc_taxi.csv'],
    tweets: ['AAPL', 'AMZN', 'CRM', 'CVS', 'FB', 'GOOG', 'IBM', 'KO', 'PFE', 'UPS'].map(
      (s) => `realTweets/Twitter_volume_${s}.csv`,
    ),
    traffic: [
      'TravelTime_387',
      'TravelTime_451',
      'occupancy_6005',
      'occupancy_t4013',
      'speed_6005',
      'speed_7578',
      'speed_t4013',
    ].map((s) => `realTraffic/${s}.csv`),
  };
  const out: Record<string, unknown> = {};
  const all: number[] = [];
  for (const [name, files] of Object.entries(groups)) {
    const ratios: number[] = [];
    for (const f of files) {
      const file = path.join(dir, f);
      if (!existsSync(file)) continue;
      const s = parseSeriesCsv(readFileSync(file, 'utf8'));
      const n = s.values.length;
      const h = s.irregular ? 100 : Math.round(86_400_000 / s.step);
      const seasons = s.irregular ? [] : seasonsFor(s.step, n);
      let e = 0;
      let eb = 0;
      for (let k = 1; k <= 5; k++) {
        const end = n - k * h;
        const train = s.values.subarray(0, end);
        const truth = s.values.subarray(end, end + h);
        e += mae(
          truth,
          forecastSeries(train, h, { seasons }).points.map((p) => p.value),
        );
        eb += mae(truth, seasonalNaive(train, h, { seasons }));
      }
      ratios.push(eb > 0 ? e / eb : 1);
    }
    const mean = ratios.reduce((a, b) => a + b, 0) / Math.max(1, ratios.length);
    out[name] = { series: ratios.length, mase_vs_seasonal_naive: Math.round(mean * 1000) / 1000 };
    all.push(...ratios);
  }
  out['all'] = {
    series: all.length,
    mase_vs_seasonal_naive: Math.round((all.reduce((a, b) => a + b, 0) / Math.max(1, all.length)) * 1000) / 1000,
  };
  return out;
}

/**
 * Simulator runs of five weeks (three seeds): hourly event counts per log and in total, the first
 * four weeks fitted, the fifth forecast; MAE relative to seasonal naive (a day).
 */
function simulatorRatios(log: (line: string) => void): Record<string, unknown> {
  const HOUR = 3_600_000;
  const hours = 5 * 168;
  const start = Date.UTC(2026, 0, 5);
  const perSeed: Record<string, unknown>[] = [];
  const all: number[] = [];
  const totals: number[] = [];
  for (const seed of [1, 2, 3]) {
    const bySource = new Map<string, Float64Array>();
    const total = new Float64Array(hours);
    for (const r of simulate({ seed, hours, start })) {
      const h = Math.floor((r.time - start) / HOUR);
      if (h < 0 || h >= hours) continue;
      const key = r.source.split('/').slice(2).join('/') || r.source;
      let a = bySource.get(key);
      if (!a) bySource.set(key, (a = new Float64Array(hours)));
      a[h] = (a[h] ?? 0) + 1;
      total[h] = (total[h] ?? 0) + 1;
    }
    const ratios: Record<string, number> = {};
    for (const [name, y] of [['total', total] as const, ...bySource.entries()]) {
      const train = y.subarray(0, hours - 168);
      const truth = y.subarray(hours - 168);
      const e = mae(
        truth,
        forecastSeries(train, 168, { seasons: [24, 168] }).points.map((p) => p.value),
      );
      const eb = mae(truth, seasonalNaive(train, 168, { seasons: [24] }));
      if (eb > 0) ratios[name] = Math.round((e / eb) * 1000) / 1000;
    }
    const values = Object.values(ratios);
    all.push(...values);
    totals.push(ratios['total'] ?? 1);
    perSeed.push({ seed, ...ratios });
    log(`simulator seed ${seed}: ${JSON.stringify(ratios)}`);
  }
  const mean = (xs: number[]): number =>
    Math.round((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)) * 1000) / 1000;
  return {
    weeks: 5,
    fitted_weeks: 4,
    mase_vs_seasonal_naive: mean(all),
    total_events: mean(totals),
    per_seed: perSeed,
  };
}

async function run(o: BenchOptions): Promise<BenchResult> {
  const count = o.quick ? 500 : 10_000;
  const points = WEEKS * 7 * 24;
  const r = seededRandom(42);
  const series: Float64Array[] = [];
  for (let i = 0; i < count; i++) series.push(syntheticHourlyCounts(r, points + HORIZON, 2 + (i % 50), i % 168));
  o.log(`${count} series of ${points} hourly points`);

  const models: Record<string, number> = {};
  let t = performance.now();
  for (const s of series) {
    const f = forecastSeries(s.subarray(0, points), HORIZON, { seasons: [24, 168] });
    models[f.model] = (models[f.model] ?? 0) + 1;
  }
  const selectMs = performance.now() - t;
  t = performance.now();
  let sink = 0;
  for (const s of series) sink += seasonalNaive(s.subarray(0, points), HORIZON, { seasons: [24] })[0] ?? 0;
  const naiveMs = performance.now() - t;
  o.log(
    `selection ${Math.round(selectMs)} ms, seasonal naive ${Math.round(naiveMs)} ms (${sink > 0 ? 'ok' : 'empty'})`,
  );

  // accuracy on the held-out week of every tenth series
  let e = 0;
  let eb = 0;
  for (let i = 0; i < count; i += 10) {
    const s = series[i] ?? new Float64Array(0);
    const train = s.subarray(0, points);
    const truth = s.subarray(points);
    e += mae(
      truth,
      forecastSeries(train, HORIZON, { seasons: [24, 168] }).points.map((p) => p.value),
    );
    eb += mae(truth, seasonalNaive(train, HORIZON, { seasons: [24] }));
  }
  const nab = o.quick ? undefined : nabRatios(o.corpora);
  const simulator = o.quick ? undefined : simulatorRatios(o.log);
  return benchResult({
    name: 'forecast',
    unit: 'series/s',
    value: Math.round((count / selectMs) * 1000 * 10) / 10,
    baseline_value: Math.round((count / naiveMs) * 1000 * 10) / 10,
    cores: 1,
    extra: {
      series: count,
      points_per_series: points,
      horizon: HORIZON,
      candidates: ['snaive', 'ets', 'mstl', 'median'],
      folds: 3,
      chosen: models,
      // `ratio` rounds to three decimals; seasonal naive is a copy, so the exact figure is here
      ratio_exact: naiveMs > 0 ? Number((naiveMs / selectMs).toPrecision(3)) : 0,
      ms_per_series: Math.round((selectMs / count) * 100) / 100,
      selection_ms: Math.round(selectMs),
      seasonal_naive_ms: Math.round(naiveMs),
      held_out_week_mae_vs_seasonal_naive: Math.round((e / eb) * 1000) / 1000,
      ...(nab ? { nab } : {}),
      ...(simulator ? { simulator } : {}),
    },
  });
}

/** The benchmark. */
export const bench: BenchModule = {
  description: 'forecasting with model selection: series/s against seasonal naive',
  run,
};
