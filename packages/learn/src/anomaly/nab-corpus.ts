/**
 * @module
 * A corpus in NAB's layout (`data/<category>/<file>.csv` with `timestamp,value`,
 * `labels/combined_windows.json`), and the result files NAB's scorer reads
 * (`<out>/<category>/<detector>_<file>.csv` with `timestamp,value,anomaly_score`, row for row).
 * Running a detector never reads the labels: they are loaded only to score.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { probationLength, scoreCorpus, type CostMatrix, type NabScore, type ScoredSeries } from './nab-score.js';

/** One series of the corpus. */
export interface NabSeries {
  readonly category: string;
  readonly file: string;
  /** The timestamp text as written in the data file. */
  readonly stamps: readonly string[];
  /** Epoch ms (the times are read as UTC; NAB compares them, never shifts them). */
  readonly times: readonly number[];
  readonly values: readonly number[];
  /** The value text as written (copied to the result files). */
  readonly valueTexts: readonly string[];
}

/** A causal scorer for one series: called once per row, in time order. */
export interface SeriesDetector {
  /** The anomaly score of the row just seen, in [0, 1]. */
  update(time: number, value: number): number;
}

/** Makes a detector for a series of `rows` rows (NAB tells its detectors the probationary length). */
export type DetectorFactory = (info: { readonly probation: number }) => SeriesDetector;

/** `YYYY-MM-DD HH:MM:SS(.ffffff)` → epoch ms (UTC). */
export function nabTime(text: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(text.trim());
  if (m === null) return Number.NaN;
  const n = (i: number): number => Number(m[i]);
  const ms = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  return Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6)) + ms;
}

/** Every series under `<corpus>/data`, sorted by category and file. */
export function readNabCorpus(corpus: string): NabSeries[] {
  const dataDir = path.join(corpus, 'data');
  const out: NabSeries[] = [];
  for (const category of readdirSync(dataDir).sort()) {
    const dir = path.join(dataDir, category);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.csv')) continue;
      out.push({ category, file, ...readSeriesCsv(readFileSync(path.join(dir, file), 'utf8')) });
    }
  }
  return out;
}

function readSeriesCsv(text: string): Pick<NabSeries, 'stamps' | 'times' | 'values' | 'valueTexts'> {
  const stamps: string[] = [];
  const times: number[] = [];
  const values: number[] = [];
  const valueTexts: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length === 0) continue;
    const comma = line.indexOf(',');
    const stamp = line.slice(0, comma);
    stamps.push(stamp);
    times.push(nabTime(stamp));
    const value = line.slice(comma + 1);
    valueTexts.push(value);
    values.push(Number(value));
  }
  return { stamps, times, values, valueTexts };
}

/** Runs a detector over one series, one pass in time order; scores are clamped to [0, 1]. */
export function runSeries(series: NabSeries, make: DetectorFactory): number[] {
  const detector = make({ probation: probationLength(series.times.length) });
  const scores = new Array<number>(series.values.length);
  for (let i = 0; i < series.values.length; i++) {
    const s = detector.update(series.times[i] as number, series.values[i] as number);
    scores[i] = Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0;
  }
  return scores;
}

/** Writes `<out>/<category>/<detector>_<file>` with `timestamp,value,anomaly_score`. */
export function writeNabResult(out: string, detector: string, series: NabSeries, scores: readonly number[]): string {
  const dir = path.join(out, series.category);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${detector}_${series.file}`);
  const rows = series.stamps.map((s, i) => `${s},${series.valueTexts[i] ?? ''},${String(scores[i])}`);
  writeFileSync(file, `timestamp,value,anomaly_score\n${rows.join('\n')}\n`);
  return file;
}

/** Labelled windows per `<category>/<file>.csv`, as epoch-ms pairs. */
export function readNabWindows(corpus: string): Map<string, [number, number][]> {
  const raw = JSON.parse(readFileSync(path.join(corpus, 'labels', 'combined_windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
  const out = new Map<string, [number, number][]>();
  for (const [key, windows] of Object.entries(raw)) {
    out.set(
      key,
      windows.map(([a, b]) => [nabTime(a), nabTime(b)]),
    );
  }
  return out;
}

/** Scores per-series results against the corpus windows for one profile. */
export function scoreNab(
  series: readonly NabSeries[],
  scores: readonly (readonly number[])[],
  windows: ReadonlyMap<string, [number, number][]>,
  cost: CostMatrix,
  threshold?: number,
): NabScore {
  const scored: ScoredSeries[] = series.map((s, i) => ({
    name: `${s.category}/${s.file}`,
    times: s.times,
    scores: scores[i] ?? [],
    windows: windows.get(`${s.category}/${s.file}`) ?? [],
  }));
  return scoreCorpus(scored, cost, threshold);
}
