/**
 * @module
 * `intersoc info`: prints what this build contains.
 */
import type { Command } from 'commander';

/** Adds the `info` subcommand. */
export function register(program: Command): void {
  program
    .command('info')
    .description('show build information')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => {
      const info = { name: 'intersoc', version: '0.1.0', node: process.version };
      process.stdout.write(opts.json ? `${JSON.stringify(info)}\n` : `intersoc ${info.version} on Node ${info.node}\n`);
    });
}
