/**
 * @module
 * `intersoc bench NAME [--json]`: runs one benchmark module from `bench/` (or `all`).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import type { BenchModule, BenchResult } from '../bench/types.js';

const BENCH_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench');

/**
 * Benchmark names: every `bench/<name>.js` that is not the contract file. Each module loads
 * lazily, so one benchmark's dependencies never slow another.
 */
export function benchmarkNames(): string[] {
  if (!existsSync(BENCH_DIR)) return [];
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js') && f !== 'types.js' && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadBenchmark(name: string): Promise<BenchModule> {
  const mod = (await import(pathToFileURL(path.join(BENCH_DIR, `${name}.js`)).href)) as { bench?: BenchModule };
  if (!mod.bench) throw new AppError('INTERNAL', `bench/${name}.js does not export "bench"`);
  return mod.bench;
}

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
    .description(`run a benchmark: ${benchmarkNames().join(', ') || '(none yet)'} or all`)
    .argument('<name>', 'benchmark name, or "all"')
    .option('--json', 'print one JSON object per benchmark')
    .option('--quick', 'small input, for smoke runs')
    .option('--events <n>', 'input size in events, for benchmarks that take one (search)')
    .action(async (name: string, opts: { json?: boolean; quick?: boolean; events?: string }) => {
      const events = opts.events === undefined ? undefined : Number(opts.events);
      if (events !== undefined && !(Number.isInteger(events) && events > 0)) {
        throw new AppError('VALIDATION', '--events must be a positive integer');
      }
      const known = benchmarkNames();
      const names = name === 'all' ? known : [name];
      const corpora = corporaDir();
      for (const n of names) {
        if (!known.includes(n)) throw new AppError('NOT_FOUND', `no benchmark "${n}"; have: ${known.join(', ')}`);
        if (!existsSync(corpora)) process.stderr.write(`bench ${n}: corpora not found at ${corpora}\n`);
        const mod = await loadBenchmark(n);
        const result: BenchResult = await mod.run({
          quick: opts.quick === true,
          ...(events === undefined ? {} : { events }),
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
