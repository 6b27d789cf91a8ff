/**
 * @module
 * `intersoc db migrate [--store URL]`: prepares the PostgreSQL store of the scale-out roles
 * (versioned, idempotent migrations). The embedded SQLite store migrates itself when opened.
 */
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import { configFor, dataOptions, type DataFlags } from '../node/options.js';
import { storeTarget } from '../node/store-url.js';

interface MigrateFlags extends DataFlags {
  readonly store?: string;
}

/** Adds the `db` subcommand. */
export function register(program: Command): void {
  const db = program.command('db').description('manage the store of the scale-out roles');
  dataOptions(
    db
      .command('migrate')
      .description('create or upgrade the PostgreSQL store (--store, store.url or INTERSOC_STORE_URL)')
      .option('--store <url>', 'postgres://USER@HOST:PORT/DB'),
  ).action(async (flags: MigrateFlags) => {
    const target = storeTarget(configFor(flags), flags.store);
    if (target.kind !== 'postgres')
      throw new AppError(
        'CONFIG',
        'db migrate needs a PostgreSQL store: --store postgres://…, store.url, or INTERSOC_STORE_URL (SQLite migrates itself)',
      );
    // Loaded here only: the embedded node never loads the PostgreSQL client.
    const { migratePg } = await import('@intersoc/storage/postgres');
    const { applied } = await migratePg(target.url);
    process.stdout.write(
      flags.json
        ? `${JSON.stringify({ applied })}\n`
        : applied.length === 0
          ? 'the store is up to date\n'
          : `applied ${applied.join(', ')}\n`,
    );
  });
}
