/**
 * @module
 * `intersoc forecast --input FILE.csv --horizon H [--season S] --json`: forecasts a
 * `timestamp,value` series. The model is chosen per series by rolling-origin backtest among
 * seasonal naive, ETS and MSTL (never one that loses to seasonal naive), with 80% and 95%
 * intervals; the output keeps the chosen model and its backtest error beside the baseline's.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import { CSV_LIMITS, forecastSeries, formatTime, parseSeriesCsv, seasonsFor } from '@intersoc/forecast';

/** The longest horizon, in time: 14 days. */
const MAX_HORIZON_MS = 14 * 86_400_000;

interface Flags {
  readonly input: string;
  readonly horizon: string;
  readonly season?: string;
  readonly json?: boolean;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new AppError('VALIDATION', `--${name} must be a positive integer`);
  return n;
}

/** Runs the contract: reads the CSV, forecasts, returns the JSON object. */
export function forecastCsv(file: string, horizon: number, season?: number): Record<string, unknown> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new AppError('NOT_FOUND', `cannot read ${file}`);
  }
  if (size > CSV_LIMITS.maxBytes)
    throw new AppError('VALIDATION', `${file} is larger than ${CSV_LIMITS.maxBytes} bytes`);
  const series = parseSeriesCsv(readFileSync(file, 'utf8'));
  const maxSteps = Math.max(1, Math.floor(MAX_HORIZON_MS / series.step));
  if (horizon > maxSteps)
    throw new AppError(
      'VALIDATION',
      `--horizon ${horizon} is more than 14 days of ${series.step / 1000} s steps (${maxSteps})`,
    );
  if (season !== undefined && season > series.values.length)
    throw new AppError('VALIDATION', `--season ${season} is longer than the series (${series.values.length} steps)`);
  const seasons = seasonsFor(series.step, series.values.length, season);
  const f = forecastSeries(series.values, horizon, { seasons });
  const last = series.start + (series.values.length - 1) * series.step;
  return {
    model: f.model,
    forecast: f.points.map((p, h) => ({ timestamp: formatTime(last + (h + 1) * series.step, series.style), ...p })),
    backtest: { ...f.backtest },
    seasons,
    step_seconds: series.step / 1000,
    ...(series.filled > 0 ? { filled: series.filled } : {}),
    ...(series.irregular ? { note: series.irregular } : {}),
  };
}

/** Adds the `forecast` subcommand. */
export function register(program: Command): void {
  program
    .command('forecast')
    .description('forecast a timestamp,value CSV with prediction intervals (model chosen by backtest)')
    .requiredOption('--input <file>', 'CSV with columns timestamp,value at a regular step')
    .requiredOption('--horizon <steps>', 'steps to forecast (up to 14 days)')
    .option('--season <steps>', 'seasonal period in steps (default: a day and a week, from the step)')
    .option('--json', 'machine-readable output')
    .action((flags: Flags) => {
      const horizon = positiveInt('horizon', flags.horizon);
      const season = flags.season === undefined ? undefined : positiveInt('season', flags.season);
      const out = forecastCsv(flags.input, horizon, season);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(out)}\n`);
        return;
      }
      const bt = out['backtest'] as { mase: number | null; baseline_mase: number | null };
      process.stdout.write(
        `model ${String(out['model'])} (backtest MASE ${bt.mase ?? '-'}, seasonal naive ${bt.baseline_mase ?? '-'})\n`,
      );
      for (const p of out['forecast'] as { timestamp: unknown; value: number; lo95: number; hi95: number }[])
        process.stdout.write(
          `${String(p.timestamp)}  ${p.value.toFixed(2)}  [${p.lo95.toFixed(2)}, ${p.hi95.toFixed(2)}]\n`,
        );
    });
}
