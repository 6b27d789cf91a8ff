/**
 * @module
 * `intersoc ingest PATH...`: ingests files and directories (plain or .gz, any supported
 * format, detected per file unless `--format` is given) into the node's store, with a progress
 * bar on a terminal and a summary (JSON with `--json`). When a node serves the data folder, the
 * files are handed to it (only one process may write there). With a bus (`--bus`, `bus.url`,
 * `INTERSOC_BUS_URL`) it publishes to the scale-out roles and waits until they stored it all.
 */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { AppError } from '@intersoc/core';
import { readWriterInfo } from '@intersoc/storage';
import { callControl } from '../node/control.js';
import { expandPaths, ingestFiles, type IngestFilesRequest, type IngestSummary } from '../node/ingest-files.js';
import { configFor, dataOptions, tenantArg, workerCount, type DataFlags } from '../node/options.js';
import { startPipeline } from '../node/start-pipeline.js';

export { expandPaths } from '../node/ingest-files.js';

interface IngestFlags extends DataFlags {
  readonly bus?: string;
  readonly format?: string;
  readonly tenant?: string;
  readonly label?: string;
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
      .option('--label <label>', 'ground-truth label for every event (e.g. T1003.001 or benign)')
      .option('--bus <url>', 'publish to the scale-out bus (nats://HOST:PORT) and wait until stored'),
  ).action(async (paths: string[], flags: IngestFlags) => {
    const config = configFor(flags, flags.bus ? { overrides: { bus: { url: flags.bus } } } : {});
    const req: IngestFilesRequest = {
      files: expandPaths(paths),
      tenant: tenantArg(flags.tenant, config),
      ...(flags.format ? { format: flags.format } : {}),
      ...(flags.label ? { label: flags.label } : {}),
    };
    if (config.bus.url !== undefined) {
      // Scale-out: parse here, publish, and return once the detect group stored everything.
      const { ingestFilesToBus } = await import('../roles/ingest-files.js');
      const s = await ingestFilesToBus(config, req);
      if (flags.json) process.stdout.write(`${JSON.stringify(s)}\n`);
      else
        process.stdout.write(
          `published ${s.events} events (${s.deadLetters} dead letters) of ${s.files} file(s) in ${s.batches} batches ` +
            `(${Math.round(s.busBytes / 1024)} KiB) to ${s.bus}; all stored by the detect workers in ${s.seconds.toFixed(1)} s\n` +
            s.failed.map((f) => `failed: ${f.path}: ${f.error}\n`).join(''),
        );
      if (s.failed.length > 0) process.exitCode = 1;
      return;
    }
    const bar =
      process.stderr.isTTY && !flags.json
        ? new SingleBar({
            format: 'ingest [{bar}] {percentage}% | {value}/{total} MB | {events} events',
            hideCursor: true,
          })
        : undefined;
    const mb = (b: number): number => Math.round(b / 1e5) / 10;
    let started = false;
    const progress = (p: { bytes: number; totalBytes: number; events: number }): void => {
      if (!started) bar?.start(mb(p.totalBytes), 0, { events: 0 });
      started = true;
      bar?.update(mb(p.bytes), { events: p.events });
    };
    let summary: IngestSummary;
    let handedTo: string | undefined;
    try {
      const pipeline = await startPipeline(config, {
        workers: workerCount(config),
        lockedBy: 'ingest',
        onError: (m) => process.stderr.write(`intersoc: ${m}\n`),
      }).catch((err: unknown) => {
        const holder = err instanceof AppError && err.code === 'CONFLICT' ? readWriterInfo(config.data) : undefined;
        if (holder?.control) return holder;
        throw err;
      });
      if ('stats' in pipeline) {
        try {
          summary = await ingestFiles(pipeline, req, progress);
        } finally {
          await pipeline.close();
        }
      } else {
        // A node serves this data folder: it ingests the files (it is the only writer).
        handedTo = `the running node (pid ${pipeline.pid}${pipeline.url ? `, ${pipeline.url}` : ''})`;
        summary = (await callControl(pipeline.control as string, { cmd: 'ingest', args: { ...req } }, (p) =>
          progress(p as Parameters<typeof progress>[0]),
        )) as IngestSummary;
      }
    } finally {
      bar?.stop();
    }
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, ...(handedTo ? { handedTo } : {}) })}\n`);
    else
      process.stdout.write(
        (handedTo ? `handed to ${handedTo}\n` : '') +
          `ingested ${summary.files} file(s): ${summary.events} events (${summary.stored} new, ${summary.duplicates} duplicates), ` +
          `${summary.deadLetters} dead letters, ${summary.alerts} alerts in ${summary.seconds.toFixed(1)} s\n` +
          summary.failed.map((f) => `failed: ${f.path}: ${f.error}\n`).join(''),
      );
    if (summary.failed.length > 0) process.exitCode = 1;
  });
}
