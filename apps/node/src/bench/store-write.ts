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
import { createScratchDb, migratePg, openPgEventStore } from '@intersoc/storage/postgres';
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
    o.log(`sqlite: ${Math.round(n / sqliteFresh.seconds)} events/s fresh`);

    const db = await createScratchDb('intersoc_bench');
    if (!('url' in db)) throw new AppError('UNAVAILABLE', db.unavailable);
    try {
      await migratePg(db.url);
      const store = await openPgEventStore(db.url, { max: 2 });
      try {
        const pgFresh = await timed(batches, (b) => store.write(b));
        const pgReplay = await timed(batches, (b) => store.write(b));
        o.log(`postgres: ${Math.round(n / pgFresh.seconds)} events/s fresh`);
        if (pgFresh.events !== n || pgReplay.duplicates !== n || sqliteFresh.events !== n)
          throw new AppError('INTERNAL', 'a store lost or doubled events');
        const rate = (r: { seconds: number }) => Math.round(n / r.seconds);
        return benchResult({
          name: 'store-write',
          unit: 'events/s',
          value: rate(pgFresh),
          baseline_value: rate(sqliteFresh),
          cores: 2,
          extra: {
            events: n,
            batches: batches.length,
            block_events: BLOCK_EVENTS,
            raw_mb: Math.round(rawBytes / 1e5) / 10,
            postgres_fresh_events_per_s: rate(pgFresh),
            postgres_replay_events_per_s: rate(pgReplay),
            sqlite_fresh_events_per_s: rate(sqliteFresh),
            sqlite_replay_events_per_s: rate(sqliteReplay),
            note: 'PostgreSQL on the same 2-core machine (synchronous_commit on); one writer connection',
          },
        });
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  },
};
