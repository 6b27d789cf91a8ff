/**
 * @module
 * The read side of the PostgreSQL event store. Search walks block metadata newest first from the
 * covering index, loads payloads in small batches and evaluates the same compiled predicate over
 * the same decoded blocks as the SQLite reader (`events/reader.ts`), so both stores give the same
 * results, order and cursors for a query. Blocks whose term index rows (`event-terms.ts`) are
 * current and have no group matching the query's term plan are skipped (`prunedBlocks`), and in
 * the blocks it reads only the matching groups' events are re-parsed; blocks without current
 * rows are scanned whole. `_id` queries go through `ev_ids`.
 */
import { AppError, type Alert, type AuthContext, type SocEvent } from '@intersoc/core';
import { checkQueryCost } from '../query/cost.js';
import { indexTerms } from '../query/prune.js';
import { GROUP_EVENTS } from '../events/terms.js';
import { compileQuery } from '../query/evaluate.js';
import { parseQuery } from '../query/parse.js';
import { flattenForQuery } from '../events/alert-doc.js';
import { BlockCache, DEFAULT_CACHE_BYTES } from '../events/block-cache.js';
import type { BlockEvent } from '../events/block-format.js';
import { decodeCursor, encodeCursor } from '../events/cursor.js';
import { hydrateEvent } from '../events/hydrate.js';
import { eventDoc, idsOf } from '../events/event-doc.js';
import type { EventHydrator, SearchPage, SearchRequest, StoreStats } from '../events/types.js';
import type { PgSql } from './connect.js';
import { MARKER, TermMatches, toTsQuery } from './event-terms.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
/** Blocks decoded per search call before it returns a partial page with a cursor (as SQLite). */
const BLOCK_BUDGET = 4_000;
/** Most block payloads loaded by one query. */
const META_BATCH = 32;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

interface Meta {
  id: number;
  day: number;
  t_min: number;
  t_max: number;
  count: number;
  raw_bytes: number;
  ver: number;
  /** `ver` of the block's term marker (null: none). */
  tver: number | null;
  /** True when the marker says the block cannot be pruned. */
  open: boolean;
}

/** What search reads of a block: all its events, the events of some groups, or nothing. */
type Reading = 'all' | Set<number> | 'none';

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new AppError('VALIDATION', 'limit must be a positive integer');
  return Math.min(limit, MAX_LIMIT);
}

const verOf = (b: Meta): string => `${b.ver}:${b.count}:${b.raw_bytes}:${b.t_max}`;

/** PostgreSQL implementation of the read calls of the event store. */
export class PgEventReader {
  readonly cache = new BlockCache(DEFAULT_CACHE_BYTES);

  constructor(
    private readonly sql: PgSql,
    private readonly hydrator: EventHydrator,
    private readonly termIndex = true,
  ) {}

  /** Builds a full event from a stored one (as `SqliteEventReader.toEvent`). */
  toEvent(tenant: string, b: BlockEvent): SocEvent {
    return hydrateEvent(this.hydrator, tenant, b);
  }

  /** Decoded events of `metas`, loading the payloads the cache does not hold in one query. */
  private async load(metas: readonly Meta[]): Promise<Map<number, readonly BlockEvent[]>> {
    const need = metas.filter((m) => !this.cache.has(m.id, verOf(m)));
    const rows =
      need.length === 0
        ? []
        : await this.sql<{ id: number; codec: number; data: Buffer }[]>`
            SELECT id, codec, data FROM ev_blocks
            WHERE day = ANY(${[...new Set(need.map((m) => m.day))]}::int4[]) AND id = ANY(${need.map((m) => m.id)}::int8[])`;
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out = new Map<number, readonly BlockEvent[]>();
    for (const m of metas)
      out.set(
        m.id,
        this.cache.get(m.id, verOf(m), m.raw_bytes, () => byId.get(m.id)),
      );
    return out;
  }

  /** Positions of event ids in the tenant's blocks (for `_id` queries). */
  private async positions(tenant: string, ids: readonly string[]): Promise<Map<number, Set<number>>> {
    const at = new Map<number, Set<number>>();
    if (ids.length === 0) return at;
    const blob = Buffer.from(ids.join(''), 'hex');
    const rows = await this.sql<{ block: number; seq: number }[]>`
      SELECT i.block, i.seq FROM ev_ids i JOIN ev_blocks b ON b.id = i.block AND b.day = i.day
      WHERE b.tenant = ${tenant}
        AND i.id IN (SELECT substring(${blob}::bytea FROM g * 16 + 1 FOR 16) FROM generate_series(0, ${ids.length - 1}::int4) g)`;
    for (const r of rows) {
      let set = at.get(r.block);
      if (!set) at.set(r.block, (set = new Set()));
      set.add(r.seq);
    }
    return at;
  }

  /**
   * Block metadata of a search, newest first, in pages by keyset (no server-side cursor, so a
   * pool of one connection can load payloads between pages). `block` may be fractional: a
   * cursor's `id - 0.5` resumes strictly after that block.
   */
  private async *metaPages(
    tenant: string,
    from: number,
    to: number,
    tMax: number,
    block: number,
    only: readonly number[] | undefined,
    markers: boolean,
  ): AsyncGenerator<Meta[]> {
    let size = 16;
    for (;;) {
      // The marker comes by primary key with each block (a small row: `terms` is empty or NULL).
      const rows = await this.sql<Meta[]>`
        SELECT b.id, b.day, b.t_min, b.t_max, b.count, b.raw_bytes, b.ver,
               ${markers ? this.sql`t.ver AS tver, t.terms IS NULL AS open` : this.sql`NULL::int4 AS tver, true AS open`}
        FROM ev_blocks b
        ${markers ? this.sql`LEFT JOIN ev_terms t ON t.day = b.day AND t.block = b.id AND t.grp = ${MARKER}` : this.sql``}
        WHERE b.tenant = ${tenant} AND b.t_max >= ${from} AND b.t_min <= ${to}
          AND (b.t_max < ${tMax} OR (b.t_max = ${tMax} AND b.id <= ${block}::numeric))
          ${only === undefined ? this.sql`` : this.sql`AND b.id = ANY(${only}::int8[])`}
        ORDER BY b.t_max DESC, b.id DESC LIMIT ${size}`;
      if (rows.length > 0) yield rows;
      const last = rows[rows.length - 1];
      if (rows.length < size || last === undefined) return;
      tMax = last.t_max;
      block = last.id - 0.5;
      size = Math.min(size * 4, 1024);
    }
  }

  async searchEvents(ctx: AuthContext, req: SearchRequest): Promise<SearchPage<SocEvent>> {
    const limit = clampLimit(req.limit);
    const tree = parseQuery(req.q);
    if (req.limits) checkQueryCost(tree, req.limits, { from: req.from, to: req.to, now: Date.now() });
    const pred = compileQuery(tree);
    const from = req.from ?? Number.MIN_SAFE_INTEGER;
    const to = req.to ?? MAX_SAFE;
    const cur = req.cursor === undefined ? undefined : decodeCursor(req.cursor);
    const ids = idsOf(tree);
    const at = ids === undefined ? undefined : await this.positions(ctx.tenant, ids);
    const items: SocEvent[] = [];
    let scannedBlocks = 0;
    let scannedEvents = 0;
    let next: string | undefined;
    let timedOut = false;
    let prunedBlocks = 0;
    const only = at === undefined ? undefined : [...at.keys()];
    if (only !== undefined && only.length === 0) return { items, scannedBlocks, scannedEvents, prunedBlocks };
    // Block documents hold plain tokens; group documents field-qualified tokens too.
    const plan = at === undefined && this.termIndex ? indexTerms(tree, false) : undefined;
    const qualified = plan === undefined ? undefined : indexTerms(tree, true);
    const terms =
      plan === undefined || qualified === undefined
        ? undefined
        : new TermMatches(this.sql, toTsQuery(plan), toTsQuery(qualified));
    const pages = this.metaPages(
      ctx.tenant,
      from,
      to,
      cur?.tMax ?? MAX_SAFE,
      cur?.block ?? MAX_SAFE,
      only,
      terms !== undefined,
    );
    outer: for await (const all of pages) {
      if (terms !== undefined) await terms.load(all);
      const reading = new Map(all.map((m) => [m.id, this.reading(m, terms)]));
      // Payloads load only for blocks that are read, with the blocks that follow, 2 then 4, 8, ...
      // at a time: a first page that fills from one block does not fetch 31 more, and a long scan
      // needs few round trips.
      const metas = all.filter((m) => reading.get(m.id) !== 'none');
      let loaded = new Map<number, readonly BlockEvent[]>();
      let ahead = 2;
      let r = 0;
      for (const row of all) {
        const groups = reading.get(row.id) ?? 'all';
        if (groups === 'none') {
          prunedBlocks++;
          continue;
        }
        timedOut = scannedBlocks > 0 && req.deadline !== undefined && Date.now() > req.deadline;
        if (scannedBlocks >= BLOCK_BUDGET || timedOut) {
          next = encodeCursor({ tMax: row.t_max, block: row.id, skip: 0 });
          break outer;
        }
        scannedBlocks++;
        if (!loaded.has(row.id)) {
          loaded = await this.load(metas.slice(r, r + Math.min(ahead, BLOCK_BUDGET - scannedBlocks + 1)));
          ahead = Math.min(ahead * 2, META_BATCH);
        }
        r++;
        const events = loaded.get(row.id) ?? [];
        const keep = at?.get(row.id);
        const matches: SocEvent[] = [];
        for (let i = 0; i < events.length; i++) {
          const b = events[i] as BlockEvent;
          if (b.time < from || b.time > to) continue;
          scannedEvents++;
          if (keep !== undefined && !keep.has(i)) continue;
          // Events whose group holds none of the query's terms cannot match: no re-parse.
          if (groups !== 'all' && !groups.has(Math.floor(i / GROUP_EVENTS))) continue;
          const e = this.toEvent(ctx.tenant, b);
          if (pred(eventDoc(e))) matches.push(e);
        }
        matches.sort((a, b) => b.time - a.time || (a.id < b.id ? -1 : 1));
        const skip = cur && row.id === cur.block && row.t_max === cur.tMax ? cur.skip : 0;
        const page = matches.slice(skip, skip + limit - items.length);
        items.push(...page);
        if (items.length >= limit) {
          const consumed = skip + page.length;
          next =
            consumed < matches.length
              ? encodeCursor({ tMax: row.t_max, block: row.id, skip: consumed })
              : encodeCursor({ tMax: row.t_max, block: row.id - 0.5, skip: 0 });
          break outer;
        }
      }
    }
    return {
      items,
      ...(next === undefined ? {} : { next }),
      scannedBlocks,
      scannedEvents,
      prunedBlocks,
      ...(timedOut ? { timedOut } : {}),
    };
  }

  /**
   * Which events of block `m` a search reads: all of them without a term plan or without a
   * current, prunable marker (a stale or missing row means "scan"), else those of its matching
   * groups, or none.
   */
  private reading(m: Meta, terms: TermMatches | undefined): Reading {
    if (terms === undefined || m.tver !== m.ver || m.open) return 'all';
    return terms.groups(m.id, m.ver) ?? 'none';
  }

  /**
   * Counts all the tenant's events per bucket of a window (the empty query's histogram, as the
   * SQLite `eventHistogram` counts it): a block wholly inside one bucket counts from its metadata;
   * other blocks are decoded for their event times only (no record is re-parsed). Stops between
   * blocks after `BLOCK_BUDGET` decoded blocks or at `deadline`, with `partial`.
   */
  async countEvents(
    ctx: AuthContext,
    w: { readonly from: number; readonly to: number; readonly buckets: number; readonly bucketMs: number },
    deadline?: number,
  ): Promise<{ counts: number[]; total: number; partial: boolean; scannedBlocks: number }> {
    const counts = new Array<number>(w.buckets).fill(0);
    const slot = (t: number): number => Math.min(w.buckets - 1, Math.floor((t - w.from) / w.bucketMs));
    let total = 0;
    let scannedBlocks = 0;
    let partial = false;
    const pages = this.metaPages(ctx.tenant, w.from, w.to, MAX_SAFE, MAX_SAFE, undefined, false);
    outer: for await (const all of pages) {
      const straddling: Meta[] = [];
      for (const m of all) {
        if (m.t_min >= w.from && m.t_max <= w.to && slot(m.t_min) === slot(m.t_max)) {
          counts[slot(m.t_min)] = (counts[slot(m.t_min)] ?? 0) + m.count;
          total += m.count;
        } else straddling.push(m);
      }
      for (let i = 0; i < straddling.length; i += META_BATCH) {
        const late = scannedBlocks > 0 && deadline !== undefined && Date.now() > deadline;
        if (scannedBlocks >= BLOCK_BUDGET || late) {
          partial = true;
          break outer;
        }
        const batch = straddling.slice(i, i + META_BATCH);
        const loaded = await this.load(batch);
        scannedBlocks += batch.length;
        for (const m of batch)
          for (const b of loaded.get(m.id) ?? []) {
            if (b.time < w.from || b.time > w.to) continue;
            const k = slot(b.time);
            counts[k] = (counts[k] ?? 0) + 1;
            total++;
          }
      }
    }
    return { counts, total, partial, scannedBlocks };
  }

  async getEvent(ctx: AuthContext, id: string): Promise<SocEvent | undefined> {
    if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
    const rows = await this.sql<(Meta & { seq: number })[]>`
      SELECT b.id, b.day, b.t_min, b.t_max, b.count, b.raw_bytes, b.ver, i.seq
      FROM ev_ids i JOIN ev_blocks b ON b.id = i.block AND b.day = i.day
      WHERE i.id = ${Buffer.from(id, 'hex')} AND b.tenant = ${ctx.tenant}
      ORDER BY i.day DESC LIMIT 1`;
    const hit = rows[0];
    if (!hit) return undefined;
    const b = (await this.load([hit])).get(hit.id)?.[hit.seq];
    return b && b.id === id ? this.toEvent(ctx.tenant, b) : undefined;
  }

  async searchAlerts(ctx: AuthContext, req: SearchRequest): Promise<SearchPage<Alert>> {
    const limit = clampLimit(req.limit);
    const tree = parseQuery(req.q);
    if (req.limits) checkQueryCost(tree, req.limits);
    const pred = compileQuery(tree);
    const cur = req.cursor === undefined ? undefined : decodeCursor(req.cursor);
    const items: Alert[] = [];
    let last: { id: string; time: number } | undefined;
    let scanned = 0;
    let next: string | undefined;
    let timedOut = false;
    const pages = this.alertPages(ctx.tenant, req.from ?? Number.MIN_SAFE_INTEGER, req.to ?? MAX_SAFE, cur);
    outer: for await (const rows of pages) {
      for (const r of rows) {
        if (scanned > 0 && req.deadline !== undefined && Date.now() > req.deadline) {
          timedOut = true;
          break outer;
        }
        scanned++;
        last = r;
        const a = JSON.parse(r.doc) as Alert;
        if (!pred(flattenForQuery(a))) continue;
        items.push(a);
        if (items.length >= limit) {
          next = encodeCursor({ tMax: r.time, block: 0, skip: 0, id: r.id });
          break outer;
        }
      }
    }
    if (timedOut && last) next = encodeCursor({ tMax: last.time, block: 0, skip: 0, id: last.id });
    return {
      items,
      ...(next === undefined ? {} : { next }),
      scannedBlocks: 0,
      scannedEvents: scanned,
      prunedBlocks: 0,
      ...(timedOut ? { timedOut } : {}),
    };
  }

  /** Alerts of a search, newest first, in keyset pages (time, then id in byte order). */
  private async *alertPages(
    tenant: string,
    from: number,
    to: number,
    cur: { tMax: number; id?: string } | undefined,
  ): AsyncGenerator<{ id: string; time: number; doc: string }[]> {
    let after = cur === undefined ? undefined : { time: cur.tMax, id: cur.id ?? '\uffff' };
    let size = 64;
    for (;;) {
      const rows = await this.sql<{ id: string; time: number; doc: string }[]>`
        SELECT id, time, doc FROM ev_alerts
        WHERE tenant = ${tenant} AND time >= ${from} AND time <= ${to}
        ${after === undefined ? this.sql`` : this.sql`AND (time < ${after.time} OR (time = ${after.time} AND id < ${after.id}))`}
        ORDER BY time DESC, id DESC LIMIT ${size}`;
      if (rows.length > 0) yield rows;
      const last = rows[rows.length - 1];
      if (rows.length < size || last === undefined) return;
      after = { time: last.time, id: last.id };
      size = Math.min(size * 4, 4096);
    }
  }

  async getAlert(ctx: AuthContext, id: string): Promise<Alert | undefined> {
    const rows = await this.sql<
      { doc: string }[]
    >`SELECT doc FROM ev_alerts WHERE id = ${id} AND tenant = ${ctx.tenant}`;
    return rows[0] ? (JSON.parse(rows[0].doc) as Alert) : undefined;
  }

  async stats(ctx: AuthContext): Promise<StoreStats> {
    const [b] = await this.sql<
      {
        blocks: number;
        events: number;
        stored: number;
        raw: number;
        days: number;
        tmin: number | null;
        tmax: number | null;
      }[]
    >`
      SELECT count(*) AS blocks, coalesce(sum(count), 0)::int8 AS events, coalesce(sum(stored_bytes), 0)::int8 AS stored,
             coalesce(sum(raw_bytes), 0)::int8 AS raw, count(DISTINCT day)::int8 AS days, min(t_min) AS tmin, max(t_max) AS tmax
      FROM ev_blocks WHERE tenant = ${ctx.tenant}`;
    const [a] = await this.sql<{ n: number }[]>`SELECT count(*) AS n FROM ev_alerts WHERE tenant = ${ctx.tenant}`;
    const [d] = await this.sql<{ n: number }[]>`SELECT count(*) AS n FROM ev_dead_letters WHERE tenant = ${ctx.tenant}`;
    // Blocks search scans whole until `indexPending` derives their terms.
    const [u] = await this.sql<{ n: number }[]>`
      SELECT count(*) AS n FROM ev_blocks b WHERE b.tenant = ${ctx.tenant} AND NOT EXISTS (
        SELECT 1 FROM ev_terms t WHERE t.day = b.day AND t.block = b.id AND t.grp = ${MARKER} AND t.ver = b.ver)`;
    if (!b || !a || !d || !u) throw new AppError('STORAGE', 'stats query returned no row');
    return {
      events: b.events,
      blocks: b.blocks,
      storedBytes: b.stored,
      rawBytes: b.raw,
      days: b.days,
      alerts: a.n,
      deadLetters: d.n,
      unindexedBlocks: u.n,
      ...(b.tmin === null ? {} : { tMin: b.tmin }),
      ...(b.tmax === null ? {} : { tMax: b.tmax }),
    };
  }
}
