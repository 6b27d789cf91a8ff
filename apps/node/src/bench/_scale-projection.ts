/**
 * @module
 * What the CPU figures of `bench scale` say: the CPU each part spends per event, which resource
 * the run ran out of, and the throughput a machine with more cores should reach. The model is
 * plain CPU accounting: on C cores given to the pipeline alone, events/s cannot pass
 * C / (CPU seconds per event of all parts), nor, for one ingest process, 1 / (its CPU per event)
 * (the ingest command parses on its main thread; more sources spread over more ingest processes
 * lift that bound). It ignores I/O waits and lock contention, so it is an upper bound, and the
 * measured run says how close to it the 2-core machine came.
 */
import type { CpuReport } from './_proc-cpu.js';

/** CPU per event of each part, microseconds. */
export type CpuPerEvent = Readonly<Record<string, number>>;

/** The reading of one scaled run. */
export interface ScaleReading {
  /** Microseconds of CPU per event, per part and in all (`total`). */
  readonly cpu_us_per_event: CpuPerEvent;
  /** Cores the run's own processes kept busy on average (their CPU seconds / wall). */
  readonly pipeline_busy_cores: number;
  /** Cores busy on the machine, everything included, and the cores left idle. */
  readonly machine_busy_cores: number;
  readonly machine_idle_cores: number;
  /** `cpu` when the machine had under 10% of a core idle, else `not cpu (idle cores left)`. */
  readonly saturated: 'cpu' | 'not cpu (idle cores left)';
  /** Events/s the CPU model allows with the machine's busy cores all given to the pipeline. */
  readonly cpu_bound_events_per_s: number;
  /** Measured events/s over that bound (1 = every busy core did pipeline work at full use). */
  readonly measured_vs_cpu_bound: number;
}

/** Projected events/s for a given number of cores. */
export interface CoreProjection {
  readonly cores: number;
  readonly events_per_s: number;
  /** Which bound decides: all parts' CPU or the one ingest process. */
  readonly bound: 'cpu of all parts' | 'one ingest process';
  /** Detect workers that throughput needs (one per core of detect CPU, rounded up). */
  readonly detect_workers: number;
}

const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;

/** Reads one run: CPU per event per part and whether the CPU was the wall. */
export function readScaleRun(events: number, eventsPerS: number, cpu: CpuReport): ScaleReading {
  const per: Record<string, number> = {};
  let total = 0;
  for (const [part, s] of Object.entries(cpu.cpu_s)) {
    per[part] = round((s / events) * 1e6, 1);
    total += s;
  }
  per['total'] = round((total / events) * 1e6, 1);
  const idle = Math.max(0, cpu.cores - cpu.machine_busy_cores);
  const bound = total > 0 ? (cpu.machine_busy_cores * events) / total : 0;
  return {
    cpu_us_per_event: per,
    pipeline_busy_cores: round(total / Math.max(cpu.wall_s, 1e-9), 3),
    machine_busy_cores: cpu.machine_busy_cores,
    machine_idle_cores: round(idle, 3),
    saturated: idle < 0.1 ? 'cpu' : 'not cpu (idle cores left)',
    cpu_bound_events_per_s: Math.round(bound),
    measured_vs_cpu_bound: bound > 0 ? round(eventsPerS / bound, 3) : 0,
  };
}

/** Events/s on `cores` dedicated cores from the CPU per event of each part. */
export function projectCores(per: CpuPerEvent, cores: readonly number[]): CoreProjection[] {
  const total = (per['total'] ?? 0) / 1e6;
  const ingest = (per['ingest'] ?? 0) / 1e6;
  const detect = (per['detect'] ?? 0) / 1e6;
  return cores.map((c) => {
    const byCpu = total > 0 ? c / total : Infinity;
    const byIngest = ingest > 0 ? 1 / ingest : Infinity;
    const eps = Math.min(byCpu, byIngest);
    return {
      cores: c,
      events_per_s: Number.isFinite(eps) ? Math.round(eps) : 0,
      bound: byIngest < byCpu ? 'one ingest process' : 'cpu of all parts',
      detect_workers: Number.isFinite(eps) ? Math.max(1, Math.ceil(eps * detect)) : 0,
    };
  });
}
