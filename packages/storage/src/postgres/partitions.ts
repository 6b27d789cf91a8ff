/**
 * @module
 * Day partitions of `ev_blocks`, `ev_ids` and `ev_terms` (the term index, migration step 23),
 * created on demand before a write touches a day.
 * Creation takes the schema advisory lock in its own short transaction, so concurrent writers
 * (several detect workers) neither race on `CREATE TABLE` nor hold the lock during their writes.
 */
import { AppError } from '@intersoc/core';
import type { PgSql, PgTx } from './connect.js';
import { SCHEMA_LOCK } from './migrations.js';

/** Quoted name of a day partition of `table` (days may be negative before 1970). */
export function partitionName(table: PartitionedTable, day: number): string {
  return `"${table}_d${day}"`;
}

/** The tables partitioned by day, in the order their partitions are created. */
const TABLES = ['ev_ids', 'ev_blocks', 'ev_terms'] as const;
/** A table partitioned by day. */
export type PartitionedTable = (typeof TABLES)[number];

/** Remembers which day partitions exist, creating missing ones. */
export class DayPartitions {
  /** Days whose partitions of every table exist. */
  private readonly known = new Set<number>();
  /** Partitions found by the last refresh, per table (a day may lack `ev_terms` only). */
  private readonly found = new Map<PartitionedTable, Set<number>>();

  constructor(private readonly sql: PgSql) {}

  /** Adds the days whose partitions all exist to `known`. */
  private async refresh(sql: PgSql | PgTx): Promise<void> {
    const rows = await sql<{ parent: PartitionedTable; name: string }[]>`
      SELECT i.inhparent::regclass::text AS parent, c.relname AS name
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = ANY(${[...TABLES]}::regclass[])`;
    for (const t of TABLES) this.found.set(t, new Set());
    for (const r of rows) this.found.get(r.parent)?.add(Number(r.name.slice(`${r.parent}_d`.length)));
    // Days written before the term index existed have `ev_ids` and `ev_blocks` partitions only
    // (the migration creates theirs, but an older writer may still add days): not known yet.
    for (const d of this.found.get('ev_terms') ?? []) {
      if (TABLES.every((t) => this.found.get(t)?.has(d))) this.known.add(d);
    }
  }

  /** Ensures partitions exist for every day in `days`. */
  async ensure(days: Iterable<number>): Promise<void> {
    const missing = [...new Set(days)].filter((d) => !this.known.has(d));
    if (missing.length === 0) return;
    for (const d of missing) {
      if (!Number.isSafeInteger(d)) throw new AppError('VALIDATION', `not a day number: ${d}`);
    }
    await this.refresh(this.sql);
    if (missing.every((d) => this.known.has(d))) return;
    await this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`;
      await this.refresh(tx);
      for (const d of missing) {
        if (this.known.has(d)) continue;
        // A standalone table attached afterwards: ATTACH PARTITION takes only a SHARE UPDATE
        // EXCLUSIVE lock on the parent, which writers' and readers' locks do not conflict with,
        // where CREATE TABLE ... PARTITION OF takes ACCESS EXCLUSIVE and deadlocked with a writer
        // holding the other table (measured with two writers in bench store-write).
        for (const table of TABLES) {
          if (this.found.get(table)?.has(d)) continue;
          const part = partitionName(table, d);
          await tx.unsafe(`CREATE TABLE ${part} (LIKE ${table} INCLUDING DEFAULTS INCLUDING STORAGE)`);
          // The payload is brotli already: store it out of line without a second compression pass.
          if (table === 'ev_blocks') await tx.unsafe(`ALTER TABLE ${part} ALTER COLUMN data SET STORAGE EXTERNAL`);
          await tx.unsafe(`ALTER TABLE ${table} ATTACH PARTITION ${part} FOR VALUES FROM (${d}) TO (${d + 1})`);
        }
      }
    });
    for (const d of missing) this.known.add(d);
  }
}
