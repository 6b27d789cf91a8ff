/**
 * @module
 * `intersoc hunt --rules DIR PATH... [--output FILE] [--format jsonl|csv]`: runs Sigma rules over
 * log files (JSON Lines, concatenated JSON, `.gz`, any format the ingest reader detects) and
 * writes a timeline, one row per match; a summary by level and rule goes to stderr.
 */
import { createWriteStream, existsSync, readdirSync, statSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, SEVERITIES, stableId } from '@intersoc/core';
import { csvRow, Hunt, loadRuleSet, TIMELINE_COLUMNS, type TimelineRow } from '@intersoc/detect';
import { readRecords } from '@intersoc/ingest';

interface HuntOpts {
  rules: string[];
  output?: string;
  format?: string;
  inputFormat?: string;
  mapping: string[];
  placeholders?: string;
  json?: boolean;
}

/** Repeatable option values; a comma also separates values (`--rules a,b`). */
function collect(v: string, prev: string[]): string[] {
  return [...prev, ...v.split(',').filter((x) => x !== '')];
}

/** Files below the paths (folders are walked; hidden entries skipped). */
export function inputFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isFile()) out.push(p);
    else if (st.isDirectory()) for (const n of readdirSync(p).sort()) if (!n.startsWith('.')) walk(path.join(p, n));
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new AppError('NOT_FOUND', `no such file or folder: ${p}`);
    walk(p);
  }
  return out;
}

/** Result of a hunt over files. */
export interface HuntResult {
  readonly rows: number;
  readonly records: number;
  /** Records that could not be parsed. */
  readonly unreadable: number;
  /** Files that could not be read at all, with the reason. */
  readonly skipped: readonly string[];
  readonly hunt: Hunt;
}

/** Hunts the files and hands every row to `emit`. */
export async function huntFiles(
  files: readonly string[],
  hunt: Hunt,
  emit: (row: TimelineRow) => void,
  inputFormat?: string,
): Promise<HuntResult> {
  let rows = 0;
  let unreadable = 0;
  const skipped: string[] = [];
  for (const file of files) {
    try {
      for await (const r of readRecords(file, inputFormat ? { format: inputFormat } : {})) {
        if (!r.ok) {
          unreadable++;
          continue;
        }
        for (const row of hunt.push({
          fields: r.record.fields,
          ecs: r.record.ecs,
          format: r.format,
          time: r.record.time ?? 0,
          id: stableId(file, String(r.offset)),
          sourceFile: file,
        })) {
          rows++;
          emit(row);
        }
      }
    } catch (err) {
      // A file in a format nobody reads is reported and skipped; the hunt goes on.
      skipped.push(`${file}: ${(err as Error).message}`);
    }
  }
  for (const row of hunt.finish()) {
    rows++;
    emit(row);
  }
  return { rows, records: hunt.summary.records, unreadable, skipped, hunt };
}

/** Adds the `hunt` subcommand. */
export function register(program: Command): void {
  program
    .command('hunt')
    .description('run Sigma rules over log files and write a timeline')
    .argument('<paths...>', 'log files or folders (JSON, JSONL, .gz, ...)')
    .option('--rules <dir>', 'rule folder or file (required; repeatable, or comma-separated)', collect, [])
    .option('--output <file>', 'timeline file (default: stdout)')
    .option('--format <format>', 'timeline format: jsonl or csv (default: csv for *.csv, else jsonl)')
    .option('--input-format <format>', 'input format name (default: auto-detected per file)')
    .option('--mapping <file>', 'extra logsource mapping file or folder (repeatable)', collect, [])
    .option('--placeholders <file>', 'YAML map of placeholder values')
    .action(async (paths: string[], opts: HuntOpts) => {
      if (opts.rules.length === 0) throw new AppError('BAD_REQUEST', '--rules names no rule folder');
      const format = opts.format ?? (opts.output?.endsWith('.csv') ? 'csv' : 'jsonl');
      if (format !== 'jsonl' && format !== 'csv') throw new AppError('BAD_REQUEST', '--format must be jsonl or csv');
      const started = Date.now();
      const loaded = loadRuleSet(opts.rules, {
        ...(opts.mapping.length ? { mappings: opts.mapping } : {}),
        ...(opts.placeholders ? { placeholdersFile: opts.placeholders } : {}),
      });
      process.stderr.write(
        `hunt: ${loaded.ruleSet.rules.length} rules and ${loaded.ruleSet.correlations.length} correlations loaded (${loaded.allRejected.length} rejected) in ${Date.now() - started} ms\n`,
      );
      const files = inputFiles(paths);
      const out: WriteStream | NodeJS.WriteStream = opts.output ? createWriteStream(opts.output) : process.stdout;
      if (format === 'csv') out.write(`${TIMELINE_COLUMNS.join(',')}\n`);
      const hunt = new Hunt(loaded.ruleSet);
      const t0 = Date.now();
      const result = await huntFiles(
        files,
        hunt,
        (row) => out.write(format === 'csv' ? `${csvRow(row)}\n` : `${JSON.stringify(row)}\n`),
        opts.inputFormat,
      );
      if (opts.output) await new Promise<void>((resolve) => (out as WriteStream).end(resolve));
      const s = hunt.summary;
      const secs = Math.max(0.001, (Date.now() - t0) / 1000);
      const lines = [
        ...result.skipped.slice(0, 5).map((f) => `hunt: skipped ${f}`),
        ...(result.skipped.length > 5 ? [`hunt: ... and ${result.skipped.length - 5} more files skipped`] : []),
        `hunt: ${files.length} files (${result.skipped.length} skipped), ${s.records} records (${Math.round(s.records / secs)}/s), ${result.unreadable} unreadable, ${result.rows} detections`,
        `hunt: by level: ${SEVERITIES.slice()
          .reverse()
          .map((l) => `${l} ${s.byLevel[l]}`)
          .join(', ')}`,
        ...[...s.byRule.values()]
          .sort((a, b) => b.count - a.count)
          .slice(0, 50)
          .map((r) => `  ${String(r.count).padStart(7)}  ${r.level.padEnd(13)} ${r.title}`),
      ];
      process.stderr.write(`${lines.join('\n')}\n`);
    });
}
