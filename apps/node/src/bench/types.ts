/**
 * @module
 * The benchmark contract: every benchmark is a module `bench/<name>.ts` exporting `run`, and
 * prints one JSON object. `ratio` is value / baseline_value with higher = better, so figures
 * hold across noisy machines. Benchmarks never gate CI on absolute time.
 */
import { availableParallelism } from 'node:os';

/** The figures a benchmark measures itself. */
export interface BenchFields {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly baseline_value: number;
  /** Cores the measured run used; defaults to the machine's. */
  readonly cores?: number;
  /** Anything else that explains the figure: input size, memory, per-stage rates. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** What every benchmark prints. */
export interface BenchResult {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly baseline_value: number;
  /** value / baseline_value; higher is better. */
  readonly ratio: number;
  readonly cores: number;
  readonly [extra: string]: unknown;
}

/** Options every benchmark receives. */
export interface BenchOptions {
  /** Smaller input for smoke runs (`--quick`): same code paths, fewer events. */
  readonly quick: boolean;
  /** Input size asked for with `--events N`, for benchmarks that take one (else their default). */
  readonly events?: number;
  /** Path of the shared corpora (`../shared/corpora` beside the repository by default). */
  readonly corpora: string;
  /** Progress lines go here (stderr); the result goes to stdout. */
  readonly log: (line: string) => void;
}

/** A benchmark module. */
export interface BenchModule {
  readonly description: string;
  run(options: BenchOptions): Promise<BenchResult>;
}

/** Builds a result with ratio and cores filled in. */
export function benchResult(fields: BenchFields): BenchResult {
  const ratio = fields.baseline_value > 0 ? fields.value / fields.baseline_value : 0;
  return {
    ...fields.extra,
    name: fields.name,
    unit: fields.unit,
    value: fields.value,
    baseline_value: fields.baseline_value,
    ratio: Math.round(ratio * 1000) / 1000,
    cores: fields.cores ?? availableParallelism(),
  };
}
