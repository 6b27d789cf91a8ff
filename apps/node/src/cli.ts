/**
 * @module
 * Entry of the `intersoc` CLI: one program, one subcommand per file under `commands/`.
 * Errors go to stderr with a non-zero exit code; `--json` gives machine-readable output.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { toAppError } from '@intersoc/core';

const program = new Command('intersoc')
  .description('INTERSOC: a SOC node for interconnected Security Operation Centres')
  .version('0.1.0')
  // The program's own options (`--version`) only before a subcommand: `ml deploy --version 2`
  // and `playbook show --version ...` name a model or playbook version, not the CLI's.
  .enablePositionalOptions()
  .showHelpAfterError()
  .exitOverride();

interface CommandModule {
  register(program: Command): void;
}

/**
 * Registers every subcommand: each `commands/<name>.js` module exports `register`. Discovering
 * them keeps this file stable as features add commands.
 */
async function main(argv: readonly string[]): Promise<void> {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js'))
    .sort();
  // Commands live in `commands/<name>.js`: running one loads only its module (and its
  // dependencies), which keeps start-up short. Help and unknown names load them all.
  const wanted = `${argv[2] ?? ''}.js`;
  const files = all.includes(wanted) ? [wanted] : all;
  const modules = await Promise.all(
    files.map((f) => import(pathToFileURL(path.join(dir, f)).href) as Promise<Partial<CommandModule>>),
  );
  for (const m of modules) m.register?.(program);
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
