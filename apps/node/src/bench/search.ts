/**
 * @module
 * `bench search`: p50 and p95 latency of 20 typical analyst queries (free text, field equality,
 * wildcards, ranges, booleans, histogram aggregations, opening an event by id) over N events
 * (default 10 million; `--events N`, `--quick` for 100,000), half mordor and half simulator
 * telemetry, loaded through the store's write path (`_search-load.ts`). Same-run baseline: the same queries on the same
 * events in SQLite FTS5 with a plain events table (`_search-data.ts`, `_search-queries.ts`).
 *
 * Every query runs on this one thread (one core), `runs` times, alternating with the baseline.
 * A page is the newest 100 matches; a histogram counts matches in 60 buckets over the data's span.
 * `value` is our worst p95 and `baseline_value` FTS5's; `ratio` is, as the issue asks, FTS5's worst
 * p95 divided by ours (higher is better, like every benchmark's ratio). Result sizes are compared
 * per query (`agree`), so a fast wrong answer shows. Beside wall time, each query's CPU time is
 * measured (this process's, which runs only the query then): on a machine shared with other work,
 * wall time mostly measures the load, so `cpu_ratio` compares the two stores' worst CPU p95.
 */
import os from 'node:os';
import path from 'node:path';
import { systemContext } from '@intersoc/core';
import {
  EVENTS_DB_FILE,
  eventHistogram,
  openDatabase,
  openEventReader,
  type SqliteDb,
  type SqliteEventReader,
} from '@intersoc/storage';
import { createHydrator } from '../pipeline/hydrator.js';
import { dbBytes, searchDataset, TENANT } from './_search-data.js';
import { QUERIES, type BenchQuery } from './_search-queries.js';
import { benchResult, type BenchModule, type BenchOptions, type BenchResult } from './types.js';

const PAGE = 100;
const BUCKETS = 60;
const FULL_EVENTS = 10_000_000;
const QUICK_EVENTS = 100_000;

interface Timing {
  name: string;
  p50_ms: number;
  p95_ms: number;
  fts5_p50_ms: number;
  fts5_p95_ms: number;
  cpu_p50_ms: number;
  cpu_p95_ms: number;
  fts5_cpu_p50_ms: number;
  fts5_cpu_p95_ms: number;
  /** Rows on the page or events counted by the histogram, ours and the baseline's. */
  hits: number;
  fts5_hits: number;
  agree: boolean;
}

/** Nearest-rank percentile of `xs` (ms, rounded to 0.1). */
function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const v = s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
  return Math.round(v * 10) / 10;
}

function time<T>(f: () => T): { ms: number; cpuMs: number; value: T } {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  const value = f();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const u = process.cpuUsage(c);
  return { ms, cpuMs: (u.user + u.system) / 1000, value };
}

/** Appends `v` to the list of `key`. */
function push(m: Map<string, number[]>, key: string, v: number): void {
  const xs = m.get(key);
  if (xs) xs.push(v);
  else m.set(key, [v]);
}

/** The baseline's answer size for one query: rows of the newest page, or events counted. */
function baseline(db: SqliteDb, q: BenchQuery, span: { from: number; to: number }): number {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.match !== undefined) {
    where.push('e.rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)');
    args.push(q.match);
  }
  if (q.where !== undefined) where.push(q.where);
  const cond = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  if (q.kind === 'page') {
    const rows = db
      .prepare(`SELECT e.id, e.time, e.raw, e.doc FROM events e ${cond} ORDER BY e.time DESC LIMIT ${PAGE}`)
      .all(...args) as { doc: string }[];
    // Parsed like our events are: the page is shown with its fields.
    for (const r of rows) JSON.parse(r.doc);
    return rows.length;
  }
  const bucketMs = Math.max(1, Math.ceil((span.to - span.from + 1) / BUCKETS));
  const rows = db
    .prepare(
      `SELECT (e.time - ?) / ? AS b, COUNT(*) AS n FROM events e ${cond ? `${cond} AND` : 'WHERE'} e.time BETWEEN ? AND ? GROUP BY b`,
    )
    .all(span.from, bucketMs, ...args, span.from, span.to) as { n: number }[];
  return rows.reduce((a, r) => a + r.n, 0);
}

async function run(o: BenchOptions): Promise<BenchResult> {
  const events = o.events ?? (o.quick ? QUICK_EVENTS : FULL_EVENTS);
  const runs = o.quick ? 3 : 7;
  o.log(`data set: ${events} events (built once, then cached under the temp folder)`);
  const set = await searchDataset(events, o.corpora, o.log);
  if (set.note) o.log(set.note);
  const eventsFile = path.join(set.dataDir, EVENTS_DB_FILE);
  const reader = openEventReader(eventsFile, createHydrator());
  const fts = set.ftsFile === undefined ? undefined : openDatabase(set.ftsFile);
  const ctx = systemContext(TENANT);
  try {
    const stats = reader.stats(ctx);
    const span = { from: stats.tMin ?? 0, to: stats.tMax ?? 0 };
    // An event in the middle of the data set, for "open one event by id".
    const mid = fts
      ? (fts.prepare('SELECT id FROM events WHERE rowid = ?').get(Math.max(1, Math.floor(set.events / 2))) as
          { id: string } | undefined)
      : middleEvent(reader);
    const queries = QUERIES.map((q) => ({
      ...q,
      q: q.q.replace('{id}', mid?.id ?? ''),
      ...(q.where === undefined ? {} : { where: q.where.replace('{id}', mid?.id ?? '') }),
    }));
    const ours = new Map<string, number[]>();
    const theirs = new Map<string, number[]>();
    const oursCpu = new Map<string, number[]>();
    const theirsCpu = new Map<string, number[]>();
    const hits = new Map<string, { ours: number; fts5: number }>();
    for (let r = 0; r < runs; r++) {
      for (const q of queries) {
        const a = time(() =>
          q.kind === 'page'
            ? reader.searchEvents(ctx, { q: q.q, limit: PAGE }).items.length
            : eventHistogram(reader, ctx, { q: q.q, ...span, buckets: BUCKETS }).total,
        );
        const b = fts ? time(() => baseline(fts, q, span)) : undefined;
        push(ours, q.name, a.ms);
        push(oursCpu, q.name, a.cpuMs);
        if (b) {
          push(theirs, q.name, b.ms);
          push(theirsCpu, q.name, b.cpuMs);
        }
        hits.set(q.name, { ours: a.value, fts5: b ? b.value : -1 });
      }
      o.log(`round ${r + 1} of ${runs} done`);
    }
    const timings: Timing[] = queries.map((q) => {
      const h = hits.get(q.name) ?? { ours: -1, fts5: -2 };
      return {
        name: q.name,
        p50_ms: pct(ours.get(q.name) ?? [], 50),
        p95_ms: pct(ours.get(q.name) ?? [], 95),
        fts5_p50_ms: pct(theirs.get(q.name) ?? [], 50),
        fts5_p95_ms: pct(theirs.get(q.name) ?? [], 95),
        cpu_p50_ms: pct(oursCpu.get(q.name) ?? [], 50),
        cpu_p95_ms: pct(oursCpu.get(q.name) ?? [], 95),
        fts5_cpu_p50_ms: pct(theirsCpu.get(q.name) ?? [], 50),
        fts5_cpu_p95_ms: pct(theirsCpu.get(q.name) ?? [], 95),
        hits: h.ours,
        fts5_hits: h.fts5,
        agree: !fts || h.ours === h.fts5,
      };
    });
    const worst = Math.max(...timings.map((t) => t.p95_ms));
    const worstFts = Math.max(...timings.map((t) => t.fts5_p95_ms));
    const worstCpu = Math.max(...timings.map((t) => t.cpu_p95_ms));
    const worstFtsCpu = Math.max(...timings.map((t) => t.fts5_cpu_p95_ms));
    const ourBytes = dbBytes(eventsFile);
    const ftsBytes = set.ftsFile === undefined ? 0 : dbBytes(set.ftsFile);
    const result = benchResult({
      name: 'search',
      unit: 'ms (worst p95 of 20 queries)',
      value: worst,
      baseline_value: worstFts,
      cores: 1,
      extra: {
        events: set.events,
        mordor_events: set.mordor,
        mordor_distinct: set.mordorDistinct,
        simulated_events: set.simulated,
        runs_per_query: runs,
        page_size: PAGE,
        histogram_buckets: BUCKETS,
        p95_ms: worst,
        fts5_p95_ms: worstFts,
        worst_query: timings.find((t) => t.p95_ms === worst)?.name,
        queries_over_1s: timings.filter((t) => t.p95_ms >= 1000).map((t) => t.name),
        cpu_p95_ms: worstCpu,
        fts5_cpu_p95_ms: worstFtsCpu,
        // As `ratio`, on CPU time: FTS5's worst CPU p95 over ours.
        cpu_ratio: worstCpu > 0 ? Math.round((worstFtsCpu / worstCpu) * 1000) / 1000 : 0,
        worst_cpu_query: timings.find((t) => t.cpu_p95_ms === worstCpu)?.name,
        queries_over_1s_cpu: timings.filter((t) => t.cpu_p95_ms >= 1000).map((t) => t.name),
        load_average: os.loadavg().map((x) => Math.round(x * 100) / 100),
        disagreements: timings.filter((t) => !t.agree).map((t) => t.name),
        disk_bytes: ourBytes,
        fts5_disk_bytes: ftsBytes,
        disk_fraction: ftsBytes > 0 ? Math.round((ourBytes / ftsBytes) * 1000) / 1000 : null,
        block_cache: { hits: reader.cache.hits, misses: reader.cache.misses },
        build_seconds: set.buildSeconds,
        build_method:
          'our store: bulk load on one thread through the write path (parse, normalise, blocks with term index and columns, commit); no detection, no ingest journal',
        store_cpu_seconds: set.storeCpuSeconds,
        store_cpu_us_per_event: Math.round((set.storeCpuSeconds * 1e6) / Math.max(1, set.events)),
        fts5_build_seconds: set.baselineBuildSeconds,
        build_stages: set.stages,
        cached_data_set: set.dir,
        queries: timings,
        ...(set.note ? { note: set.note } : {}),
        ...(set.baselineSkipped ? { baseline_skipped: set.baselineSkipped } : {}),
      },
    });
    // The issue defines the ratio as FTS5's worst p95 over ours: above 1 means we are faster.
    return { ...result, ratio: worst > 0 ? Math.round((worstFts / worst) * 1000) / 1000 : 0 };
  } finally {
    reader.close();
    fts?.close();
  }
}

/** The id of the first event of the middle block (for "open one event by id" without a baseline). */
function middleEvent(reader: SqliteEventReader): { id: string } | undefined {
  const blocks = reader.db
    .prepare('SELECT id, t_min, t_max, count, raw_bytes, ver, indexed FROM blocks WHERE tenant = ? ORDER BY id')
    .all(TENANT) as Parameters<SqliteEventReader['blockEvents']>[0][];
  const b = blocks[Math.floor(blocks.length / 2)];
  const e = b ? reader.blockEvents(b)[0] : undefined;
  return e ? { id: e.id } : undefined;
}

/** The search benchmark. */
export const bench: BenchModule = {
  description: 'search latency (p50/p95 of 20 analyst queries) against SQLite FTS5 on the same events',
  run,
};
