/**
 * @module
 * `intersoc anomaly nab --corpus DIR --output OUT [--detector NAME] [--json]`: runs the streaming
 * anomaly detector over every series of a corpus in NAB's layout, one pass in time order per
 * series, and writes `OUT/<category>/<NAME>_<file>.csv` (`timestamp,value,anomaly_score`, row for
 * row) as NAB's scorer reads them. When the corpus has `labels/combined_windows.json`, the results
 * are then scored with NAB's three profiles (the detector never sees the labels).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import {
  createContextDetector,
  NAB_PROFILES,
  readNabCorpus,
  readNabWindows,
  runSeries,
  scoreNab,
  writeNabResult,
} from '@intersoc/learn';

interface NabFlags {
  readonly corpus: string;
  readonly output: string;
  readonly detector: string;
  readonly json?: boolean;
}

/** What a run did, and its scores when the corpus is labelled. */
export interface NabRun {
  readonly detector: string;
  readonly series: number;
  readonly rows: number;
  readonly seconds: number;
  readonly output: string;
  readonly scores?: Record<string, { normalized: number; threshold: number; raw: number }>;
}

/** Runs the detector over a NAB-layout corpus and writes the result files. */
export function runNab(corpus: string, output: string, detector = 'intersoc'): NabRun {
  if (!existsSync(path.join(corpus, 'data')) || !statSync(path.join(corpus, 'data')).isDirectory()) {
    throw new AppError('NOT_FOUND', `${corpus} has no data/ folder (NAB layout: data/<category>/<file>.csv)`);
  }
  if (!/^[A-Za-z0-9-]+$/.test(detector)) throw new AppError('VALIDATION', '--detector must be letters, digits or -');
  const started = performance.now();
  const series = readNabCorpus(corpus);
  const scores = series.map((s) => {
    const out = runSeries(s, ({ probation }) => createContextDetector({ probation }));
    writeNabResult(output, detector, s, out);
    return out;
  });
  const seconds = (performance.now() - started) / 1000;
  const run: NabRun = {
    detector,
    series: series.length,
    rows: series.reduce((a, s) => a + s.values.length, 0),
    seconds,
    output: path.resolve(output),
  };
  if (!existsSync(path.join(corpus, 'labels', 'combined_windows.json'))) return run;
  const windows = readNabWindows(corpus);
  const scored: NonNullable<NabRun['scores']> = {};
  for (const [profile, cost] of Object.entries(NAB_PROFILES)) {
    const r = scoreNab(series, scores, windows, cost);
    scored[profile] = { normalized: r.normalized, threshold: r.threshold, raw: r.raw };
  }
  return { ...run, scores: scored };
}

/** Adds the `anomaly` command and its `nab` subcommand. */
export function register(program: Command): void {
  const anomaly = program.command('anomaly').description('streaming anomaly detection on numeric series');
  anomaly
    .command('nab')
    .description('run the detector over a corpus in NAB layout and write NAB result files (scored if labelled)')
    .requiredOption('--corpus <dir>', 'corpus folder with data/<category>/<file>.csv')
    .requiredOption('--output <dir>', 'results folder (<category>/<detector>_<file>.csv)')
    .option('--detector <name>', 'detector name in the result file names', 'intersoc')
    .option('--json', 'machine-readable output')
    .action((flags: NabFlags) => {
      const run = runNab(flags.corpus, flags.output, flags.detector);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(run)}\n`);
        return;
      }
      process.stdout.write(
        `${run.series} series, ${run.rows} rows in ${run.seconds.toFixed(1)} s → ${run.output}\n` +
          Object.entries(run.scores ?? {})
            .map(([p, s]) => `NAB ${p}: ${s.normalized.toFixed(2)} (threshold ${s.threshold.toFixed(4)})\n`)
            .join(''),
      );
    });
}
