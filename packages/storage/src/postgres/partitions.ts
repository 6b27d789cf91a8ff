/**
 * @module
 * Day partitions of `ev_blocks` and `ev_ids`, created on demand before a write touches a day.
 * Creation takes the schema advisory lock in its own short transaction, so concurrent writers
 * (several detect workers) neither race on `CREATE TABLE` nor hold the lock during their writes.
 */
import { AppError } from '@intersoc/core';
import type { PgSql, PgTx } from './connect.js';
import { SCHEMA_LOCK } from './migrations.js';

/** Quoted name of a day partition of `table` (days may be negative before 1970). */
export function partitionName(table: 'ev_blocks' | 'ev_ids', day: number): string {
  return `"${table}_d${day}"`;
}

/** Remembers which day partitions exist, creating missing ones. */
export class DayPartitions {
  private readonly known = new Set<number>();

  constructor(private readonly sql: PgSql) {}

  /** Adds the days whose `ev_ids` partition exists to `known`. */
  private async refresh(sql: PgSql | PgTx): Promise<void> {
    const rows = await sql<{ name: string }[]>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'ev_ids'::regclass`;
    for (const r of rows) this.known.add(Number(r.name.slice('ev_ids_d'.length)));
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
        for (const table of ['ev_ids', 'ev_blocks'] as const) {
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
