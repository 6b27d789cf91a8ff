/**
 * @module
 * `intersoc bench NAME [--json]`: runs one benchmark module from `bench/` (or `all`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import type { BenchModule, BenchResult } from '../bench/types.js';

/** Benchmarks by name; each loads lazily so one benchmark's dependencies never slow another. */
export const BENCHMARKS: Readonly<Record<string, () => Promise<BenchModule>>> = {};

/** Where the shared corpora are: $INTERSOC_CORPORA, else ../shared/corpora beside the repository. */
export function corporaDir(): string {
  const env = process.env['INTERSOC_CORPORA'];
  if (env) return path.resolve(env);
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
  return path.resolve(repo, '../shared/corpora');
}

/** Adds the `bench` subcommand. */
export function register(program: Command): void {
  program
    .command('bench')
    .description(`run a benchmark: ${Object.keys(BENCHMARKS).join(', ') || '(none yet)'} or all`)
    .argument('<name>', 'benchmark name, or "all"')
    .option('--json', 'print one JSON object per benchmark')
    .option('--quick', 'small input, for smoke runs')
    .action(async (name: string, opts: { json?: boolean; quick?: boolean }) => {
      const names = name === 'all' ? Object.keys(BENCHMARKS) : [name];
      const corpora = corporaDir();
      for (const n of names) {
        const load = BENCHMARKS[n];
        if (!load) throw new AppError('NOT_FOUND', `no benchmark "${n}"; have: ${Object.keys(BENCHMARKS).join(', ')}`);
        if (!existsSync(corpora)) process.stderr.write(`bench ${n}: corpora not found at ${corpora}\n`);
        const mod = await load();
        const result: BenchResult = await mod.run({
          quick: opts.quick === true,
          corpora,
          log: (line) => process.stderr.write(`[${n}] ${line}\n`),
        });
        process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${formatResult(result)}\n`);
      }
    });
}

function formatResult(r: BenchResult): string {
  return `${r.name}: ${r.value} ${r.unit} (baseline ${r.baseline_value}, ratio ${r.ratio}, ${r.cores} cores)`;
}
