/**
 * @module
 * Day partitions of `ev_blocks` and `ev_ids`, created on demand before a write touches a day.
 * Creation takes the schema advisory lock in its own short transaction, so concurrent writers
 * (several detect workers) neither race on `CREATE TABLE` nor hold the lock during their writes.
 */
import { AppError } from '@intersoc/core';
import type { PgSql } from './connect.js';
import { SCHEMA_LOCK } from './migrations.js';

/** Quoted name of a day partition of `table` (days may be negative before 1970). */
export function partitionName(table: 'ev_blocks' | 'ev_ids', day: number): string {
  return `"${table}_d${day}"`;
}

/** Remembers which day partitions exist, creating missing ones. */
export class DayPartitions {
  private readonly known = new Set<number>();

  constructor(private readonly sql: PgSql) {}

  /** Ensures partitions exist for every day in `days`. */
  async ensure(days: Iterable<number>): Promise<void> {
    const missing = [...new Set(days)].filter((d) => !this.known.has(d));
    if (missing.length === 0) return;
    for (const d of missing) {
      if (!Number.isSafeInteger(d)) throw new AppError('VALIDATION', `not a day number: ${d}`);
    }
    const existing = await this.sql<{ name: string }[]>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'ev_ids'::regclass`;
    for (const r of existing) this.known.add(Number(r.name.slice('ev_ids_d'.length)));
    const todo = missing.filter((d) => !this.known.has(d));
    if (todo.length === 0) return;
    await this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`;
      for (const d of todo) {
        const blocks = partitionName('ev_blocks', d);
        await tx.unsafe(
          `CREATE TABLE IF NOT EXISTS ${blocks} PARTITION OF ev_blocks FOR VALUES FROM (${d}) TO (${d + 1})`,
        );
        // The payload is brotli already: store it out of line without a second compression pass.
        await tx.unsafe(`ALTER TABLE ${blocks} ALTER COLUMN data SET STORAGE EXTERNAL`);
        await tx.unsafe(
          `CREATE TABLE IF NOT EXISTS ${partitionName('ev_ids', d)} PARTITION OF ev_ids FOR VALUES FROM (${d}) TO (${d + 1})`,
        );
      }
    });
    for (const d of todo) this.known.add(d);
  }
}
