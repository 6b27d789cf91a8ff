/**
 * @module
 * `intersoc demo`: generates labelled attack-and-background telemetry with the simulator and
 * ingests it, so a fresh node has something real to show. When a node serves the data folder,
 * the run is handed to it (only one process may write there).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, systemContext } from '@intersoc/core';
import { SqliteAssetStore } from '@intersoc/correlate';
import { NODE_DB_FILE, openDatabase, readWriterInfo } from '@intersoc/storage';
import { callControl } from '../node/control.js';
import { runDemoJob, type DemoJob, type DemoJobResult } from '../node/demo-job.js';
import { estateAssets } from '../node/incidents/estate.js';
import { withIncidents } from '../node/incidents/offline.js';
import { configFor, dataOptions, intArg, tenantArg, timeArg, workerCount, type DataFlags } from '../node/options.js';
import { startPipeline } from '../node/start-pipeline.js';

interface DemoFlags extends DataFlags {
  readonly hours?: string;
  readonly seed?: string;
  readonly tenant?: string;
  readonly truth?: string;
  readonly end?: string;
}

/** Adds the `demo` subcommand. */
export function register(program: Command): void {
  dataOptions(
    program
      .command('demo')
      .description('generate and ingest labelled demo telemetry (attacks mixed into benign activity)')
      .option('--hours <h>', 'hours of activity to simulate', '24')
      .option('--seed <n>', 'random seed (same seed, same data)', '1')
      .option('--tenant <name>', 'tenant to ingest into')
      .option(
        '--end <time>',
        'end of the simulated window: ISO-8601, epoch, or relative like 2h (default now); the office works 08-18 UTC',
      )
      .option(
        '--truth <file>',
        'also write the ground truth of the simulated attack chains, with their event ids (JSON)',
      ),
  ).action(async (flags: DemoFlags) => {
    const config = configFor(flags);
    const hours = Number(flags.hours ?? '24');
    if (!(hours > 0 && hours <= 24 * 31)) throw new AppError('VALIDATION', '--hours must be between 0 and 744');
    const end = timeArg('end', flags.end);
    const job: DemoJob = {
      tenant: tenantArg(flags.tenant, config),
      hours,
      seed: intArg('seed', flags.seed, 1),
      truth: flags.truth !== undefined,
      ...(end === undefined ? {} : { end }),
    };
    let result: DemoJobResult;
    let handedTo: string | undefined;
    const pipeline = await startPipeline(config, {
      workers: workerCount(config),
      lockedBy: 'demo',
      onError: (m) => process.stderr.write(`intersoc: ${m}\n`),
    }).catch((err: unknown) => {
      const holder = err instanceof AppError && err.code === 'CONFLICT' ? readWriterInfo(config.data) : undefined;
      if (holder?.control) return holder;
      throw err;
    });
    if ('stats' in pipeline) {
      try {
        result = await runDemoJob(pipeline, config.data, job, (estate) => {
          // The simulated estate goes into the asset inventory, so incidents know its hosts.
          const db = openDatabase(path.join(config.data, NODE_DB_FILE));
          try {
            new SqliteAssetStore(db).upsert(systemContext(job.tenant), estateAssets(estate));
          } finally {
            db.close();
          }
        });
      } finally {
        await pipeline.close();
      }
    } else {
      // A node serves this data folder: it runs the demo on its own pipeline.
      handedTo = `the running node (pid ${pipeline.pid}${pipeline.url ? `, ${pipeline.url}` : ''})`;
      result = (await callControl(pipeline.control as string, { cmd: 'demo', args: { ...job } })) as DemoJobResult;
    }
    const { truth, ...s } = result;
    if (flags.truth && truth) writeFileSync(flags.truth, `${JSON.stringify(truth, null, 2)}\n`);
    const incidents = withIncidents(config, ({ stage }) => stage.incidents.counts(systemContext(job.tenant)).total);
    const out = { ...s, incidents, ...(handedTo ? { handedTo } : {}) };
    if (flags.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else {
      const attacks = Object.entries(s.byLabel).filter(([l]) => l !== 'benign');
      process.stdout.write(
        (handedTo ? `handed to ${handedTo}\n` : '') +
          `demo: ${s.records} events over ${hours} h into tenant "${job.tenant}" (${out.stored} new, ${out.duplicates} duplicates, ` +
          `${out.deadLetters} dead letters, ${out.alerts} alerts, ${incidents} incidents)\n` +
          `  benign: ${s.byLabel['benign'] ?? 0}; attack techniques: ${attacks.map(([l, c]) => `${l}×${c}`).join(', ')}\n`,
      );
    }
  });
}
