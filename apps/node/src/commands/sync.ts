/**
 * @module
 * `intersoc sync`: one sync round now with every peer (push what waits in their outboxes, pull
 * what they hold for this node, return sightings). A running node does this by itself every
 * `syncIntervalSeconds`; this is for operators and scripts.
 */
import type { Command } from 'commander';
import { withFederation } from '../node/federation-cli.js';
import { configFor, dataOptions, type DataFlags } from '../node/options.js';

/** Adds the `sync` command. */
export function register(program: Command): void {
  dataOptions(program.command('sync').description('sync with every peer now')).action(async (f: DataFlags) => {
    const results = await withFederation(configFor(f), ({ fed }) => fed.syncAll());
    process.stdout.write(
      f.json
        ? `${JSON.stringify(results)}\n`
        : `${
            results
              .map(
                (r) =>
                  `${r.peer}: pushed ${r.pushed}, pulled ${r.pulled.added} new, ${r.pulled.duplicates} duplicates, ${r.pulled.rejected} rejected${r.error ? `; error: ${r.error}` : ''}`,
              )
              .join('\n') || 'no peers with an endpoint'
          }\n`,
    );
    if (results.some((r) => r.error)) process.exitCode = 1;
  });
}
