/**
 * @module
 * Reading a `timestamp,value` CSV into a regular series. Untrusted input: sizes are capped,
 * every bad line is reported with its number. The step is the median gap; a few missing steps
 * are filled by linear interpolation. When more than a fifth of the grid would be empty (sensor
 * feeds that report every 5 to 15 minutes), the rows in time order are the series instead, and
 * the result says so.
 */
import { AppError } from '@intersoc/core';

/** How a timestamp was written, so forecasts are printed the same way. */
export type TimeStyle = 'space' | 'iso' | 'epoch-s' | 'epoch-ms' | 'date';

/** A regular series. */
export interface RegularSeries {
  /** Epoch ms of the first value. */
  readonly start: number;
  /** Step in ms. */
  readonly step: number;
  readonly values: Float64Array;
  readonly style: TimeStyle;
  /** Steps that were missing and interpolated. */
  readonly filled: number;
  /** Set when the timestamps were too irregular for a grid: says how the rows were used. */
  readonly irregular?: string;
}

/** Input limits. */
export const CSV_LIMITS = { maxBytes: 64 * 1024 * 1024, maxRows: 2_000_000, maxMissingShare: 0.2 } as const;

function styleOf(ts: string): TimeStyle {
  if (/^\d{4}-\d{2}-\d{2}$/.test(ts)) return 'date';
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(ts)) return 'space';
  if (/^\d{1,11}(\.\d+)?$/.test(ts)) return 'epoch-s';
  if (/^\d{12,16}$/.test(ts)) return 'epoch-ms';
  return 'iso';
}

function parseTs(ts: string, style: TimeStyle): number {
  switch (style) {
    case 'epoch-s':
      return Number(ts) * 1000;
    case 'epoch-ms':
      return Number(ts);
    case 'date':
      return Date.parse(`${ts}T00:00:00Z`);
    case 'space':
      return Date.parse(`${ts.replace(' ', 'T')}Z`);
    case 'iso':
      return Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(ts) ? ts : `${ts}Z`);
  }
}

/** Prints epoch ms in the style the input used. */
export function formatTime(ms: number, style: TimeStyle): string | number {
  const iso = new Date(ms).toISOString();
  switch (style) {
    case 'epoch-s':
      return ms / 1000;
    case 'epoch-ms':
      return ms;
    case 'date':
      return iso.slice(0, 10);
    case 'space':
      return iso.slice(0, 19).replace('T', ' ');
    case 'iso':
      return iso;
  }
}

/** Parses CSV text with a `timestamp,value` header (any column order) into a regular series. */
export function parseSeriesCsv(text: string): RegularSeries {
  if (text.length > CSV_LIMITS.maxBytes)
    throw new AppError('VALIDATION', `input larger than ${CSV_LIMITS.maxBytes} bytes`);
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '')
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const ti = header.indexOf('timestamp');
  const vi = header.indexOf('value');
  if (ti < 0 || vi < 0) throw new AppError('VALIDATION', 'the CSV header must name the columns timestamp and value');
  const times: number[] = [];
  const vals: number[] = [];
  let style: TimeStyle | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    if (times.length >= CSV_LIMITS.maxRows) throw new AppError('VALIDATION', `more than ${CSV_LIMITS.maxRows} rows`);
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const ts = cells[ti] ?? '';
    const raw = cells[vi] ?? '';
    style ??= styleOf(ts);
    const t = parseTs(ts, style);
    const v = raw === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(t)) throw new AppError('VALIDATION', `line ${i + 1}: bad timestamp "${ts.slice(0, 40)}"`);
    if (raw !== '' && !Number.isFinite(v))
      throw new AppError('VALIDATION', `line ${i + 1}: bad value "${raw.slice(0, 40)}"`);
    times.push(t);
    vals.push(v);
  }
  if (times.length < 3 || !style) throw new AppError('VALIDATION', 'need at least 3 rows');
  return regularise(times, vals, style);
}

/** Puts (time, value) pairs on a regular grid of the median step. */
export function regularise(times: readonly number[], vals: readonly number[], style: TimeStyle): RegularSeries {
  const order = times.map((_, i) => i).sort((a, b) => (times[a] ?? 0) - (times[b] ?? 0));
  const diffs: number[] = [];
  for (let i = 1; i < order.length; i++) {
    const d = (times[order[i] ?? 0] ?? 0) - (times[order[i - 1] ?? 0] ?? 0);
    if (d > 0) diffs.push(d);
  }
  diffs.sort((a, b) => a - b);
  const step = diffs[Math.floor(diffs.length / 2)] ?? 0;
  if (!(step > 0)) throw new AppError('VALIDATION', 'timestamps do not advance');
  const start = times[order[0] ?? 0] ?? 0;
  const end = times[order[order.length - 1] ?? 0] ?? 0;
  const slots = Math.round((end - start) / step) + 1;
  if (slots > CSV_LIMITS.maxRows)
    throw new AppError('VALIDATION', `the series spans ${slots} steps; at most ${CSV_LIMITS.maxRows}`);
  const sum = new Float64Array(slots);
  const count = new Uint32Array(slots);
  for (let i = 0; i < times.length; i++) {
    const v = vals[i] ?? Number.NaN;
    if (!Number.isFinite(v)) continue;
    const k = Math.round(((times[i] ?? 0) - start) / step);
    sum[k] = (sum[k] ?? 0) + v;
    count[k] = (count[k] ?? 0) + 1;
  }
  const values = new Float64Array(slots);
  let missing = 0;
  let prev = -1;
  for (let k = 0; k < slots; k++) {
    if ((count[k] ?? 0) === 0) {
      missing++;
      continue;
    }
    values[k] = (sum[k] ?? 0) / (count[k] ?? 1);
    // linear interpolation over the gap before k
    for (let j = prev + 1; j < k; j++) {
      const from = prev >= 0 ? (values[prev] ?? 0) : (values[k] ?? 0);
      values[j] = prev >= 0 ? from + (((values[k] ?? 0) - from) * (j - prev)) / (k - prev) : (values[k] ?? 0);
    }
    prev = k;
  }
  if (prev < 0) throw new AppError('VALIDATION', 'no numeric values');
  if (missing / slots > CSV_LIMITS.maxMissingShare) {
    // Irregular sampling (sensor feeds): the rows in time order are the series, one step each.
    const rows = order.map((i) => vals[i] ?? Number.NaN).filter((v) => Number.isFinite(v));
    if (rows.length < 3) throw new AppError('VALIDATION', 'need at least 3 numeric values');
    const lastTime = times[order[order.length - 1] ?? 0] ?? 0;
    return {
      start: lastTime - (rows.length - 1) * step,
      step,
      values: Float64Array.from(rows),
      style,
      filled: 0,
      irregular: `${missing} of ${slots} steps of ${step / 1000} s are empty: the rows are taken in order as one step each`,
    };
  }
  return { start, step, values, style, filled: missing };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Seasonal periods for a step, shortest first: a day and a week when the step divides a day
 * (hourly: 24, 168), a week for daily data (7). `season` (the caller's `--season`) comes first
 * when given, and the week is added after it when `season` steps make a day.
 */
export function seasonsFor(step: number, n: number, season?: number): number[] {
  const out: number[] = [];
  if (season !== undefined) {
    out.push(season);
    if (Math.abs(season * step - DAY) < 1) out.push(season * 7);
  } else if (step < DAY && DAY % step === 0) {
    out.push(DAY / step, (7 * DAY) / step);
  } else if (step === DAY) {
    out.push(7);
  }
  return out.filter((p) => p > 1 && p <= n);
}
