/**
 * @module
 * `intersoc lookup <kind> <value>`: asks every peer whether it has seen a value, without
 * revealing the value to any of them (VOPRF over ristretto255, RFC 9497).
 */
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import type { IocKind } from '@intersoc/cti';
import { withFederation } from '../node/federation-cli.js';
import { configFor, dataOptions, type DataFlags } from '../node/options.js';

const KINDS: readonly IocKind[] = ['ip', 'domain', 'url', 'email', 'hash'];

/** Adds the `lookup` command. */
export function register(program: Command): void {
  dataOptions(
    program
      .command('lookup')
      .description('ask peers "have you seen X?" without revealing X')
      .argument('<kind>', KINDS.join(' | '))
      .argument('<value>'),
  ).action(async (kind: string, value: string, f: DataFlags) => {
    if (!(KINDS as readonly string[]).includes(kind))
      throw new AppError('VALIDATION', `kind is one of ${KINDS.join(', ')}`);
    const answers = await withFederation(configFor(f), ({ fed, ctx }) => fed.lookup(ctx, kind as IocKind, value));
    process.stdout.write(
      f.json
        ? `${JSON.stringify(answers)}\n`
        : `${answers.map((a) => `${a.name} (${a.peer}): ${a.error ? `error: ${a.error}` : a.seen ? 'seen' : 'not seen'}`).join('\n') || 'no peers with an endpoint'}\n`,
    );
  });
}
