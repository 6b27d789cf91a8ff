/**
 * @module
 * The data set of `bench search`: N events, half mordor (repeated as often as the corpus needs,
 * each copy with its own record keys and so its own event ids) and half simulator telemetry (fresh
 * seeds and successive time windows, never repeated), loaded through the store's write path
 * (`_search-load.ts`: parse, normalise, blocks with terms and columns; no detection). Beside
 * it, the same events in the baseline: SQLite with a plain events table (id, time, raw record,
 * the parsed fields as JSON) and an FTS5 index over the field values. Both are cached under the
 * temp folder keyed by size, since building 10 million events takes a long time; the baseline
 * apart from our store (keyed by the data's recipe, not the store's), so a change of our block
 * format rebuilds only our side. Every build stage logs its wall and CPU time (`stages`).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SocEvent } from '@intersoc/core';
import { detectFormat } from '@intersoc/ingest';
import { simulate } from '@intersoc/simulate';
import {
  EVENTS_DB_FILE,
  openDatabase,
  openEventReader,
  type SqliteDb,
  type SqliteEventReader,
} from '@intersoc/storage';
import { createHydrator } from '../pipeline/hydrator.js';
import { mordorLines } from './_corpus.js';
import { BulkLoader, type LoadRecord } from './_search-load.js';

/** Tenant of the benchmark's events. */
export const TENANT = 'bench';
/** Start of the simulated telemetry. */
export const SIM_START = Date.UTC(2026, 0, 5);
/** Bump when our store's recipe changes, so stale caches are rebuilt (7: bulk load, columns at ingest). */
const RECIPE = 7;
/** Bump when the events themselves change (the baseline is rebuilt only then). */
const DATA_RECIPE = 1;
/** Distinct mordor lines used at most (the corpus is repeated beyond this). */
const MORDOR_MAX = 200_000;
/** Simulated events per hour with 50 hosts at intensity 10 (measured: about 55,800). */
const SIM_PER_HOUR = 55_000;
const BATCH = 2_000;

/** What was built, stored as `dataset.json` in the cache folder. */
export interface SearchDataset {
  readonly dir: string;
  readonly dataDir: string;
  /** The baseline database (SQLite FTS5 with a plain events table); absent when it did not fit. */
  readonly ftsFile?: string;
  /** Why there is no baseline (the disk cannot hold it beside our store). */
  readonly baselineSkipped?: string;
  readonly events: number;
  readonly mordor: number;
  readonly mordorDistinct: number;
  readonly simulated: number;
  readonly buildSeconds: number;
  /** CPU seconds spent in our store's write path (parse, pack, index, commit), generation excluded. */
  readonly storeCpuSeconds: number;
  readonly baselineBuildSeconds: number;
  /** Wall and CPU seconds (all threads of this process) of each build stage. */
  readonly stages: Record<string, { wall_s: number; cpu_s: number }>;
  readonly note?: string;
}

/** Times build stages: wall clock and this process's CPU (worker threads included). */
class Stages {
  readonly out: Record<string, { wall_s: number; cpu_s: number }> = {};
  private t = Date.now();
  private c = process.cpuUsage();

  constructor(private readonly log: (line: string) => void) {}

  /** Ends the stage running since the last call (or construction) under `name`. */
  end(name: string): void {
    const c = process.cpuUsage(this.c);
    const v = { wall_s: (Date.now() - this.t) / 1000, cpu_s: Math.round((c.user + c.system) / 1e4) / 100 };
    this.out[name] = v;
    this.log(`stage ${name}: ${v.wall_s} s wall, ${v.cpu_s} s CPU`);
    this.t = Date.now();
    this.c = process.cpuUsage();
  }
}

/** Bytes of a SQLite database with its WAL. */
export function dbBytes(file: string): number {
  let n = 0;
  for (const f of [file, `${file}-wal`]) if (existsSync(f)) n += statSync(f).size;
  return n;
}

/**
 * Bytes per event of the FTS5 baseline (measured: 7.37 GB for 1,000,000 events; the raw record,
 * its fields as JSON and the FTS5 index of their values).
 */
const FTS5_BYTES_PER_EVENT = 7_400;

/** Whether the baseline of `events` events fits on the disk of `dir`, with a fifth to spare. */
function baselineFits(events: number, dir: string): { ok: true } | { ok: false; reason: string } {
  const need = events * FTS5_BYTES_PER_EVENT * 1.2;
  const st = statfsSync(dir);
  const free = st.bavail * st.bsize;
  if (need <= free) return { ok: true };
  const gb = (b: number): string => `${(b / 1e9).toFixed(1)} GB`;
  return {
    ok: false,
    reason: `FTS5 baseline skipped: ${events} events would take about ${gb(events * FTS5_BYTES_PER_EVENT)} (${FTS5_BYTES_PER_EVENT} bytes per event, measured at 1,000,000) and ${gb(free)} are free; compare against a run at a size where it fits`,
  };
}

/** The cached data set of `events` events, built first when absent. */
export async function searchDataset(
  events: number,
  corpora: string,
  log: (line: string) => void,
): Promise<SearchDataset> {
  const dir = path.join(tmpdir(), `intersoc-bench-search-r${RECIPE}-${events}`);
  const manifest = path.join(dir, 'dataset.json');
  if (existsSync(manifest)) {
    log(`reusing the cached data set in ${dir}`);
    return JSON.parse(readFileSync(manifest, 'utf8')) as SearchDataset;
  }
  rmSync(dir, { recursive: true, force: true });
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const stages = new Stages(log);
  const t0 = Date.now();
  const built = await ingest(dataDir, events, corpora, log, stages);
  const buildSeconds = (Date.now() - t0) / 1000;
  const fit = baselineFits(events, dir);
  if (!fit.ok) {
    log(fit.reason);
    const set: SearchDataset = {
      dir,
      dataDir,
      ...built,
      buildSeconds,
      baselineBuildSeconds: 0,
      baselineSkipped: fit.reason,
      stages: stages.out,
    };
    writeFileSync(manifest, JSON.stringify(set));
    return set;
  }
  // The baseline holds the same events whatever our store's format: built once per data recipe.
  const baseDir = path.join(tmpdir(), `intersoc-bench-search-fts5-d${DATA_RECIPE}-${events}`);
  const ftsFile = path.join(baseDir, 'baseline-fts5.db');
  const baseManifest = path.join(baseDir, 'baseline.json');
  let baselineBuildSeconds: number;
  if (existsSync(baseManifest)) {
    baselineBuildSeconds = (JSON.parse(readFileSync(baseManifest, 'utf8')) as { seconds: number }).seconds;
    log(`reusing the cached FTS5 baseline in ${baseDir} (built in ${baselineBuildSeconds} s)`);
  } else {
    rmSync(baseDir, { recursive: true, force: true });
    mkdirSync(baseDir, { recursive: true });
    const t1 = Date.now();
    buildBaseline(path.join(dataDir, EVENTS_DB_FILE), ftsFile, log, stages);
    baselineBuildSeconds = (Date.now() - t1) / 1000;
    writeFileSync(baseManifest, JSON.stringify({ seconds: baselineBuildSeconds, stages: stages.out }));
  }
  const set: SearchDataset = {
    dir,
    dataDir,
    ftsFile,
    ...built,
    buildSeconds,
    baselineBuildSeconds,
    stages: stages.out,
  };
  writeFileSync(manifest, JSON.stringify(set));
  return set;
}

async function ingest(
  dataDir: string,
  n: number,
  corpora: string,
  log: (line: string) => void,
  stages: Stages,
): Promise<{
  events: number;
  mordor: number;
  mordorDistinct: number;
  simulated: number;
  storeCpuSeconds: number;
  note?: string;
}> {
  const loader = new BulkLoader(dataDir, TENANT);
  let note: string | undefined;
  let mordor = 0;
  let mordorDistinct = 0;
  try {
    let batch: LoadRecord[] = [];
    const send = async (): Promise<void> => {
      if (batch.length === 0) return;
      const out = batch;
      batch = [];
      await loader.submit(out);
    };
    const wantMordor = Math.floor(n / 2);
    let lines: string[] = [];
    try {
      lines = mordorLines(corpora, Math.min(wantMordor, MORDOR_MAX));
    } catch {
      note = `mordor corpus not found under ${corpora}: simulator data only`;
      log(note);
    }
    mordorDistinct = lines.length;
    // Each distinct line's format, detected once (as a file's is): the copies are the same records.
    const formats: string[] = [];
    for (let copy = 0; lines.length > 0 && mordor < wantMordor; copy++) {
      for (let i = 0; i < lines.length && mordor < wantMordor; i++) {
        const line = lines[i] as string;
        const format = formats[i] ?? (formats[i] = detectFormat(line, `mordor-${copy}`)?.name ?? '');
        batch.push({
          format,
          source: { format: 'json', kind: 'file', name: `mordor-${copy}` },
          record: line,
          key: `mordor:${copy}:${i}`,
        });
        mordor++;
        if (batch.length >= BATCH) await send();
      }
      log(`mordor: ${mordor} of ${wantMordor} loaded (store ${loader.cpuSeconds.toFixed(1)} s CPU)`);
    }
    await send();
    stages.end('ingest_mordor');
    const wantSim = n - mordor;
    let simulated = 0;
    // Fresh seeds and successive windows of 24 h, so no simulated record repeats.
    for (let round = 0; simulated < wantSim; round++) {
      const hours = Math.min(24, Math.max(1, Math.ceil((wantSim - simulated) / SIM_PER_HOUR)));
      const start = SIM_START + round * 24 * 3_600_000;
      for (const r of simulate({ seed: round + 1, hours, start, hosts: 50, intensity: 10 })) {
        batch.push({
          format: r.format,
          source: { format: r.format, kind: 'demo', name: r.source, peer: r.host },
          record: r.record,
          label: r.label,
          key: `sim:${round}:${simulated}`,
        });
        simulated++;
        if (batch.length >= BATCH) await send();
        if (simulated >= wantSim) break;
      }
      log(`simulator: ${simulated} of ${wantSim} loaded (store ${loader.cpuSeconds.toFixed(1)} s CPU)`);
    }
    await send();
    stages.end('ingest_simulator');
    // Blocks come with their terms and columns; whatever did not (none expected) is indexed now.
    const { pendingIndexed } = await loader.finish();
    if (pendingIndexed > 0) log(`indexed ${pendingIndexed} blocks written without terms`);
    stages.end('index');
    return {
      events: loader.stored,
      mordor,
      mordorDistinct,
      simulated,
      storeCpuSeconds: Math.round(loader.cpuSeconds * 100) / 100,
      ...(note ? { note } : {}),
    };
  } finally {
    loader.close();
  }
}

/** The field values of an event as one text, for the baseline's FTS5 index. */
function valuesText(doc: Record<string, unknown>): string {
  const out: string[] = [];
  for (const v of Object.values(doc)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push(String(x));
    else out.push(String(v));
  }
  return out.join(' ');
}

/**
 * Copies every stored event into the baseline database (one row and one FTS5 document each),
 * block by block in storage order (no search cursor or sort), as a bulk load: no journal, no
 * fsync, a large page cache, one transaction per block, indexes built after the load.
 */
function buildBaseline(eventsFile: string, ftsFile: string, log: (line: string) => void, stages: Stages): void {
  rmSync(ftsFile, { force: true });
  const db: SqliteDb = openDatabase(ftsFile);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.exec(`CREATE TABLE events (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, time INTEGER NOT NULL, raw TEXT NOT NULL, doc TEXT NOT NULL);
     CREATE VIRTUAL TABLE events_fts USING fts5(body, content='', tokenize="unicode61 tokenchars '_'");`);
  const reader = openEventReader(eventsFile, createHydrator());
  const insEvent = db.prepare('INSERT INTO events (rowid, id, time, raw, doc) VALUES (?, ?, ?, ?, ?)');
  const insFts = db.prepare('INSERT INTO events_fts (rowid, body) VALUES (?, ?)');
  let rowid = 0;
  const copy = db.transaction((events: readonly SocEvent[]) => {
    for (const e of events) {
      rowid++;
      insEvent.run(rowid, e.id, e.time, e.raw, JSON.stringify({ ...e.fields, ...e.ecs }));
      insFts.run(rowid, `${valuesText(e.fields)} ${valuesText(e.ecs)}`);
    }
  });
  try {
    const blocks = reader.db
      .prepare('SELECT id, t_min, t_max, count, raw_bytes, ver, indexed FROM blocks WHERE tenant = ? ORDER BY id')
      .all(TENANT) as Parameters<SqliteEventReader['blockEvents']>[0][];
    let next = 200_000;
    for (const b of blocks) {
      copy(reader.blockEvents(b).map((e) => reader.toEvent(TENANT, e)));
      if (rowid >= next) {
        log(`baseline: ${rowid} events copied`);
        next += 200_000;
      }
    }
    stages.end('baseline_copy');
    // Indexes after the load, as one would bulk-load a baseline.
    db.exec('CREATE INDEX events_time ON events (time); CREATE INDEX events_id ON events (id);');
    db.exec("INSERT INTO events_fts (events_fts) VALUES ('optimize')");
    db.pragma('journal_mode = WAL');
    stages.end('baseline_index');
  } finally {
    reader.close();
    db.close();
  }
}
