/**
 * @module
 * `bench ingest`: end-to-end ingest of a fixed mordor sample (parse, normalise, store in SQLite)
 * until every event is committed and searchable, on one core (everything inline on one thread)
 * and on all cores (parse workers + writer thread). Baseline: plain `JSON.parse` of the same
 * lines in the same run. Both runs are measured in steady state: the threads first ingest a
 * warm-up set (other events, another tenant) so compiled code is in place, as in a running node.
 * Also reports background term-index time, peak memory (which includes the sample held in memory
 * for the baseline) and bytes stored.
 *
 * The headline runs have no detectors (the stage's own cost); `detectors_on` repeats them with the
 * starter detectors (Sigma starter pack, IOC), and `baselines_on` adds the host behaviour baselines
 * (the `baseline` kind and its stage on the writer thread), as a node runs by default. CPU-time ratios sit beside
 * the wall-clock ones: on a shared machine the wall clock moves with everyone else's load, the CPU
 * time much less. `profile_one_core` splits one more one-core run's time by stage.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigSchema, systemContext } from '@intersoc/core';
import { EVENTS_DB_FILE, openEventReader } from '@intersoc/storage';
import { DEFAULT_DETECTORS, startPipeline } from '../node/start-pipeline.js';
import { createHydrator } from '../pipeline/hydrator.js';
import { mordorLines } from './_corpus.js';
import { CpuProfiler } from './_cpu-profile.js';
import { ingestStages, type StageProfile } from './_ingest-profile.js';
import { benchResult, type BenchModule, type BenchOptions } from './types.js';

const FILES = 8;

/** Best `JSON.parse` rate of three rounds, by wall clock and by CPU time. */
function parseRate(lines: readonly string[]): { eps: number; cpuEps: number } {
  let best = 0;
  let bestCpu = 0;
  for (let round = 0; round < 3; round++) {
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    let keys = 0;
    for (const l of lines) keys += Object.keys(JSON.parse(l) as object).length;
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    const cpu = cpuSeconds(c);
    if (keys < 0) throw new Error('unreachable');
    best = Math.max(best, lines.length / s);
    bestCpu = Math.max(bestCpu, lines.length / cpu);
  }
  return { eps: best, cpuEps: bestCpu };
}

/** CPU seconds of the process (every thread) since `from`. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

interface RunOptions {
  readonly workers: number;
  readonly detectors: readonly string[];
  readonly peak: { rss: number };
  /** Profiles the timed part (the run's rates are then not comparable). */
  readonly profiler?: CpuProfiler;
  /** Builds the term index after the timed part and reports its time (the headline runs). */
  readonly index?: boolean;
}

async function run(
  o: BenchOptions,
  files: readonly string[],
  warmup: readonly string[],
  n: number,
  r: RunOptions,
): Promise<Record<string, number>> {
  const { workers, peak } = r;
  const data = mkdtempSync(path.join(tmpdir(), 'intersoc-bench-ingest-'));
  try {
    const config = ConfigSchema.parse({ data });
    const pipeline = await startPipeline(config, { workers, detectors: r.detectors, idleFlushMs: 5_000 });
    // Steady state, as a running node sees it: every thread has compiled its hot paths on other
    // events (another tenant) before the clock starts, in both the one-core and all-core runs.
    await Promise.all(warmup.map((f) => pipeline.ingestFile(f, { tenant: 'warmup' })));
    await pipeline.flush();
    const before = pipeline.stats.stored.events;
    const alertsBefore = pipeline.stats.stored.alerts;
    const sampler = setInterval(() => (peak.rss = Math.max(peak.rss, process.memoryUsage().rss)), 100);
    await r.profiler?.start();
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    await Promise.all(files.map((f) => pipeline.ingestFile(f, { tenant: 'bench' })));
    await pipeline.flush();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = cpuSeconds(c0);
    await r.profiler?.stop();
    const alerts = pipeline.stats.stored.alerts - alertsBefore;
    const t1 = process.hrtime.bigint();
    if (r.index === true) await pipeline.indexAll();
    const indexSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    clearInterval(sampler);
    const stored = pipeline.stats.stored.events - before;
    await pipeline.close();
    // Searchable: the store holds every event and a query finds a known one.
    const reader = openEventReader(path.join(data, EVENTS_DB_FILE), createHydrator());
    const ctx = systemContext('bench');
    const stats = reader.stats(ctx);
    const probe = reader.searchEvents(ctx, { q: 'EventID:4688', limit: 1 }).items.length;
    reader.db.pragma('wal_checkpoint(TRUNCATE)');
    reader.close();
    if (stored !== n || stats.events !== n)
      o.log(`warning: stored ${stored} (store says ${stats.events}) of ${n} events`);
    const dbBytes = statSync(path.join(data, EVENTS_DB_FILE)).size;
    o.log(
      `${workers === 0 ? '1 core' : `${workers} workers`}${r.detectors.length > 0 ? ' + detectors' : ''}${r.profiler ? ' (profiled)' : ''}: ${Math.round(n / seconds)} events/s, ${Math.round(n / cpu)} per CPU second${r.index === true ? `, index ${indexSeconds.toFixed(1)} s` : ''}, probe hits ${probe}, ${alerts} alerts`,
    );
    return {
      eps: n / seconds,
      cpuEps: n / cpu,
      alerts,
      seconds,
      indexSeconds,
      stored: stats.events,
      dbBytes,
      blockBytes: stats.storedBytes,
      rawBytes: stats.rawBytes,
    };
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

/** The best one-core and all-core runs with `detectors`; `base` keeps the best baseline seen. */
async function measure(
  o: BenchOptions,
  files: readonly string[],
  warmup: readonly string[],
  lines: readonly string[],
  detectors: readonly string[],
  rounds: number,
  base: { eps: number; cpuEps: number },
): Promise<{
  one: Record<string, number>;
  multi: Record<string, number>;
  peak1: { rss: number };
  peakN: { rss: number };
}> {
  // Alternate baseline and measured runs and keep the best of each, so a burst of load from
  // elsewhere on the machine hits both sides instead of skewing the ratio.
  const peak1 = { rss: 0 };
  const peakN = { rss: 0 };
  let one: Record<string, number> = {};
  let multi: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    const b = parseRate(lines);
    base.eps = Math.max(base.eps, b.eps);
    base.cpuEps = Math.max(base.cpuEps, b.cpuEps);
    o.log(`JSON.parse: ${Math.round(base.eps)} events/s, ${Math.round(base.cpuEps)} per CPU second (best so far)`);
    const index = detectors.length === 0;
    const run1 = await run(o, files, warmup, lines.length, { workers: 0, detectors, peak: peak1, index });
    if ((run1['eps'] as number) > (one['eps'] ?? 0)) one = run1;
  }
  for (let r = 0; r < rounds; r++) {
    const workers = availableParallelism();
    const index = detectors.length === 0;
    const runN = await run(o, files, warmup, lines.length, { workers, detectors, peak: peakN, index });
    if ((runN['eps'] as number) > (multi['eps'] ?? 0)) multi = runN;
  }
  return { one, multi, peak1, peakN };
}

/** Stage fractions of one more one-core run, under the CPU profiler. */
async function profile(
  o: BenchOptions,
  files: readonly string[],
  warmup: readonly string[],
  n: number,
  detectors: readonly string[],
): Promise<StageProfile> {
  const profiler = new CpuProfiler();
  await run(o, files, warmup, n, { workers: 0, detectors, peak: { rss: 0 }, profiler });
  if (!profiler.profile) throw new Error('no profile');
  return ingestStages(profiler.profile);
}

/** The ingest benchmark. */
export const bench: BenchModule = {
  description: 'end-to-end ingest of mordor events into SQLite vs JSON.parse',
  async run(o) {
    const n = o.quick ? 20_000 : 200_000;
    const warm = Math.round(n / 10);
    const all = mordorLines(o.corpora, n + warm);
    // The measured sample comes first; warm-up events are the ones after it (never measured).
    const lines = all.slice(0, n);
    const warmLines = all.slice(n);
    const inputBytes = lines.reduce((a, l) => a + Buffer.byteLength(l) + 1, 0);
    o.log(`${lines.length} mordor events, ${(inputBytes / 1e6).toFixed(0)} MB`);
    const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-bench-input-'));
    const files: string[] = [];
    const per = Math.ceil(lines.length / FILES);
    for (let i = 0; i < FILES; i++) {
      const f = path.join(dir, `part-${i}.jsonl`);
      writeFileSync(f, `${lines.slice(i * per, (i + 1) * per).join('\n')}\n`);
      files.push(f);
    }
    const warmup: string[] = [];
    const cores = availableParallelism();
    const perWarm = Math.ceil(warmLines.length / cores);
    for (let i = 0; i < cores; i++) {
      const f = path.join(dir, `warmup-${i}.jsonl`);
      writeFileSync(f, `${warmLines.slice(i * perWarm, (i + 1) * perWarm).join('\n')}\n`);
      warmup.push(f);
    }
    try {
      const rounds = o.quick ? 1 : 2;
      const base = { eps: 0, cpuEps: 0 };
      const off = await measure(o, files, warmup, lines, [], rounds, base);
      const on = await measure(o, files, warmup, lines, DEFAULT_DETECTORS, rounds, base);
      const withBaselines = [...DEFAULT_DETECTORS, 'baseline'];
      const bl = await measure(o, files, warmup, lines, withBaselines, rounds, base);
      const profileOff = await profile(o, files, warmup, lines.length, []);
      const profileOn = await profile(o, files, warmup, lines.length, DEFAULT_DETECTORS);
      const { one, multi } = off;
      const r3 = (x: number): number => Math.round(x * 1000) / 1000;
      return benchResult({
        name: 'ingest',
        unit: 'events/s',
        value: Math.round(one['eps'] as number),
        baseline_value: Math.round(base.eps),
        cores: 1,
        extra: {
          events: lines.length,
          input_bytes: inputBytes,
          avg_event_bytes: Math.round(inputBytes / lines.length),
          one_core_eps: Math.round(one['eps'] as number),
          all_cores_eps: Math.round(multi['eps'] as number),
          all_cores: cores,
          all_cores_ratio_to_baseline: r3((multi['eps'] as number) / base.eps),
          scaling: Math.round(((multi['eps'] as number) / (one['eps'] as number)) * 100) / 100,
          // The same ratios by CPU time: events per CPU second of the process (all its threads).
          baseline_cpu_eps: Math.round(base.cpuEps),
          one_core_cpu_ratio_to_baseline: r3((one['cpuEps'] as number) / base.cpuEps),
          all_cores_cpu_eps: Math.round(multi['cpuEps'] as number),
          index_build_seconds_one_core: Math.round((one['indexSeconds'] as number) * 10) / 10,
          index_build_seconds_all_cores: Math.round((multi['indexSeconds'] as number) * 10) / 10,
          stored_events: one['stored'],
          // The database file also holds the warm-up tenant (10% more events).
          bytes_per_event_db: Math.round((one['dbBytes'] as number) / (lines.length + warmLines.length)),
          warmup_events: warmLines.length,
          bytes_per_event_blocks: Math.round((one['blockBytes'] as number) / lines.length),
          compression_ratio: Math.round(((one['rawBytes'] as number) / (one['blockBytes'] as number)) * 10) / 10,
          peak_rss_mb_one_core: Math.round(off.peak1.rss / 1e6),
          peak_rss_mb_all_cores: Math.round(off.peakN.rss / 1e6),
          profile_one_core: profileOff,
          detectors_on: {
            detectors: DEFAULT_DETECTORS,
            one_core_eps: Math.round(on.one['eps'] as number),
            all_cores_eps: Math.round(on.multi['eps'] as number),
            ratio_to_baseline: r3((on.one['eps'] as number) / base.eps),
            all_cores_ratio_to_baseline: r3((on.multi['eps'] as number) / base.eps),
            scaling: Math.round(((on.multi['eps'] as number) / (on.one['eps'] as number)) * 100) / 100,
            one_core_cpu_ratio_to_baseline: r3((on.one['cpuEps'] as number) / base.cpuEps),
            all_cores_cpu_eps: Math.round(on.multi['cpuEps'] as number),
            alerts_one_core: on.one['alerts'],
            alerts_all_cores: on.multi['alerts'],
            peak_rss_mb_all_cores: Math.round(on.peakN.rss / 1e6),
            profile_one_core: profileOn,
          },
          baselines_on: {
            detectors: withBaselines,
            one_core_eps: Math.round(bl.one['eps'] as number),
            all_cores_eps: Math.round(bl.multi['eps'] as number),
            ratio_to_baseline: r3((bl.one['eps'] as number) / base.eps),
            one_core_cpu_ratio_to_baseline: r3((bl.one['cpuEps'] as number) / base.cpuEps),
            all_cores_cpu_eps: Math.round(bl.multi['cpuEps'] as number),
            // Against detectors_on (the same detectors without baselines), same run: the baselines' cost.
            one_core_cpu_ratio_to_detectors_on: r3((bl.one['cpuEps'] as number) / (on.one['cpuEps'] as number)),
            all_cores_cpu_ratio_to_detectors_on: r3((bl.multi['cpuEps'] as number) / (on.multi['cpuEps'] as number)),
            alerts_one_core: bl.one['alerts'],
            alerts_all_cores: bl.multi['alerts'],
          },
        },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
