/**
 * @module
 * `bench ingest`: end-to-end ingest of a fixed mordor sample (parse, normalise, store in SQLite)
 * until every event is committed and searchable, on one core (everything inline on one thread)
 * and on all cores (parse workers + writer thread). Baseline: plain `JSON.parse` of the same
 * lines in the same run. Both runs are measured in steady state: the threads first ingest a
 * warm-up set (other events, another tenant) so compiled code is in place, as in a running node.
 * Also reports background term-index time, peak memory (which includes the sample held in memory
 * for the baseline) and bytes stored.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigSchema, systemContext } from '@intersoc/core';
import { EVENTS_DB_FILE, openEventReader } from '@intersoc/storage';
import { startPipeline } from '../node/start-pipeline.js';
import { createHydrator } from '../pipeline/hydrator.js';
import { mordorLines } from './_corpus.js';
import { benchResult, type BenchModule, type BenchOptions } from './types.js';

const FILES = 8;

function parseRate(lines: readonly string[]): number {
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const t = process.hrtime.bigint();
    let keys = 0;
    for (const l of lines) keys += Object.keys(JSON.parse(l) as object).length;
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    if (keys < 0) throw new Error('unreachable');
    best = Math.max(best, lines.length / s);
  }
  return best;
}

async function run(
  o: BenchOptions,
  files: readonly string[],
  warmup: readonly string[],
  n: number,
  workers: number,
  peak: { rss: number },
): Promise<Record<string, number>> {
  const data = mkdtempSync(path.join(tmpdir(), 'intersoc-bench-ingest-'));
  try {
    const config = ConfigSchema.parse({ data });
    const pipeline = await startPipeline(config, { workers, detectors: [], idleFlushMs: 5_000 });
    // Steady state, as a running node sees it: every thread has compiled its hot paths on other
    // events (another tenant) before the clock starts, in both the one-core and all-core runs.
    await Promise.all(warmup.map((f) => pipeline.ingestFile(f, { tenant: 'warmup' })));
    await pipeline.flush();
    const before = pipeline.stats.stored.events;
    const sampler = setInterval(() => (peak.rss = Math.max(peak.rss, process.memoryUsage().rss)), 100);
    const t0 = process.hrtime.bigint();
    await Promise.all(files.map((f) => pipeline.ingestFile(f, { tenant: 'bench' })));
    await pipeline.flush();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const t1 = process.hrtime.bigint();
    await pipeline.indexAll();
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
      `${workers === 0 ? '1 core' : `${workers} workers`}: ${Math.round(n / seconds)} events/s, index ${indexSeconds.toFixed(1)} s, probe hits ${probe}`,
    );
    return {
      eps: n / seconds,
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
      // Alternate baseline and measured runs and keep the best of each, so a burst of load from
      // elsewhere on the machine hits both sides instead of skewing the ratio.
      const rounds = o.quick ? 1 : 2;
      let baseline = 0;
      const peak1 = { rss: 0 };
      let one: Record<string, number> = {};
      for (let r = 0; r < rounds; r++) {
        baseline = Math.max(baseline, parseRate(lines));
        o.log(`JSON.parse: ${Math.round(baseline)} events/s (best so far)`);
        const run1 = await run(o, files, warmup, lines.length, 0, peak1);
        if ((run1['eps'] as number) > (one['eps'] ?? 0)) one = run1;
      }
      const peakN = { rss: 0 };
      let multi: Record<string, number> = {};
      for (let r = 0; r < rounds; r++) {
        const runN = await run(o, files, warmup, lines.length, cores, peakN);
        if ((runN['eps'] as number) > (multi['eps'] ?? 0)) multi = runN;
      }
      return benchResult({
        name: 'ingest',
        unit: 'events/s',
        value: Math.round(one['eps'] as number),
        baseline_value: Math.round(baseline),
        cores: 1,
        extra: {
          events: lines.length,
          input_bytes: inputBytes,
          avg_event_bytes: Math.round(inputBytes / lines.length),
          one_core_eps: Math.round(one['eps'] as number),
          all_cores_eps: Math.round(multi['eps'] as number),
          all_cores: cores,
          all_cores_ratio_to_baseline: Math.round(((multi['eps'] as number) / baseline) * 1000) / 1000,
          scaling: Math.round(((multi['eps'] as number) / (one['eps'] as number)) * 100) / 100,
          index_build_seconds_one_core: Math.round((one['indexSeconds'] as number) * 10) / 10,
          index_build_seconds_all_cores: Math.round((multi['indexSeconds'] as number) * 10) / 10,
          stored_events: one['stored'],
          // The database file also holds the warm-up tenant (10% more events).
          bytes_per_event_db: Math.round((one['dbBytes'] as number) / (lines.length + warmLines.length)),
          warmup_events: warmLines.length,
          bytes_per_event_blocks: Math.round((one['blockBytes'] as number) / lines.length),
          compression_ratio: Math.round(((one['rawBytes'] as number) / (one['blockBytes'] as number)) * 10) / 10,
          peak_rss_mb_one_core: Math.round(peak1.rss / 1e6),
          peak_rss_mb_all_cores: Math.round(peakN.rss / 1e6),
        },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
