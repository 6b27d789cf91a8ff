/**
 * @module
 * The durable state of correlate partitions on PostgreSQL. A partition's new owner `claim`s it
 * and gets a new epoch, the windows and the last committed stream sequence back, then
 * `commit`s each message's effects — changed windows, correlation alerts, the message's sequence —
 * in one transaction, which PostgreSQL refuses once a higher epoch has claimed the partition.
 * So a holder that lost its lease without noticing (paused past the lease time) cannot overwrite
 * the new owner's state, and a message whose commit landed is never applied twice.
 */
import { AppError, type Alert } from '@intersoc/core';
import { openPg, storageError, type PgSql, type PgTx } from '../connect.js';
import { insertAlerts } from '../event-writer.js';

/** One correlation window of a partition, as the engine serialised it. */
export interface PartitionGroup {
  /** The tenant. */
  readonly scope: string;
  readonly correlation: string;
  readonly group: string;
  readonly state: string;
  readonly expires: number;
}

/** What a claim returns: where the previous owner stopped. */
export interface PartitionClaim {
  /** Stream sequence of the last message whose effects are committed (0: none). */
  readonly lastSeq: number;
  readonly groups: readonly PartitionGroup[];
}

/** One message's effects. */
export interface PartitionCommit {
  readonly partition: number;
  readonly epoch: number;
  readonly seq: number;
  readonly upserts: readonly PartitionGroup[];
  readonly deletes: readonly { readonly scope: string; readonly correlation: string; readonly group: string }[];
  readonly alerts: readonly Alert[];
}

/** `fenced`: a higher epoch owns the partition now; nothing was written. */
export type CommitResult =
  { readonly ok: true; readonly alerts: number } | { readonly ok: false; readonly reason: 'fenced' };

/** Correlate partitions' state on a migrated PostgreSQL store (`intersoc db migrate`). */
export class PgCorrelationState {
  private constructor(
    private readonly sql: PgSql,
    private readonly url: string,
  ) {}

  /** Opens a pool on `url`; fails with `CONFIG` when the partition count differs from the stored one. */
  static async open(url: string, partitions: number): Promise<PgCorrelationState> {
    const sql = openPg(url, { max: 2 });
    try {
      await sql`INSERT INTO corr_settings (name, value) VALUES ('partitions', ${String(partitions)}) ON CONFLICT (name) DO NOTHING`;
      const [row] = await sql<{ value: string }[]>`SELECT value FROM corr_settings WHERE name = 'partitions'`;
      if (row && Number(row.value) !== partitions)
        throw new AppError(
          'CONFIG',
          `the store's correlate state is cut into ${row.value} partitions, not ${partitions}: every role must use bus.correlatePartitions = ${row.value}`,
        );
    } catch (err) {
      await sql.end({ timeout: 2 });
      if (err instanceof AppError) throw err;
      if ((err as { code?: string }).code === '42P01')
        throw new AppError('STORAGE', 'the correlate tables are missing: run `intersoc db migrate` first', {
          cause: err,
        });
      throw storageError(url, 'opening the correlate state failed', err);
    }
    return new PgCorrelationState(sql, url);
  }

  /**
   * Makes `holder` the partition's owner under a new epoch (the stored one plus one) and returns
   * the epoch with the partition's state. The store generates the epoch, so it grows whatever
   * happened to the lease bucket (a NATS store recreated restarts its revisions); the lease keeps
   * a second claimer away, the epoch fences whoever claimed before.
   */
  async claim(partition: number, holder: string): Promise<PartitionClaim & { readonly epoch: number }> {
    try {
      return await this.sql.begin(async (tx) => {
        const [p] = await tx<{ epoch: number; last_seq: number }[]>`
          INSERT INTO corr_partitions (partition, epoch, holder) VALUES (${partition}, 1, ${holder})
          ON CONFLICT (partition) DO UPDATE SET epoch = corr_partitions.epoch + 1, holder = excluded.holder, claimed_at = now()
          RETURNING epoch, last_seq`;
        if (!p) throw new Error('no row returned');
        return { epoch: p.epoch, ...(await loadPartition(tx, partition, p.last_seq)) };
      });
    } catch (err) {
      throw storageError(this.url, `claiming correlate partition ${partition} failed`, err);
    }
  }

  /** The partition's state if `epoch` still owns it (after a failed commit); undefined when fenced. */
  async load(partition: number, epoch: number): Promise<PartitionClaim | undefined> {
    try {
      return await this.sql.begin(async (tx) => {
        const [p] = await tx<{ epoch: number; last_seq: number }[]>`
          SELECT epoch, last_seq FROM corr_partitions WHERE partition = ${partition} FOR SHARE`;
        if (!p || p.epoch !== epoch) return undefined;
        return loadPartition(tx, partition, p.last_seq);
      });
    } catch (err) {
      throw storageError(this.url, `loading correlate partition ${partition} failed`, err);
    }
  }

  /** Commits one message's effects, or nothing when the partition moved to a higher epoch. */
  async commit(c: PartitionCommit): Promise<CommitResult> {
    try {
      return await this.sql.begin(async (tx): Promise<CommitResult> => {
        // The row lock orders this commit against a concurrent claim of the same partition.
        const [p] = await tx<{ epoch: number }[]>`
          SELECT epoch FROM corr_partitions WHERE partition = ${c.partition} FOR UPDATE`;
        if (!p || p.epoch !== c.epoch) return { ok: false, reason: 'fenced' };
        for (const u of c.upserts)
          await tx`INSERT INTO corr_state (partition, scope, correlation, grp, state, expires)
                   VALUES (${c.partition}, ${u.scope}, ${u.correlation}, ${u.group}, ${u.state}, ${u.expires})
                   ON CONFLICT (partition, scope, correlation, grp) DO UPDATE SET state = excluded.state, expires = excluded.expires`;
        for (const d of c.deletes)
          await tx`DELETE FROM corr_state WHERE partition = ${c.partition} AND scope = ${d.scope}
                   AND correlation = ${d.correlation} AND grp = ${d.group}`;
        const alerts = await insertAlerts(tx, c.alerts);
        await tx`UPDATE corr_partitions SET last_seq = GREATEST(last_seq, ${c.seq}) WHERE partition = ${c.partition}`;
        return { ok: true, alerts };
      });
    } catch (err) {
      throw storageError(this.url, `committing correlate partition ${c.partition} failed`, err);
    }
  }

  /** Owners as the store last saw them, with the correlations that have open windows (tests, operators). */
  async owners(): Promise<
    { partition: number; epoch: number; holder: string; lastSeq: number; correlations: string[] }[]
  > {
    const rows = await this.sql<
      { partition: number; epoch: number; holder: string; last_seq: number; correlations: string[] | null }[]
    >`SELECT p.partition, p.epoch, p.holder, p.last_seq,
             (SELECT array_agg(DISTINCT s.correlation) FROM corr_state s WHERE s.partition = p.partition) AS correlations
        FROM corr_partitions p ORDER BY p.partition`;
    return rows.map((r) => ({
      partition: r.partition,
      epoch: r.epoch,
      holder: r.holder,
      lastSeq: r.last_seq,
      correlations: r.correlations ?? [],
    }));
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

async function loadPartition(tx: PgTx, partition: number, lastSeq: number): Promise<PartitionClaim> {
  const rows = await tx<{ scope: string; correlation: string; grp: string; state: string; expires: number }[]>`
    SELECT scope, correlation, grp, state, expires FROM corr_state WHERE partition = ${partition}`;
  return {
    lastSeq,
    groups: rows.map((r) => ({
      scope: r.scope,
      correlation: r.correlation,
      group: r.grp,
      state: r.state,
      expires: r.expires,
    })),
  };
}
