/**
 * @module
 * `intersoc stats [--tenant T] [--store URL] [--json]`: how many events, alerts and incidents the
 * configured store holds for a tenant — the embedded SQLite node in `--data`, or the scale-out
 * store (`--store`, `store.url`, `INTERSOC_STORE_URL`). On PostgreSQL, incidents are those the
 * api role built (`PgIncidentStore`).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { systemContext } from '@intersoc/core';
import { EVENTS_DB_FILE, openEventReader } from '@intersoc/storage';
import { withIncidents } from '../node/incidents/offline.js';
import { configFor, dataOptions, tenantArg, type DataFlags } from '../node/options.js';
import { storeTarget } from '../node/store-url.js';
import { createHydrator } from '../pipeline/hydrator.js';

interface StatsFlags extends DataFlags {
  readonly tenant?: string;
  readonly store?: string;
}

/** The counts `intersoc stats` prints. */
export interface StoreCounts {
  readonly events: number;
  readonly alerts: number;
  readonly incidents: number;
}

/** Adds the `stats` subcommand. */
export function register(program: Command): void {
  dataOptions(
    program
      .command('stats')
      .description('count the events, alerts and incidents of a tenant in the configured store')
      .option('--tenant <name>', 'tenant to count')
      .option('--store <url>', 'postgres://… or sqlite:DIR (default: the node in --data)'),
  ).action(async (flags: StatsFlags) => {
    const config = configFor(flags);
    const tenant = tenantArg(flags.tenant, config);
    const ctx = systemContext(tenant);
    const target = storeTarget(config, flags.store);
    let counts: StoreCounts;
    if (target.kind === 'postgres') {
      const { openPgEventStore, openSyncPg } = await import('@intersoc/storage/postgres');
      const { PgIncidentStore } = await import('@intersoc/correlate');
      const store = await openPgEventStore(target.url, { max: 1 });
      const pg = openSyncPg(target.url);
      try {
        const s = await store.stats(ctx);
        counts = { events: s.events, alerts: s.alerts, incidents: new PgIncidentStore(pg).counts(ctx).total };
      } finally {
        await store.close();
        await pg.close();
      }
    } else {
      const reader = openEventReader(path.join(target.dir, EVENTS_DB_FILE), createHydrator());
      let s;
      try {
        s = reader.stats(ctx);
      } finally {
        reader.close();
      }
      // The embedded node: incidents as `intersoc incidents list` sees them (caught up first). A
      // `sqlite:DIR` store of local detect workers has no incident stage.
      const incidents = target.shared ? 0 : withIncidents(config, ({ stage }) => stage.incidents.counts(ctx).total);
      counts = { events: s.events, alerts: s.alerts, incidents };
    }
    process.stdout.write(
      flags.json
        ? `${JSON.stringify(counts)}\n`
        : `${tenant}: ${counts.events} events, ${counts.alerts} alerts, ${counts.incidents} incidents\n`,
    );
  });
}
