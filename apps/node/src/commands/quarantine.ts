/**
 * @module
 * `intersoc quarantine list|release|reject`: intelligence from peers whose trust-weighted,
 * fused confidence is too low waits here instead of driving detections, until an analyst
 * releases or rejects it.
 */
import type { Command } from 'commander';
import { withFederation } from '../node/federation-cli.js';
import { configFor, dataOptions, type DataFlags } from '../node/options.js';

/** Adds the `quarantine` subcommand group. */
export function register(program: Command): void {
  const q = program.command('quarantine').description('received intelligence waiting for review');

  dataOptions(q.command('list').description('list quarantined objects')).action(async (f: DataFlags) => {
    const items = await withFederation(configFor(f), ({ fed, ctx }) => fed.quarantined(ctx));
    process.stdout.write(
      f.json
        ? `${JSON.stringify(items)}\n`
        : `${items.map((i) => `${i.id}  confidence ${i.confidence}  ${i.name ?? ''}  from ${i.reporters.join(', ')}`).join('\n') || 'nothing in quarantine'}\n`,
    );
  });

  for (const [verb, decision] of [
    ['release', 'released'],
    ['reject', 'rejected'],
  ] as const) {
    dataOptions(
      q
        .command(verb)
        .description(verb === 'release' ? 'let an object drive detections' : 'keep an object out of detection')
        .argument('<id>', 'STIX id'),
    ).action(async (id: string, f: DataFlags) => {
      const state = await withFederation(configFor(f), ({ fed, ctx }) => fed.review(ctx, id, decision));
      process.stdout.write(f.json ? `${JSON.stringify({ id, decision, state })}\n` : `${id}: ${decision}\n`);
    });
  }
}
