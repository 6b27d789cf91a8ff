/**
 * @module
 * `bench cascade`: the cascade models over a generated dependency graph of 1,000,000 edges
 * (200,000 entities; `--quick`: 100,000 edges): one functional cascade in rounds, one in time,
 * and 1,000 Monte Carlo runs (`--quick`: 50). Reports edges/s of the Monte Carlo runs (the
 * dependencies examined per second, summed over runs); the baseline is one plain breadth-first
 * traversal of the same compiled graph from the same seeds in the same run, so `ratio` is how
 * close the cascade engine (time-ordered events, thresholds, probability draws) comes to
 * walking the edges and nothing else.
 */
import { availableParallelism } from 'node:os';
import {
  cascadeRounds,
  cascadeTimes,
  compileArrays,
  monteCarlo,
  randomGraph,
  type CompiledGraph,
} from '@intersoc/cascade';
import { benchResult, type BenchModule, type BenchOptions, type BenchResult } from './types.js';

/** Plain BFS from the seeds along dependents: the edges it examines. */
export function bfsEdges(c: CompiledGraph, seeds: readonly number[]): number {
  const n = c.ids.length;
  const seen = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let edges = 0;
  for (const s of seeds) {
    if (seen[s]) continue;
    seen[s] = 1;
    queue[tail++] = s;
  }
  while (head < tail) {
    const v = queue[head++] as number;
    for (let k = c.offsets[v] as number, end = c.offsets[v + 1] as number; k < end; k++) {
      edges++;
      const u = c.dependent[k] as number;
      if (!seen[u]) {
        seen[u] = 1;
        queue[tail++] = u;
      }
    }
  }
  return edges;
}

function timed<T>(f: () => T): { value: T; seconds: number } {
  const t0 = process.hrtime.bigint();
  const value = f();
  return { value, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function run(o: BenchOptions): Promise<BenchResult> {
  const m = o.quick ? 100_000 : 1_000_000;
  const n = m / 5;
  const runs = o.quick ? 50 : 1000;
  o.log(`generating ${n} entities and ${m} dependencies`);
  const gen = timed(() => randomGraph({ n, m, seed: 2026, overDemand: 0, fragile: 0.6 }));
  const compiled = timed(() => compileArrays(gen.value.entities, gen.value.dependencies));
  const c = compiled.value;
  const seedIds = Array.from({ length: 50 }, (_, i) => `e${(i * 7919) % n}`);
  const seeds = seedIds.map((id) => c.index.get(id) as number);

  // Baseline: one BFS, repeated for at least a second (the machine is shared: the rate is the
  // total over the total time, as the Monte Carlo rate is, not the luckiest pass).
  let bfsEdgesCount = 0;
  let bfsTotal = 0;
  let bfsSeconds = 0;
  let bfsPasses = 0;
  while (bfsSeconds < 1) {
    const b = timed(() => bfsEdges(c, seeds));
    bfsEdgesCount = b.value;
    bfsTotal += b.value;
    bfsSeconds += b.seconds;
    bfsPasses++;
  }
  const bfsRate = bfsTotal / bfsSeconds;

  const rounds = timed(() => cascadeRounds(c, seedIds));
  const times = timed(() =>
    cascadeTimes(
      c,
      seeds.map((index) => ({ index })),
    ),
  );
  let timedFailed = 0;
  for (const t of times.value) if (t !== Number.POSITIVE_INFINITY) timedFailed++;
  o.log(`functional cascade: ${rounds.value.failed.length} failed in ${rounds.value.steps.length - 1} rounds`);
  o.log(`monte carlo: ${runs} runs`);
  const mc = timed(() =>
    monteCarlo(c, seedIds, {
      runs,
      seed: 7,
      onProgress: (done) => {
        if (done % 100 === 0) o.log(`monte carlo: ${done} of ${runs} runs`);
      },
    }),
  );
  const mcRate = mc.value.edgesExamined / mc.seconds;
  const mem = process.memoryUsage();
  return benchResult({
    name: 'cascade',
    unit: 'edges/s',
    value: Math.round(mcRate),
    baseline_value: Math.round(bfsRate),
    cores: 1,
    extra: {
      description: 'Monte Carlo cascade edges/s vs one plain BFS of the same graph, same run',
      machine_cores: availableParallelism(),
      entities: n,
      dependencies: c.dependent.length,
      seeds: seedIds.length,
      generate_seconds: Math.round(gen.seconds * 100) / 100,
      compile_seconds: Math.round(compiled.seconds * 100) / 100,
      bfs_edges: bfsEdgesCount,
      bfs_passes: bfsPasses,
      functional_rounds_failed: rounds.value.failed.length,
      functional_rounds: rounds.value.steps.length - 1,
      functional_rounds_seconds: Math.round(rounds.seconds * 1000) / 1000,
      timed_failed: timedFailed,
      timed_seconds: Math.round(times.seconds * 1000) / 1000,
      monte_carlo_runs: runs,
      monte_carlo_seconds: Math.round(mc.seconds * 100) / 100,
      monte_carlo_edges: mc.value.edgesExamined,
      monte_carlo_runs_per_s: Math.round((runs / mc.seconds) * 10) / 10,
      monte_carlo_entities_at_risk: mc.value.entities.length,
      rss_mb: Math.round(mem.rss / 1048576),
      heap_used_mb: Math.round(mem.heapUsed / 1048576),
    },
  });
}

/** The benchmark. */
export const bench: BenchModule = {
  description: 'functional, timed and Monte Carlo cascades over 1,000,000 dependencies vs a plain BFS',
  run,
};
