/**
 * @module
 * `intersoc demo`: generates labelled attack-and-background telemetry with the simulator and
 * ingests it, so a fresh node has something real to show.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { systemContext } from '@intersoc/core';
import { SqliteAssetStore } from '@intersoc/correlate';
import type { SimRecord, SimTruth } from '@intersoc/simulate';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase, openEventReader } from '@intersoc/storage';
import { configFor, dataOptions, intArg, tenantArg, workerCount, type DataFlags } from '../node/options.js';
import { runDemo } from '../node/demo.js';
import { ChainRecords, demoTruth } from '../node/demo-truth.js';
import { estateAssets } from '../node/incidents/estate.js';
import { withIncidents } from '../node/incidents/offline.js';
import { startPipeline } from '../node/start-pipeline.js';
import { createHydrator } from '../pipeline/hydrator.js';

interface DemoFlags extends DataFlags {
  readonly hours?: string;
  readonly seed?: string;
  readonly tenant?: string;
  readonly truth?: string;
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
        '--truth <file>',
        'also write the ground truth of the simulated attack chains, with their event ids (JSON)',
      ),
  ).action(async (flags: DemoFlags) => {
    const config = configFor(flags);
    const tenant = tenantArg(flags.tenant, config);
    const hours = Number(flags.hours ?? '24');
    if (!(hours > 0 && hours <= 24 * 31)) throw new Error('--hours must be between 0 and 744');
    const pipeline = await startPipeline(config, {
      workers: workerCount(config),
      onError: (m) => process.stderr.write(`intersoc: ${m}\n`),
    });
    try {
      let truth: SimTruth | undefined;
      const records = flags.truth ? new ChainRecords() : undefined;
      const s = await runDemo(pipeline, {
        tenant,
        hours,
        seed: intArg('seed', flags.seed, 1),
        // The simulated estate goes into the asset inventory, so incidents know its hosts.
        onEstate: (estate) => {
          const db = openDatabase(path.join(config.data, NODE_DB_FILE));
          try {
            new SqliteAssetStore(db).upsert(systemContext(tenant), estateAssets(estate));
          } finally {
            db.close();
          }
        },
        ...(records ? { onRecord: (r: SimRecord) => records.see(r) } : {}),
        onTruth: (t) => {
          truth = t;
        },
      });
      if (flags.truth && truth && records) {
        // The ids come from the store, so they are the ones incidents and searches show.
        const reader = openEventReader(path.join(config.data, EVENTS_DB_FILE), createHydrator());
        try {
          const withIds = demoTruth(truth, records, reader, tenant, s.start, s.end);
          writeFileSync(flags.truth, `${JSON.stringify(withIds, null, 2)}\n`);
        } finally {
          reader.close();
        }
      }
      const incidents = withIncidents(config, ({ stage }) => stage.incidents.counts(systemContext(tenant)).total);
      const out = {
        ...s,
        incidents,
        stored: pipeline.stats.stored.events,
        duplicates: pipeline.stats.stored.duplicates,
        alerts: pipeline.stats.stored.alerts,
        deadLetters: pipeline.stats.parsed.deadLetters,
      };
      if (flags.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else {
        const attacks = Object.entries(s.byLabel).filter(([l]) => l !== 'benign');
        process.stdout.write(
          `demo: ${s.records} events over ${hours} h into tenant "${tenant}" (${out.stored} new, ${out.duplicates} duplicates, ` +
            `${out.deadLetters} dead letters, ${out.alerts} alerts, ${incidents} incidents)\n` +
            `  benign: ${s.byLabel['benign'] ?? 0}; attack techniques: ${attacks.map(([l, c]) => `${l}×${c}`).join(', ')}\n`,
        );
      }
    } finally {
      await pipeline.close();
    }
  });
}
