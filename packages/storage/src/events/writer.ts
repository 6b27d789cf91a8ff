/**
 * @module
 * The single writer of the event database. It runs one transaction per pipeline batch:
 * dedup ids per partition, insert blocks, alerts and dead letters. It is meant to live on its
 * own thread so large commits never stall the event loop that serves sockets and the API.
 */
import { dayOf } from '@intersoc/core';
import type { Statement } from 'better-sqlite3';
import { openDatabase, type SqliteDb } from '../sqlite/database.js';
import { decodeBlock, encodeBlock, type BlockEvent, type EncodedBlock } from './block.js';
import { ColumnBuilder, deleteColumns, TIME_COLUMN, writeColumnRows } from './columns.js';
import { deriveValues } from './hydrate.js';
import { addBlockTerms, GROUP_EVENTS, INDEXED_QUALIFIED, MAX_GROUPS, type BlockTerms } from './terms.js';
import { idTable, migrateEvents } from './schema.js';
import type { EventHydrator, EventWriter, IndexStatus, RetentionPolicy, WriteBatch, WriteResult } from './types.js';

/** A block waiting for its term documents or columns. */
interface PendingBlock {
  id: number;
  ver: number;
  codec: number;
  data: Uint8Array;
}

/** Rows per multi-row id insert (3 parameters each, well under SQLite's limit). */
const ID_ROWS = 64;

/** Opens the event database for writing (creating it when needed). */
export function openEventWriter(file: string, hydrator: EventHydrator): SqliteEventWriter {
  const db = openDatabase(file);
  // Must precede table creation to take effect; lets retention hand pages back to the OS.
  db.pragma('auto_vacuum = INCREMENTAL');
  // Checkpoint the WAL every ~64 MB instead of every 4 MB: checkpoints are where the writer
  // waits on the disk, and compressed blocks make the WAL grow slowly anyway.
  db.pragma('wal_autocheckpoint = 16384');
  migrateEvents(db);
  return new SqliteEventWriter(db, hydrator);
}

/** SQLite implementation of the write side. */
export class SqliteEventWriter implements EventWriter {
  private nextBlock: number;
  private readonly insertId = new Map<string, { one: Statement; many: Statement; has: Statement }>();
  /** Reused bind array of the multi-row id insert. */
  private readonly idArgs = new Array<unknown>(ID_ROWS * 3);
  private readonly knownPartitions = new Set<string>();
  private readonly insertBlock: Statement;
  private readonly insertAlert: Statement;
  private readonly insertDead: Statement;
  private readonly insertPartition: Statement;
  private readonly insertTerms: Statement;
  private readonly insertGroup: Statement;
  private readonly deleteColumns: Statement;
  readonly write: (batch: WriteBatch) => WriteResult;

  constructor(
    readonly db: SqliteDb,
    private readonly hydrator: EventHydrator,
  ) {
    this.nextBlock = ((db.prepare('SELECT MAX(id) AS m FROM blocks').get() as { m: number | null }).m ?? 0) + 1;
    this.insertBlock = db.prepare(
      'INSERT INTO blocks (id, tenant, day, t_min, t_max, count, raw_bytes, codec, data, indexed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertTerms = db.prepare('INSERT INTO block_terms (rowid, terms) VALUES (?, ?)');
    this.insertGroup = db.prepare('INSERT INTO group_terms (rowid, terms) VALUES (?, ?)');
    this.deleteColumns = db.prepare('DELETE FROM block_columns WHERE block = ?');
    this.insertAlert = db.prepare(
      'INSERT OR IGNORE INTO alerts (id, tenant, time, created, severity, rule_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertDead = db.prepare(
      'INSERT INTO dead_letters (tenant, time, source, reason, raw, offset) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertPartition = db.prepare('INSERT OR IGNORE INTO partitions (tenant, day) VALUES (?, ?)');
    for (const r of db.prepare('SELECT tenant, day FROM partitions').all() as { tenant: string; day: number }[]) {
      this.knownPartitions.add(`${r.tenant}\0${r.day}`);
    }
    this.write = db.transaction((batch: WriteBatch) => this.writeInTx(batch));
  }

  private idStatements(tenant: string, day: number): { one: Statement; many: Statement; has: Statement } {
    const key = `${tenant}\0${day}`;
    let st = this.insertId.get(key);
    if (!st) {
      if (!this.knownPartitions.has(key)) {
        this.db.exec(
          `CREATE TABLE IF NOT EXISTS ${idTable(tenant, day)} (id BLOB PRIMARY KEY, block INTEGER NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID`,
        );
        this.insertPartition.run(tenant, day);
        this.knownPartitions.add(key);
      }
      const table = idTable(tenant, day);
      st = {
        one: this.db.prepare(`INSERT OR IGNORE INTO ${table} (id, block, seq) VALUES (?, ?, ?)`),
        many: this.db.prepare(
          `INSERT OR IGNORE INTO ${table} (id, block, seq) VALUES ${Array<string>(ID_ROWS).fill('(?, ?, ?)').join(', ')}`,
        ),
        has: this.db.prepare(`SELECT 1 FROM ${table} WHERE id = ? AND block = ? AND seq = ?`),
      };
      this.insertId.set(key, st);
    }
    return st;
  }

  private writeInTx(batch: WriteBatch): WriteResult {
    let events = 0;
    let duplicates = 0;
    let blocks = 0;
    for (const block of batch.blocks) {
      const r = this.writeBlock(block);
      events += r.stored;
      duplicates += r.dups;
      if (r.stored > 0) blocks++;
    }
    let alerts = 0;
    for (const a of batch.alerts)
      alerts += this.insertAlert.run(
        a.id,
        a.tenant,
        a.time,
        a.created,
        a.severity,
        a.detector.ruleId,
        JSON.stringify(a),
      ).changes;
    for (const d of batch.deadLetters) {
      this.insertDead.run(d.tenant, d.time, JSON.stringify(d.source), d.reason, d.raw, d.offset ?? null);
    }
    return { events, duplicates, alerts, deadLetters: batch.deadLetters.length, blocks };
  }

  private writeBlock(block: EncodedBlock): { stored: number; dups: number } {
    const ins = this.idStatements(block.tenant, block.day);
    const id = this.nextBlock;
    const dupSeqs: number[] = [];
    const ids = block.ids;
    let i = 0;
    // Ids go in ID_ROWS per statement: a third less time than one statement per id.
    for (; i + ID_ROWS <= block.count; i += ID_ROWS) {
      const args = this.idArgs;
      for (let j = 0; j < ID_ROWS; j++) {
        args[j * 3] = ids.subarray((i + j) * 16, (i + j) * 16 + 16);
        args[j * 3 + 1] = id;
        args[j * 3 + 2] = i + j;
      }
      if (ins.many.run(args).changes === ID_ROWS) continue;
      // Some were stored before (a replay): the ids whose row is not this block's are duplicates.
      for (let j = 0; j < ID_ROWS; j++) if (ins.has.get(args[j * 3], id, i + j) === undefined) dupSeqs.push(i + j);
    }
    for (; i < block.count; i++) {
      if (ins.one.run(ids.subarray(i * 16, i * 16 + 16), id, i).changes === 0) dupSeqs.push(i);
    }
    if (dupSeqs.length === block.count) return { stored: 0, dups: block.count };
    let toStore = block;
    let kept: BlockEvent[] | undefined;
    if (dupSeqs.length > 0) {
      // Partly seen before (an overlapping replay): drop the duplicates and re-number positions.
      const skip = new Set(dupSeqs);
      kept = decodeBlock(block.codec, block.data).filter((_, i) => !skip.has(i));
      toStore = encodeBlock(block.tenant, block.day, kept);
      const fix = this.db.prepare(`UPDATE ${idTable(block.tenant, block.day)} SET seq = ? WHERE id = ?`);
      kept.forEach((e, seq) => fix.run(seq, Buffer.from(e.id, 'hex')));
    }
    // Terms collected at ingest are written with the block, in the same transaction. Group terms
    // follow positions, which dropping duplicates shifts: such a block, and a block that comes
    // without terms, waits for the idle indexer (`indexPending`), which derives them from the
    // stored records. Until then searches scan it, and health counts it as pending. Deriving them
    // here would put the whole tokenisation on the single writer thread, in ingest's way.
    const indexed =
      block.terms !== undefined && kept === undefined
        ? this.insertTermDocs(id, { terms: block.terms, ...(block.groups ? { groups: block.groups } : {}) })
        : 0;
    // A new block may reuse the id of a deleted one: its columns must not be taken for this one's.
    this.deleteColumns.run(id);
    this.insertBlock.run(
      id,
      toStore.tenant,
      toStore.day,
      toStore.tMin,
      toStore.tMax,
      toStore.count,
      toStore.rawBytes,
      toStore.codec,
      toStore.data,
      indexed,
    );
    // Columns built at ingest from the same values as the terms (a new block's `ver` is 0): the
    // idle indexer then has nothing to re-parse for this block.
    if (indexed !== 0 && block.columns !== undefined) writeColumnRows(this.db, id, 0, block.columns);
    this.nextBlock++;
    return { stored: toStore.count, dups: dupSeqs.length };
  }

  /** Inserts a block's term documents; returns its `indexed` state (1 block only, 3 with groups). */
  private insertTermDocs(id: number, docs: BlockTerms): number {
    this.insertTerms.run(id, docs.terms);
    if (docs.groups === undefined) return 1;
    docs.groups.forEach((g, i) => this.insertGroup.run(id * MAX_GROUPS + i, g));
    return INDEXED_QUALIFIED;
  }

  /** What the term index covers, over every tenant (for health). */
  indexStatus(): IndexStatus {
    const r = this.db
      .prepare(
        `SELECT COUNT(*) AS blocks, COALESCE(SUM(count), 0) AS events, COALESCE(SUM(indexed = 0), 0) AS pb,
                COALESCE(SUM(CASE WHEN indexed = 0 THEN count ELSE 0 END), 0) AS pe FROM blocks`,
      )
      .get() as { blocks: number; events: number; pb: number; pe: number };
    // The same test the column backfill uses (`columnsPending`): no current time column.
    const cp = this.db
      .prepare(
        `SELECT COUNT(*) FROM blocks b WHERE indexed <> 0 AND NOT EXISTS
           (SELECT 1 FROM block_columns c WHERE c.block = b.id AND c.field = ? AND c.ver = b.ver)`,
      )
      .pluck()
      .get(TIME_COLUMN) as number;
    return {
      indexedBlocks: r.blocks - r.pb,
      pendingBlocks: r.pb,
      indexedEvents: r.events - r.pe,
      pendingEvents: r.pe,
      columnPendingBlocks: cp,
    };
  }

  /**
   * Indexes blocks without term documents (written without terms, or before the index existed),
   * building their columns from the same hydration; then, within `maxBlocks`, builds the columns
   * of blocks that lack current ones (indexed at ingest, rewritten, or older databases).
   */
  indexPending(maxBlocks: number): number {
    const rows = this.db
      .prepare('SELECT id, ver, codec, data FROM blocks WHERE indexed = 0 LIMIT ?')
      .all(maxBlocks) as PendingBlock[];
    const mark = this.db.prepare('UPDATE blocks SET indexed = ? WHERE id = ?');
    for (const r of rows) {
      const cols = new ColumnBuilder();
      const docs = addBlockTerms(decodeBlock(r.codec, r.data), this.hydrator, (e, d) => cols.add(e.time, d));
      this.db.transaction(() => {
        mark.run(this.insertTermDocs(r.id, docs), r.id);
        cols.write(this.db, r.id, r.ver);
      })();
    }
    return rows.length < maxBlocks ? rows.length + this.columnsPending(maxBlocks - rows.length) : rows.length;
  }

  /** Builds the columns of up to `maxBlocks` term-indexed blocks whose columns are missing or stale. */
  private columnsPending(maxBlocks: number): number {
    const rows = this.db
      .prepare(
        `SELECT id, ver, codec, data FROM blocks b WHERE indexed <> 0 AND NOT EXISTS
           (SELECT 1 FROM block_columns c WHERE c.block = b.id AND c.field = ? AND c.ver = b.ver) LIMIT ?`,
      )
      .all(TIME_COLUMN, maxBlocks) as PendingBlock[];
    for (const r of rows) {
      const cols = new ColumnBuilder();
      for (const e of decodeBlock(r.codec, r.data)) {
        cols.add(e.time, deriveValues(this.hydrator, e));
      }
      this.db.transaction(() => cols.write(this.db, r.id, r.ver))();
    }
    return rows.length;
  }

  applyRetention(
    tenant: string,
    policy: RetentionPolicy,
    now: number,
  ): { deletedBlocks: number; deletedEvents: number } {
    const days = (
      this.db.prepare('SELECT day FROM partitions WHERE tenant = ? ORDER BY day').all(tenant) as { day: number }[]
    ).map((r) => r.day);
    const drop = new Set<number>();
    if (policy.maxAgeDays > 0) {
      const cutoff = dayOf(now) - policy.maxAgeDays;
      for (const d of days) if (d < cutoff) drop.add(d);
    }
    if (policy.maxBytes > 0) {
      const sizes = this.db
        .prepare('SELECT day, SUM(length(data)) AS b FROM blocks WHERE tenant = ? GROUP BY day ORDER BY day')
        .all(tenant) as { day: number; b: number }[];
      let total = sizes.reduce((a, s) => a + s.b, 0);
      for (const s of sizes) {
        if (total <= policy.maxBytes) break;
        if (!drop.has(s.day)) drop.add(s.day);
        total -= s.b;
      }
    }
    let deletedBlocks = 0;
    let deletedEvents = 0;
    const delTerms = this.db.prepare('DELETE FROM block_terms WHERE rowid = ?');
    const delGroup = this.db.prepare('DELETE FROM group_terms WHERE rowid = ?');
    this.db.transaction(() => {
      for (const day of drop) {
        const blocks = this.db
          .prepare('SELECT id, count, indexed FROM blocks WHERE tenant = ? AND day = ?')
          .all(tenant, day) as { id: number; count: number; indexed: number }[];
        for (const b of blocks) {
          deleteColumns(this.db, b.id);
          if (b.indexed) delTerms.run(b.id);
          if (b.indexed >= 2) for (let g = 0; g * GROUP_EVENTS < b.count; g++) delGroup.run(b.id * MAX_GROUPS + g);
          deletedEvents += b.count;
        }
        deletedBlocks += this.db.prepare('DELETE FROM blocks WHERE tenant = ? AND day = ?').run(tenant, day).changes;
        this.db.exec(`DROP TABLE IF EXISTS ${idTable(tenant, day)}`);
        this.db.prepare('DELETE FROM partitions WHERE tenant = ? AND day = ?').run(tenant, day);
        this.insertId.delete(`${tenant}\0${day}`);
        this.knownPartitions.delete(`${tenant}\0${day}`);
      }
    })();
    if (drop.size > 0) this.db.pragma('incremental_vacuum');
    return { deletedBlocks, deletedEvents };
  }

  /** Deletes alerts of a tenant older than `before` (alerts follow the event retention age). */
  deleteAlertsBefore(tenant: string, before: number): number {
    return this.db.prepare('DELETE FROM alerts WHERE tenant = ? AND time < ?').run(tenant, before).changes;
  }

  close(): void {
    this.db.close();
  }
}
