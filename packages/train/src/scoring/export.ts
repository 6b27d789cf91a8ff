/**
 * @module
 * Trainee progress out: one CSV row per run and level (what an instructor opens in a
 * spreadsheet), and the same as JSON.
 */
import type { RunReport } from '../scoring/fold.js';

/** A run's report with who played what. */
export interface ProgressRun {
  readonly run: string;
  readonly trainee: string;
  readonly exercise: string;
  readonly title: string;
  readonly started: number;
  readonly report: RunReport;
}

/** The CSV columns. */
export const PROGRESS_COLUMNS = [
  'trainee',
  'run',
  'exercise',
  'title',
  'started',
  'level',
  'level_title',
  'type',
  'score',
  'max',
  'hints',
  'attempts',
  'wrong',
  'solved',
  'solution_shown',
  'seconds',
] as const;

function cell(v: string | number | boolean | null): string {
  const s = v === null ? '' : String(v);
  // Quote when needed; a leading = + - @ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Progress as CSV (RFC 4180, a header line, CRLF line ends). */
export function progressCsv(runs: readonly ProgressRun[]): string {
  const lines = [PROGRESS_COLUMNS.join(',')];
  for (const r of runs)
    for (const l of r.report.levels)
      lines.push(
        [
          r.trainee,
          r.run,
          r.exercise,
          r.title,
          new Date(r.started).toISOString(),
          l.id,
          l.title,
          l.type,
          l.score,
          l.max,
          l.hints,
          l.attempts,
          l.wrong,
          l.solved,
          l.solution_shown,
          l.seconds,
        ]
          .map(cell)
          .join(','),
      );
  return `${lines.join('\r\n')}\r\n`;
}

/** Progress as JSON: per trainee, their runs with totals and levels. */
export function progressJson(runs: readonly ProgressRun[]): {
  trainees: { trainee: string; score: number; max: number; runs: (Omit<ProgressRun, 'report'> & RunReport)[] }[];
} {
  const by = new Map<string, ProgressRun[]>();
  for (const r of runs) by.set(r.trainee, [...(by.get(r.trainee) ?? []), r]);
  return {
    trainees: [...by]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([trainee, list]) => ({
        trainee,
        score: list.reduce((n, r) => n + r.report.score, 0),
        max: list.reduce((n, r) => n + r.report.max, 0),
        runs: list.map(({ report, ...r }) => ({ ...r, ...report })),
      })),
  };
}
