/**
 * @module
 * The write side of the PostgreSQL event store: one transaction per pipeline batch, like the
 * SQLite writer, but safe with many writers at once (detect workers on a shared store).
 *
 * - Event ids of the whole batch go in one `INSERT ... SELECT ... ON CONFLICT DO NOTHING`, cut
 *   server-side from one concatenated `bytea`, in id order so concurrent writers lock keys in the
 *   same order and cannot deadlock each other. Ids already stored are duplicates, counted and
 *   dropped from their block, exactly as the SQLite writer does.
 * - Blocks go by binary COPY (payloads as bytes, not hex); alerts and dead letters as multi-row
 *   inserts, alerts idempotent by id.
 * - The groups' term documents the pipeline collected (`addEventTerms`) go into `ev_terms` in
 *   the same transaction (`event-terms.ts`); blocks without them are indexed later.
 */
import type { Alert } from '@intersoc/core';
import { decodeBlock, encodeBlock } from '../events/block.js';
import type { EncodedBlock } from '../events/block-format.js';
import type { DeadLetter, WriteBatch, WriteResult } from '../events/types.js';
import type { PgSql, PgTx as Tx } from './connect.js';
import { copyBinary, type CopyField } from './copy-binary.js';
import type { DayPartitions } from './partitions.js';
import { insertTermRows, termRowsOf, type BlockTermRows } from './event-terms.js';

/** Alerts per multi-row insert (7 parameters each). */
const ALERT_ROWS = 2_000;

/** What the id insert says of one block. */
interface Stored {
  readonly id: number;
  readonly block: EncodedBlock;
  /** Positions that were already stored (by an earlier write or earlier in this batch). */
  readonly dups: number[];
}

/** Writes one batch in one transaction (retried on deadlock or serialisation failure). */
export async function writeBatch(sql: PgSql, days: DayPartitions, batch: WriteBatch): Promise<WriteResult> {
  const blocks = batch.blocks.filter((b) => b.count > 0);
  for (let attempt = 1; ; attempt++) {
    try {
      await days.ensure(blocks.map((b) => b.day));
      return await sql.begin((tx) => writeInTx(tx, blocks, batch.alerts, batch.deadLetters));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw err;
    }
  }
}

async function writeInTx(
  tx: Tx,
  blocks: readonly EncodedBlock[],
  alerts: readonly Alert[],
  dead: readonly DeadLetter[],
): Promise<WriteResult> {
  const stored = blocks.length === 0 ? [] : await insertIds(tx, blocks);
  const rows: CopyField[][] = [];
  const terms: BlockTermRows[] = [];
  let events = 0;
  let duplicates = 0;
  for (const s of stored) {
    duplicates += s.dups.length;
    if (s.dups.length === s.block.count) continue;
    const b = s.dups.length === 0 ? s.block : await dropDuplicates(tx, s);
    events += b.count;
    // Term documents collected at ingest go in with the block. Dropping duplicates shifts the
    // groups' positions: such a block waits for `indexPending`, and search scans it meanwhile.
    const t = s.dups.length === 0 ? termRowsOf(s.id, s.block) : undefined;
    if (t !== undefined) terms.push(t);
    rows.push([
      { int8: s.id },
      { text: b.tenant },
      { int4: b.day },
      { int8: b.tMin },
      { int8: b.tMax },
      { int4: b.count },
      { int4: b.rawBytes },
      { int4: b.data.byteLength },
      { int2: b.codec },
      { bytea: b.data },
    ]);
  }
  if (rows.length > 0) await copyBlocks(tx, rows);
  if (terms.length > 0) await insertTermRows(tx, terms);
  const storedAlerts = await insertAlerts(tx, alerts);
  if (dead.length > 0) {
    const part = dead.map((d) => ({
      tenant: d.tenant,
      time: d.time,
      source: JSON.stringify(d.source),
      reason: d.reason,
      raw: Buffer.from(d.raw),
      offset: d.offset ?? null,
    }));
    for (let i = 0; i < part.length; i += ALERT_ROWS) {
      await tx`INSERT INTO ev_dead_letters ${tx(part.slice(i, i + ALERT_ROWS))}`;
    }
  }
  return { events, duplicates, alerts: storedAlerts, deadLetters: dead.length, blocks: rows.length };
}

/** Inserts every event id of the batch; returns each block's new id and duplicate positions. */
async function insertIds(tx: Tx, blocks: readonly EncodedBlock[]): Promise<Stored[]> {
  const ids = (
    await tx<{ id: number }[]>`SELECT nextval('ev_block_ids') AS id FROM generate_series(1, ${blocks.length})`
  ).map((r) => r.id);
  const offs: number[] = [];
  let off = 0;
  for (const b of blocks) {
    offs.push(off);
    off += b.count;
  }
  const blob = Buffer.concat(blocks.map((b) => b.ids.subarray(0, b.count * 16)));
  const res = await tx`
    INSERT INTO ev_ids (id, day, block, seq)
    SELECT substring(${blob}::bytea FROM (u.off + g) * 16 + 1 FOR 16), u.day, u.block, g
    FROM unnest(${ids}::int8[], ${blocks.map((b) => b.day)}::int4[], ${offs}::int4[],
                ${blocks.map((b) => b.count)}::int4[]) AS u(block, day, off, n),
         generate_series(0, u.n - 1) AS g
    ORDER BY 1, 2, 3, 4
    ON CONFLICT DO NOTHING`;
  const out: Stored[] = [];
  const all = res.count === off;
  const none = res.count === 0;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i] as EncodedBlock;
    const id = ids[i] as number;
    // Every id new (the usual case) or none (a full replay): nothing to look up. Otherwise, per block, the positions
    // whose id row is not this block's were stored before (a replay) or earlier in the batch.
    const dups = all
      ? []
      : none
        ? Array.from({ length: block.count }, (_, k) => k)
        : await duplicatePositions(tx, id, block);
    out.push({ id, block, dups });
  }
  return out;
}

async function duplicatePositions(tx: Tx, id: number, b: EncodedBlock): Promise<number[]> {
  const ids = Buffer.from(b.ids.buffer, b.ids.byteOffset, b.count * 16);
  const rows = await tx<{ seq: number }[]>`
    SELECT g AS seq FROM generate_series(0, ${b.count - 1}::int4) AS g
    WHERE NOT EXISTS (
      SELECT 1 FROM ev_ids WHERE id = substring(${ids}::bytea FROM g * 16 + 1 FOR 16)
        AND day = ${b.day} AND block = ${id} AND seq = g)`;
  return rows.map((r) => r.seq);
}

/** Re-encodes a block without its duplicates and re-numbers the positions of the kept ids. */
async function dropDuplicates(tx: Tx, s: Stored): Promise<EncodedBlock> {
  const skip = new Set(s.dups);
  const kept = decodeBlock(s.block.codec, s.block.data).filter((_, i) => !skip.has(i));
  const blob = Buffer.from(kept.map((e) => e.id).join(''), 'hex');
  await tx`
    UPDATE ev_ids SET seq = g
    FROM generate_series(0, ${kept.length - 1}::int4) AS g
    WHERE ev_ids.id = substring(${blob}::bytea FROM g * 16 + 1 FOR 16)
      AND ev_ids.day = ${s.block.day} AND ev_ids.block = ${s.id}`;
  return encodeBlock(s.block.tenant, s.block.day, kept);
}

/** Streams block rows into `ev_blocks` with binary COPY. */
async function copyBlocks(tx: Tx, rows: readonly CopyField[][]): Promise<void> {
  const w =
    await tx`COPY ev_blocks (id, tenant, day, t_min, t_max, count, raw_bytes, stored_bytes, codec, data) FROM STDIN (FORMAT binary)`.writable();
  await new Promise<void>((resolve, reject) => {
    w.on('error', reject);
    w.on('finish', resolve);
    for (const part of copyBinary(rows)) w.write(part);
    w.end();
  });
}

/** Inserts alerts in `tx`, idempotent by id; returns how many were new. */
export async function insertAlerts(tx: Tx, alerts: readonly Alert[]): Promise<number> {
  let stored = 0;
  for (let i = 0; i < alerts.length; i += ALERT_ROWS) {
    const part = alerts.slice(i, i + ALERT_ROWS).map((a) => ({
      id: a.id,
      tenant: a.tenant,
      time: a.time,
      created: a.created,
      severity: a.severity,
      rule_id: a.detector.ruleId,
      doc: JSON.stringify(a),
    }));
    stored += (await tx`INSERT INTO ev_alerts ${tx(part)} ON CONFLICT (id) DO NOTHING`).count;
  }
  return stored;
}
