/**
 * @module
 * The PostgreSQL event store: events, alerts and dead letters behind one async interface, for
 * roles that share a store (detect workers write, api reads). Run `migratePg` once before.
 */
import { AppError, type Alert, type AuthContext, type SocEvent } from '@intersoc/core';
import type { EventHydrator, SearchPage, SearchRequest, StoreStats, WriteBatch, WriteResult } from '../events/types.js';
import { openPg, storageError, type PgSql } from './connect.js';
import { PgEventReader } from './event-reader.js';
import { indexPendingBlocks } from './event-terms.js';
import { writeBatch } from './event-writer.js';
import { DayPartitions } from './partitions.js';

/** The event store on PostgreSQL. Every read is scoped to `ctx.tenant`. */
export interface PgEventStore {
  /** One transaction; idempotent on event ids (duplicates counted) and on alert ids. */
  write(batch: WriteBatch): Promise<WriteResult>;
  stats(ctx: AuthContext): Promise<StoreStats>;
  searchEvents(ctx: AuthContext, req: SearchRequest): Promise<SearchPage<SocEvent>>;
  getEvent(ctx: AuthContext, id: string): Promise<SocEvent | undefined>;
  searchAlerts(ctx: AuthContext, req: SearchRequest): Promise<SearchPage<Alert>>;
  getAlert(ctx: AuthContext, id: string): Promise<Alert | undefined>;
  /**
   * All the tenant's events per bucket of a window (`bucketMs` wide from `from`), from block
   * metadata and event times without re-parsing; `partial` when the block budget or `deadline`
   * ran out first. The empty query's histogram (the dashboard overview).
   */
  countEvents(
    ctx: AuthContext,
    w: { readonly from: number; readonly to: number; readonly buckets: number; readonly bucketMs: number },
    deadline?: number,
  ): Promise<{ counts: number[]; total: number; partial: boolean; scannedBlocks: number }>;
  /**
   * Derives the term index rows of up to `maxBlocks` blocks that have none current (written
   * without terms, with duplicates dropped, rewritten, or before the index existed); returns how
   * many it did (0: nothing pending). Needs the `hydrator` option: without it, it does nothing,
   * since terms of unparsed records would prune blocks that match. Until then search scans them.
   */
  indexPending(maxBlocks: number): Promise<number>;
  close(): Promise<void>;
}

/** Options of `openPgEventStore`. */
export interface PgEventStoreOptions {
  /** Connections in the pool (default 4). */
  readonly max?: number;
  /**
   * Re-derives fields and ECS of stored records (the node passes `createHydrator()`). Without
   * it, events come back with their raw record and envelope only, and field queries match nothing.
   */
  readonly hydrator?: EventHydrator;
  /** Prune blocks and groups with the term index (default true; false scans every block, for tests and benchmarks). */
  readonly termIndex?: boolean;
}

const NO_FIELDS: EventHydrator = { hydrate: () => ({ fields: {}, ecs: {} }) };

/**
 * Opens the event store at `url` (migrated with `migratePg`).
 *
 * @example
 * const store = await openPgEventStore(url, { hydrator: createHydrator() });
 * await store.write({ blocks, alerts: [], deadLetters: [] });
 * const page = await store.searchEvents(ctx, { q: 'user:admin' });
 */
export async function openPgEventStore(url: string, opts: PgEventStoreOptions = {}): Promise<PgEventStore> {
  const sql = openPg(url, opts.max === undefined ? {} : { max: opts.max });
  try {
    const [row] = await sql<{ ok: string | null; terms: string | null }[]>`
      SELECT to_regclass('ev_blocks')::text AS ok, to_regclass('ev_terms')::text AS terms`;
    if (!row?.ok) throw new Error('the store has no event tables: run `intersoc db migrate` first');
    if (!row.terms) throw new Error('the store has no term index (migration 23): run `intersoc db migrate` first');
  } catch (err) {
    await sql.end({ timeout: 1 });
    throw storageError(url, 'cannot open the event store', err);
  }
  return new PgStore(url, sql, opts.hydrator, opts.termIndex ?? true);
}

class PgStore implements PgEventStore {
  private readonly days: DayPartitions;
  private readonly reader: PgEventReader;

  constructor(
    private readonly url: string,
    private readonly sql: PgSql,
    private readonly hydrator: EventHydrator | undefined,
    termIndex: boolean,
  ) {
    this.days = new DayPartitions(sql);
    this.reader = new PgEventReader(sql, hydrator ?? NO_FIELDS, termIndex);
  }

  private async wrap<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      // Validation errors (a bad query or cursor) pass through; driver errors become STORAGE.
      if (err instanceof AppError) throw err;
      throw storageError(this.url, what, err);
    }
  }

  write(batch: WriteBatch): Promise<WriteResult> {
    return this.wrap('write failed', () => writeBatch(this.sql, this.days, batch));
  }
  stats(ctx: AuthContext): Promise<StoreStats> {
    return this.wrap('stats failed', () => this.reader.stats(ctx));
  }
  searchEvents(ctx: AuthContext, req: SearchRequest): Promise<SearchPage<SocEvent>> {
    return this.wrap('search failed', () => this.reader.searchEvents(ctx, req));
  }
  getEvent(ctx: AuthContext, id: string): Promise<SocEvent | undefined> {
    return this.wrap('event lookup failed', () => this.reader.getEvent(ctx, id));
  }
  searchAlerts(ctx: AuthContext, req: SearchRequest): Promise<SearchPage<Alert>> {
    return this.wrap('alert search failed', () => this.reader.searchAlerts(ctx, req));
  }
  getAlert(ctx: AuthContext, id: string): Promise<Alert | undefined> {
    return this.wrap('alert lookup failed', () => this.reader.getAlert(ctx, id));
  }
  countEvents(
    ctx: AuthContext,
    w: { readonly from: number; readonly to: number; readonly buckets: number; readonly bucketMs: number },
    deadline?: number,
  ): Promise<{ counts: number[]; total: number; partial: boolean; scannedBlocks: number }> {
    return this.wrap('event count failed', () => this.reader.countEvents(ctx, w, deadline));
  }
  indexPending(maxBlocks: number): Promise<number> {
    const hydrator = this.hydrator;
    if (hydrator === undefined) return Promise.resolve(0);
    return this.wrap('term indexing failed', () => indexPendingBlocks(this.sql, this.days, hydrator, maxBlocks));
  }
  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
