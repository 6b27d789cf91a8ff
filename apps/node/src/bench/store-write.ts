/**
 * @module
 * `bench store-write`: write throughput of the PostgreSQL event store against the embedded SQLite
 * writer on the same batches. N mordor events (200,000 by default; the corpus repeated with
 * distinct record keys when shorter) over three days are packed into the pipeline's blocks of
 * 2,048 events, then written in batches of 8 blocks (one transaction each), first fresh, then
 * again as a full replay (every id a duplicate). The PostgreSQL store runs in a scratch database
 * of its own on `INTERSOC_TEST_PG` (default 127.0.0.1:5432), dropped after. Value: PostgreSQL
 * events/s; baseline: SQLite events/s. Encoding blocks is outside both timings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError, dayOf, eventId } from '@intersoc/core';
import { BlockPacker, openEventWriter, type EncodedBlock, type WriteBatch } from '@intersoc/storage';
import { createScratchDb, migratePg, openPgEventStore, type PgEventStore } from '@intersoc/storage/postgres';
import { createHydrator } from '../pipeline/hydrator.js';
import { mordorLines } from './_corpus.js';
import { benchResult, type BenchModule, type BenchResult } from './types.js';

const TENANT = 'bench';
const T0 = Date.UTC(2026, 0, 5);
const SPAN = 3 * 86_400_000;
const BLOCK_EVENTS = 2_048;
const BATCH_BLOCKS = 8;

/** The input, packed once: batches of blocks as the pipeline hands them to a writer. */
function batchesOf(lines: readonly string[], n: number): { batches: WriteBatch[]; rawBytes: number } {
  const blocks: EncodedBlock[] = [];
  let packer: BlockPacker | undefined;
  let rawBytes = 0;
  for (let i = 0; i < n; i++) {
    const raw = lines[i % lines.length] as string;
    const time = T0 + Math.floor((i * SPAN) / n);
    const day = dayOf(time);
    // A block holds one day of one tenant, up to BLOCK_EVENTS events, as the pipeline cuts them.
    if (packer && (packer.count >= BLOCK_EVENTS || packer.day !== day)) {
      blocks.push(packer.finish());
      packer = undefined;
    }
    packer ??= new BlockPacker(TENANT, day, BLOCK_EVENTS);
    const source = { format: 'json', kind: 'file', name: 'mordor' } as const;
    packer.add({ id: eventId(TENANT, `m:${i}`, raw), time, ingested: time, source, raw });
    rawBytes += raw.length;
  }
  if (packer && packer.count > 0) blocks.push(packer.finish());
  const batches: WriteBatch[] = [];
  for (let i = 0; i < blocks.length; i += BATCH_BLOCKS) {
    batches.push({ blocks: blocks.slice(i, i + BATCH_BLOCKS), alerts: [], deadLetters: [] });
  }
  return { batches, rawBytes };
}

async function timed(
  batches: readonly WriteBatch[],
  write: (b: WriteBatch) => Promise<{ events: number; duplicates: number }>,
) {
  const t = performance.now();
  let events = 0;
  let duplicates = 0;
  for (const b of batches) {
    const r = await write(b);
    events += r.events;
    duplicates += r.duplicates;
  }
  return { seconds: (performance.now() - t) / 1000, events, duplicates };
}

const rate = (n: number, r: { seconds: number }): number => Math.round(n / r.seconds);

type Timed = Awaited<ReturnType<typeof timed>>;

/**
 * Runs `f` on `writers` stores (one connection each) over a fresh scratch database, then replays
 * the same batches on the first store (every id a duplicate); drops the database after.
 */
async function onScratchStore(
  writers: number,
  batches: readonly WriteBatch[],
  f: (stores: PgEventStore[]) => Promise<Timed>,
): Promise<Timed & { replay: Timed }> {
  const db = await createScratchDb('intersoc_bench');
  if (!('url' in db)) throw new AppError('UNAVAILABLE', db.unavailable);
  const stores: PgEventStore[] = [];
  try {
    await migratePg(db.url);
    for (let i = 0; i < writers; i++) stores.push(await openPgEventStore(db.url, { max: 1 }));
    const fresh = await f(stores);
    const replay = await timed(batches, (b) => (stores[0] as PgEventStore).write(b));
    return { ...fresh, replay };
  } finally {
    for (const s of stores) await s.close();
    await db.drop();
  }
}

export const bench: BenchModule = {
  description: 'event store writes: PostgreSQL vs the embedded SQLite writer, same batches',
  async run(o): Promise<BenchResult> {
    const n = o.events ?? (o.quick ? 20_000 : 200_000);
    const lines = mordorLines(o.corpora, Math.min(n, 200_000));
    const { batches, rawBytes } = batchesOf(lines, n);
    o.log(`${n} events in ${batches.length} batches of ${BATCH_BLOCKS} blocks`);

    const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-bench-store-'));
    const w = openEventWriter(path.join(dir, 'events.db'), createHydrator());
    const sqliteFresh = await timed(batches, (b) => Promise.resolve(w.write(b)));
    const sqliteReplay = await timed(batches, (b) => Promise.resolve(w.write(b)));
    w.close();
    rmSync(dir, { recursive: true, force: true });
    o.log(`sqlite: ${rate(n, sqliteFresh)} events/s fresh`);

    const pgFresh = await onScratchStore(1, batches, (stores) => timed(batches, (b) => stores[0]!.write(b)));
    const pgReplay = pgFresh.replay;
    o.log(`postgres: ${rate(n, pgFresh)} events/s fresh, one writer`);
    // Detect workers write in parallel: two writers, each with its own connection, split the batches.
    const pgTwo = await onScratchStore(2, batches, async (stores) => {
      const t = performance.now();
      const parts = await Promise.all(
        stores.map((s, k) =>
          timed(
            batches.filter((_, i) => i % 2 === k),
            (b) => s.write(b),
          ),
        ),
      );
      return {
        seconds: (performance.now() - t) / 1000,
        events: parts.reduce((a, p) => a + p.events, 0),
        duplicates: 0,
      };
    });
    o.log(`postgres: ${rate(n, pgTwo)} events/s fresh, two writers`);
    if (pgFresh.events !== n || pgReplay.duplicates !== n || sqliteFresh.events !== n || pgTwo.events !== n)
      throw new AppError('INTERNAL', 'a store lost or doubled events');
    return benchResult({
      name: 'store-write',
      unit: 'events/s',
      value: rate(n, pgFresh),
      baseline_value: rate(n, sqliteFresh),
      cores: 2,
      extra: {
        events: n,
        batches: batches.length,
        block_events: BLOCK_EVENTS,
        raw_mb: Math.round(rawBytes / 1e5) / 10,
        postgres_fresh_events_per_s: rate(n, pgFresh),
        postgres_replay_events_per_s: rate(n, pgReplay),
        postgres_two_writers_events_per_s: rate(n, pgTwo),
        sqlite_fresh_events_per_s: rate(n, sqliteFresh),
        sqlite_replay_events_per_s: rate(n, sqliteReplay),
        note: 'PostgreSQL 15 on the same 2-core machine (synchronous_commit on); value = one writer connection',
      },
    });
  },
};
