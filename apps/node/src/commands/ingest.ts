/**
 * @module
 * `intersoc ingest PATH...`: ingests files and directories (plain or .gz, any supported
 * format, detected per file unless `--format` is given) into the node's store, with a progress
 * bar on a terminal and a summary (JSON with `--json`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { AppError } from '@intersoc/core';
import { configFor, dataOptions, tenantArg, workerCount, type DataFlags } from '../node/options.js';
import { startPipeline } from '../node/start-pipeline.js';

interface IngestFlags extends DataFlags {
  readonly format?: string;
  readonly tenant?: string;
  readonly label?: string;
}

/** Expands files and directories (recursively) into a sorted file list. */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) for (const f of readdirSync(p).sort()) walk(path.join(p, f));
    else if (st.isFile()) out.push(p);
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new AppError('NOT_FOUND', `no such file or directory: ${p}`);
    walk(p);
  }
  return out;
}

/** Adds the `ingest` subcommand. */
export function register(program: Command): void {
  dataOptions(
    program
      .command('ingest')
      .description('ingest log files and directories (plain or .gz; format auto-detected)')
      .argument('<paths...>', 'files or directories')
      .option('--format <name>', 'force a format instead of detecting it')
      .option('--tenant <name>', 'tenant to ingest into')
      .option('--label <label>', 'ground-truth label for every event (e.g. T1003.001 or benign)'),
  ).action(async (paths: string[], flags: IngestFlags) => {
    const config = configFor(flags);
    const tenant = tenantArg(flags.tenant, config);
    const files = expandPaths(paths);
    const totalBytes = files.reduce((a, f) => a + statSync(f).size, 0);
    const pipeline = await startPipeline(config, {
      workers: workerCount(config),
      onError: (m) => process.stderr.write(`intersoc: ${m}\n`),
    });
    const bar =
      process.stderr.isTTY && !flags.json
        ? new SingleBar({
            format: 'ingest [{bar}] {percentage}% | {value}/{total} MB | {events} events',
            hideCursor: true,
          })
        : undefined;
    const done = new Map<string, number>();
    const mb = (b: number): number => Math.round(b / 1e5) / 10;
    bar?.start(mb(totalBytes), 0, { events: 0 });
    const started = Date.now();
    const failures: { path: string; error: string }[] = [];
    try {
      await Promise.all(
        files.map(async (f) => {
          try {
            await pipeline.ingestFile(f, {
              tenant,
              ...(flags.format ? { format: flags.format } : {}),
              ...(flags.label ? { label: flags.label } : {}),
              onProgress: (bytes) => {
                done.set(f, bytes);
                bar?.update(mb([...done.values()].reduce((a, b) => a + b, 0)), {
                  events: pipeline.stats.parsed.events,
                });
              },
            });
          } catch (err) {
            failures.push({ path: f, error: (err as Error).message });
          }
        }),
      );
      await pipeline.flush();
    } finally {
      bar?.stop();
      await pipeline.close();
    }
    const s = pipeline.stats;
    const summary = {
      files: files.length,
      failed: failures,
      bytes: totalBytes,
      records: s.parsed.records,
      events: s.parsed.events,
      stored: s.stored.events,
      duplicates: s.stored.duplicates,
      deadLetters: s.parsed.deadLetters,
      alerts: s.stored.alerts,
      seconds: (Date.now() - started) / 1000,
    };
    if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else
      process.stdout.write(
        `ingested ${summary.files} file(s): ${summary.events} events (${summary.stored} new, ${summary.duplicates} duplicates), ` +
          `${summary.deadLetters} dead letters, ${summary.alerts} alerts in ${summary.seconds.toFixed(1)} s\n` +
          failures.map((f) => `failed: ${f.path}: ${f.error}\n`).join(''),
      );
    if (failures.length > 0) process.exitCode = 1;
  });
}
