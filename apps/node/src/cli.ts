/**
 * @module
 * Entry of the `intersoc` CLI: one program, one subcommand per file under `commands/`.
 * Errors go to stderr with a non-zero exit code; `--json` gives machine-readable output.
 */
import { Command, CommanderError } from 'commander';
import { toAppError } from '@intersoc/core';

const program = new Command('intersoc')
  .description('INTERSOC: a SOC node for interconnected Security Operation Centres')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

/** Registers every subcommand; each module adds itself to the program. */
async function main(argv: readonly string[]): Promise<void> {
  const modules = await Promise.all([import('./commands/version.js'), import('./commands/bench.js')]);
  for (const m of modules) m.register(program);
  await program.parseAsync(argv as string[]);
}

main(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
    return;
  }
  const e = toAppError(err);
  process.stderr.write(`intersoc: ${e.code}: ${e.message}\n`);
  process.exitCode = 1;
});
