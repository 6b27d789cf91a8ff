/**
 * @module
 * The read side of the event database: search with the query language, cursor pagination,
 * lookups by id, dead letters and statistics. Readers open their own connection; in WAL mode
 * they never block the writer. Every method takes the caller's context and reads only its tenant.
 */
import { AppError, type Alert, type AuthContext, type SocEvent } from '@intersoc/core';
import { checkQueryCost } from '../query/cost.js';
import { compileQuery, type Predicate } from '../query/evaluate.js';
import { parseQuery } from '../query/parse.js';
import { columnarPlan, type ColumnarPlan } from '../query/columnar.js';
import { indexTerms, qualifier, toFtsMatch } from '../query/prune.js';
import { MAX_TOKEN } from '../query/tokens.js';
import { flattenForQuery } from './alert-doc.js';
import { openDatabase, type SqliteDb } from '../sqlite/database.js';
import type { Statement } from 'better-sqlite3';
import type { QueryNode } from '../query/ast.js';
import { BlockCache, DEFAULT_CACHE_BYTES } from './block-cache.js';
import { ColumnReader, isColumnField, type ColumnMeta } from './columns.js';
import type { BlockEvent } from './block.js';
import { GROUP_EVENTS, INDEXED_QUALIFIED, MAX_GROUPS } from './terms.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { hydrateEvent } from './hydrate.js';
import { eventDoc, idsOf } from './event-doc.js';
import { idTable, migrateEvents } from './schema.js';
import type { DeadLetterView, EventHydrator, EventReader, SearchPage, SearchRequest, StoreStats } from './types.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
/** Blocks decoded per search call before it returns a partial page with a cursor. */
const BLOCK_BUDGET = 4_000;
/** Dictionary terms a wildcard may expand to; beyond this the wildcard does not prune. */
const MAX_EXPANSION = 4_000;
/** Shortest literal run of a wildcard worth expanding over the dictionary. */
const MIN_INFIX = 3;

/** The longest run of token characters of a wildcard pattern (lower case): a match's value holds it inside one token. */
function longestRun(pattern: string): string {
  let run = '';
  for (const m of pattern.toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)) if (m[0].length > run.length) run = m[0];
  return run;
}

/** A block's metadata: search walks these and loads a payload only for blocks it scans. */
export interface BlockMeta {
  id: number;
  t_min: number;
  t_max: number;
  count: number;
  raw_bytes: number;
  ver: number;
  indexed: number;
}

interface BlockRow {
  codec: number;
  data: Uint8Array;
}

/** Where a query's matches can be, block by block. */
export interface Candidates {
  /** False when the block cannot hold a match. */
  block(b: BlockMeta): boolean;
  /** A test of event positions in the block, or undefined to evaluate every event. */
  events(b: BlockMeta): ((i: number) => boolean) | undefined;
}

/** A block's matches decided on its columns: event times and matching positions in block order. */
export interface ColumnMatches {
  readonly times: Float64Array;
  readonly positions: readonly number[];
}

/** No narrowing: every block and event is evaluated. */
const ALL: Candidates = { block: () => true, events: () => undefined };

/** Columns of `BlockMeta`, for queries over `blocks`. */
export const BLOCK_META = 'id, t_min, t_max, count, raw_bytes, ver, indexed';

/** Opens the event database for reading (creating the schema if the file is new). */
export function openEventReader(file: string, hydrator: EventHydrator): SqliteEventReader {
  const db = openDatabase(file);
  migrateEvents(db);
  return new SqliteEventReader(db, hydrator);
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new AppError('VALIDATION', 'limit must be a positive integer');
  return Math.min(limit, MAX_LIMIT);
}

/** SQLite implementation of the read side. */
export class SqliteEventReader implements EventReader {
  /** Decoded blocks shared by searches, histograms and lookups of this reader. */
  readonly cache: BlockCache;
  /** Blocks' columns of the most filtered fields and of event times. */
  readonly columns: ColumnReader;
  private readonly payload: Statement;
  private vocab: Statement | undefined;

  constructor(
    readonly db: SqliteDb,
    private readonly hydrator: EventHydrator,
    cacheBytes = DEFAULT_CACHE_BYTES,
  ) {
    this.cache = new BlockCache(cacheBytes);
    this.payload = db.prepare('SELECT codec, data FROM blocks WHERE id = ?');
    this.columns = new ColumnReader(db);
  }

  /**
   * The positions of a block's events in [from, to] that `plan` matches (and `keep` allows),
   * decided on the block's columns without decoding it; null when its zone maps rule every event
   * out; undefined when the block has no current columns for the plan's fields.
   */
  columnMatches(
    b: BlockMeta,
    plan: ColumnarPlan,
    keep: ((i: number) => boolean) | undefined,
    from: number,
    to: number,
  ): ColumnMatches | null | undefined {
    const metas = this.columns.metas(b.id, b.ver);
    if (metas === undefined) return undefined;
    for (const f of plan.fields) if (!metas.has(f)) return undefined;
    if (!plan.mayMatch((f) => metas.get(f))) return null;
    const times = this.columns.times(b.id, b.ver);
    if (times === undefined || times.length !== b.count) return undefined;
    const test = plan.bind((f) => this.columns.column(b.id, b.ver, f));
    const positions: number[] = [];
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      if (t < from || t > to) continue;
      if (keep !== undefined && !keep(i)) continue;
      if (test(i)) positions.push(i);
    }
    return { times, positions };
  }

  /**
   * The tokens of `field` in the group term dictionary that a wildcard value can hold: a value
   * matching `*whoami*` has a token containing `whoami` (a run of token characters lies inside one
   * token). Only for fields with columns, whose `long` flag tells the blocks where a token too long
   * for the index could hold the run (those blocks are not pruned).
   */
  private expandWildcard(field: string, pattern: string): string[] | undefined {
    if (!isColumnField(field) || pattern.includes('\\')) return undefined;
    const run = longestRun(pattern);
    if (run.length < MIN_INFIX || run.length > MAX_TOKEN) return undefined;
    if (this.vocab === undefined) {
      this.db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.isoc_group_vocab USING fts5vocab(main, group_terms, row)');
      this.vocab = this.db.prepare('SELECT term FROM temp.isoc_group_vocab WHERE term >= ? AND term < ?').pluck();
    }
    const q = qualifier(field);
    // Every term starting with the qualifier (which ends in `_`) sorts below the qualifier with a backquote.
    const out: string[] = [];
    for (const term of this.vocab.iterate(q, `${q.slice(0, -1)}\``) as IterableIterator<string>) {
      const t = term.slice(q.length);
      if (!t.includes(run)) continue;
      if (out.length >= MAX_EXPANSION) return undefined;
      out.push(t);
    }
    return out;
  }

  /** The stored events of a block (from the cache when it holds this version). */
  blockEvents(b: BlockMeta): readonly BlockEvent[] {
    return this.cache.get(
      b.id,
      `${b.ver}:${b.count}:${b.raw_bytes}:${b.t_max}`,
      b.raw_bytes,
      () => this.payload.get(b.id) as BlockRow | undefined,
    );
  }

  /**
   * Where a match of `tree` can be: from the id tables when the query names events by `_id`
   * (exact positions), from the block and group term indexes otherwise.
   */
  candidates(tenant: string, tree: QueryNode): Candidates {
    const ids = idsOf(tree);
    if (ids !== undefined) return this.positionsOfIds(tenant, ids);
    const expanded = new Map<string, readonly string[] | undefined>();
    const expand = (field: string, pattern: string): readonly string[] | undefined => {
      const key = `${field}\0${pattern}`;
      if (!expanded.has(key)) expanded.set(key, this.expandWildcard(field, pattern));
      return expanded.get(key);
    };
    const plan = indexTerms(tree, false, expand);
    if (plan === undefined) return ALL;
    const match = toFtsMatch(plan);
    const matched = this.rowidsMatching('block_terms', match);
    if (matched === undefined) return ALL;
    const blocks = new Set(matched);
    // Expansions come from the qualified group dictionary: blocks without qualified group terms, or
    // where an expanded field holds a token too long for the index that contains the wildcard's
    // literal run (only such a token can match unseen by the dictionary), are not pruned by them.
    const expandedRuns: [field: string, run: string][] = [];
    for (const [key, tokens] of expanded) {
      if (tokens === undefined) continue;
      const [field, pattern] = key.split('\0') as [string, string];
      expandedRuns.push([field, longestRun(pattern)]);
    }
    const unsafeMemo = new Map<number, boolean>();
    const unsafe = (b: BlockMeta): boolean => {
      if (expandedRuns.length === 0) return false;
      let v = unsafeMemo.get(b.id);
      if (v === undefined) unsafeMemo.set(b.id, (v = this.expansionUnsafe(b, expandedRuns)));
      return v;
    };
    // Group documents of blocks indexed = 3 hold field-qualified tokens; of blocks indexed = 2
    // (written before those existed) plain ones only. Each map is built when first needed.
    const byState = new Map<number, Map<number, Set<number>> | undefined>();
    const groupsFor = (state: number): Map<number, Set<number>> | undefined => {
      if (byState.has(state)) return byState.get(state);
      const p = state === INDEXED_QUALIFIED ? indexTerms(tree, true, expand) : plan;
      const rowids = p === undefined ? undefined : this.rowidsMatching('group_terms', toFtsMatch(p));
      let map: Map<number, Set<number>> | undefined;
      if (rowids !== undefined) {
        map = new Map();
        for (const rowid of rowids) {
          const block = Math.floor(rowid / MAX_GROUPS);
          let set = map.get(block);
          if (!set) map.set(block, (set = new Set()));
          set.add(rowid % MAX_GROUPS);
        }
      }
      byState.set(state, map);
      return map;
    };
    return {
      // Blocks without terms (indexed = 0) may hold anything; group terms exist when indexed >= 2.
      block: (b) => b.indexed === 0 || blocks.has(b.id) || unsafe(b),
      events: (b) => {
        if (unsafe(b)) return undefined;
        const groups = b.indexed >= 2 ? groupsFor(b.indexed) : undefined;
        if (groups === undefined) return undefined;
        const set = groups.get(b.id);
        return (i) => set !== undefined && set.has(Math.floor(i / GROUP_EVENTS));
      },
    };
  }

  /**
   * True when a wildcard expansion over the dictionary may miss a match in block `b`: the block
   * lacks qualified group terms or current columns, or an expanded field holds an over-long token
   * containing the wildcard's literal run (or was indexed before those tokens were kept).
   */
  private expansionUnsafe(b: BlockMeta, runs: readonly (readonly [string, string])[]): boolean {
    if (b.indexed !== INDEXED_QUALIFIED) return true;
    const metas: Map<string, ColumnMeta> | undefined = this.columns.metas(b.id, b.ver);
    if (metas === undefined) return true;
    for (const [field, run] of runs) {
      const long = metas.get(field)?.long;
      if (long === false) continue;
      if (long === undefined) return true;
      const tokens = this.columns.longTokens(b.id, b.ver, field);
      if (tokens === undefined || tokens.some((t) => t.includes(run))) return true;
    }
    return false;
  }

  /** Positions of the given event ids, through each partition's id table (no scan). */
  private positionsOfIds(tenant: string, ids: readonly string[]): Candidates {
    const at = new Map<number, Set<number>>();
    const days = this.db.prepare('SELECT day FROM partitions WHERE tenant = ?').all(tenant) as { day: number }[];
    for (const { day } of days) {
      const st = this.db.prepare(`SELECT block, seq FROM ${idTable(tenant, day)} WHERE id = ?`);
      for (const id of ids) {
        const hit = st.get(Buffer.from(id, 'hex')) as { block: number; seq: number } | undefined;
        if (!hit) continue;
        let set = at.get(hit.block);
        if (!set) at.set(hit.block, (set = new Set()));
        set.add(hit.seq);
      }
    }
    return {
      block: (b) => at.has(b.id),
      events: (b) => {
        const set = at.get(b.id);
        return (i) => set !== undefined && set.has(i);
      },
    };
  }

  /** Builds a full event from a stored one. */
  toEvent(tenant: string, b: BlockEvent): SocEvent {
    return hydrateEvent(this.hydrator, tenant, b);
  }

  searchEvents(ctx: AuthContext, req: SearchRequest): SearchPage<SocEvent> {
    const limit = clampLimit(req.limit);
    const tree = parseQuery(req.q);
    if (req.limits) checkQueryCost(tree, req.limits, { from: req.from, to: req.to, now: Date.now() });
    const pred: Predicate = compileQuery(tree);
    const from = req.from ?? Number.MIN_SAFE_INTEGER;
    const to = req.to ?? Number.MAX_SAFE_INTEGER;
    const cur = req.cursor === undefined ? undefined : decodeCursor(req.cursor);
    const cand = this.candidates(ctx.tenant, tree);
    // Queries on columned fields only are decided on the columns: a block is decoded only for
    // the events it returns.
    const plan = tree.type === 'all' ? undefined : columnarPlan(tree, isColumnField);
    // Metadata only: payloads are loaded for the blocks that survive time and term pruning.
    const rows = this.db
      .prepare(
        `SELECT ${BLOCK_META} FROM blocks
         WHERE tenant = ? AND t_max >= ? AND t_min <= ? AND (t_max < ? OR (t_max = ? AND id <= ?))
         ORDER BY t_max DESC, id DESC`,
      )
      .iterate(
        ctx.tenant,
        from,
        to,
        cur?.tMax ?? Number.MAX_SAFE_INTEGER,
        cur?.tMax ?? Number.MAX_SAFE_INTEGER,
        cur?.block ?? Number.MAX_SAFE_INTEGER,
      ) as IterableIterator<BlockMeta>;

    const items: SocEvent[] = [];
    let scannedBlocks = 0;
    let decodedBlocks = 0;
    let scannedEvents = 0;
    let prunedBlocks = 0;
    let next: string | undefined;
    let timedOut = false;
    for (const row of rows) {
      if (!cand.block(row)) {
        prunedBlocks++;
        continue;
      }
      // At least one block per call, so paging through a slow query always progresses.
      timedOut = scannedBlocks > 0 && req.deadline !== undefined && Date.now() > req.deadline;
      // The budget bounds decoded blocks; a block decided on its columns costs a small fraction.
      if (decodedBlocks >= BLOCK_BUDGET || timedOut) {
        // Bounded work per call: hand back what we have and where to resume.
        next = encodeCursor({ tMax: row.t_max, block: row.id, skip: 0 });
        break;
      }
      const keep = cand.events(row);
      const byColumns = plan === undefined ? undefined : this.columnMatches(row, plan, keep, from, to);
      if (byColumns === null) {
        prunedBlocks++;
        continue;
      }
      scannedBlocks++;
      // Matches decided on columns are re-parsed only when they make the page (`e` unset).
      const matches: { b: BlockEvent; e?: SocEvent }[] = [];
      if (byColumns !== undefined) {
        scannedEvents += row.count;
        if (byColumns.positions.length > 0) {
          decodedBlocks++;
          const events = this.blockEvents(row);
          for (const i of byColumns.positions) matches.push({ b: events[i] as BlockEvent });
        }
      } else {
        decodedBlocks++;
        const events = this.blockEvents(row);
        for (let i = 0; i < events.length; i++) {
          const b = events[i] as BlockEvent;
          if (b.time < from || b.time > to) continue;
          scannedEvents++;
          // Events whose group holds none of the query's terms cannot match: no re-parse.
          if (keep !== undefined && !keep(i)) continue;
          const e = this.toEvent(ctx.tenant, b);
          if (pred(eventDoc(e))) matches.push({ b, e });
        }
      }
      matches.sort((x, y) => y.b.time - x.b.time || (x.b.id < y.b.id ? -1 : 1));
      const skip = cur && row.id === cur.block && row.t_max === cur.tMax ? cur.skip : 0;
      const room = limit - items.length;
      const page = matches.slice(skip, skip + room);
      for (const m of page) items.push(m.e ?? this.toEvent(ctx.tenant, m.b));
      if (items.length >= limit) {
        const consumed = skip + page.length;
        // Resume inside this block if it has more matches, otherwise at the next block.
        // Block ids are integers, so `id - 0.5` resumes strictly after this block.
        next =
          consumed < matches.length
            ? encodeCursor({ tMax: row.t_max, block: row.id, skip: consumed })
            : encodeCursor({ tMax: row.t_max, block: row.id - 0.5, skip: 0 });
        break;
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

  /** Rowids of an FTS5 term table matching an expression; undefined when FTS5 rejects it. */
  private rowidsMatching(table: 'block_terms' | 'group_terms', match: string): number[] | undefined {
    try {
      return (
        this.db.prepare(`SELECT rowid AS id FROM ${table} WHERE ${table} MATCH ?`).all(match) as { id: number }[]
      ).map((r) => r.id);
    } catch {
      // A term FTS5 cannot parse just disables pruning; the scan stays exact.
      return undefined;
    }
  }

  getEvent(ctx: AuthContext, id: string): SocEvent | undefined {
    if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
    const key = Buffer.from(id, 'hex');
    const days = this.db.prepare('SELECT day FROM partitions WHERE tenant = ? ORDER BY day DESC').all(ctx.tenant) as {
      day: number;
    }[];
    for (const { day } of days) {
      const hit = this.db.prepare(`SELECT block, seq FROM ${idTable(ctx.tenant, day)} WHERE id = ?`).get(key) as
        { block: number; seq: number } | undefined;
      if (!hit) continue;
      const meta = this.db
        .prepare(`SELECT ${BLOCK_META} FROM blocks WHERE id = ? AND tenant = ?`)
        .get(hit.block, ctx.tenant) as BlockMeta | undefined;
      const b = meta && this.blockEvents(meta)[hit.seq];
      return b && b.id === id ? this.toEvent(ctx.tenant, b) : undefined;
    }
    return undefined;
  }

  searchAlerts(ctx: AuthContext, req: SearchRequest): SearchPage<Alert> {
    const limit = clampLimit(req.limit);
    const tree = parseQuery(req.q);
    if (req.limits) checkQueryCost(tree, req.limits);
    const pred = compileQuery(tree);
    const cur = req.cursor === undefined ? undefined : decodeCursor(req.cursor);
    const rows = this.db
      .prepare(
        `SELECT id, time, doc FROM alerts WHERE tenant = ? AND time >= ? AND time <= ?
         AND (time < ? OR (time = ? AND id < ?)) ORDER BY time DESC, id DESC`,
      )
      .iterate(
        ctx.tenant,
        req.from ?? Number.MIN_SAFE_INTEGER,
        req.to ?? Number.MAX_SAFE_INTEGER,
        cur?.tMax ?? Number.MAX_SAFE_INTEGER,
        cur?.tMax ?? Number.MAX_SAFE_INTEGER,
        cur?.id ?? '\uffff',
      ) as IterableIterator<{ id: string; time: number; doc: string }>;
    const items: Alert[] = [];
    let last: { id: string; time: number } | undefined;
    let scanned = 0;
    let next: string | undefined;
    let timedOut = false;
    for (const r of rows) {
      if (scanned > 0 && req.deadline !== undefined && Date.now() > req.deadline) {
        // Resume after the last row examined; its time and id order the alerts.
        timedOut = true;
        break;
      }
      scanned++;
      last = r;
      const a = JSON.parse(r.doc) as Alert;
      if (!pred(flattenForQuery(a))) continue;
      items.push(a);
      if (items.length >= limit) {
        next = encodeCursor({ tMax: r.time, block: 0, skip: 0, id: r.id });
        break;
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

  getAlert(ctx: AuthContext, id: string): Alert | undefined {
    const r = this.db.prepare('SELECT doc FROM alerts WHERE id = ? AND tenant = ?').get(id, ctx.tenant) as
      { doc: string } | undefined;
    return r ? (JSON.parse(r.doc) as Alert) : undefined;
  }

  listDeadLetters(ctx: AuthContext, req: { limit?: number; cursor?: string }): SearchPage<DeadLetterView> {
    const limit = clampLimit(req.limit);
    const before = req.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(req.cursor).block;
    const rows = this.db
      .prepare(
        'SELECT id, time, source, reason, raw, offset FROM dead_letters WHERE tenant = ? AND id < ? ORDER BY id DESC LIMIT ?',
      )
      .all(ctx.tenant, before, limit + 1) as {
      id: number;
      time: number;
      source: string;
      reason: string;
      raw: Uint8Array;
      offset: number | null;
    }[];
    const items = rows.slice(0, limit).map((r) => {
      const raw = Buffer.from(r.raw);
      const v: DeadLetterView = {
        id: r.id,
        time: r.time,
        source: JSON.parse(r.source) as DeadLetterView['source'],
        reason: r.reason,
        raw: raw.toString('utf8'),
        rawBase64: raw.toString('base64'),
      };
      return r.offset === null ? v : { ...v, offset: r.offset };
    });
    const last = items[items.length - 1];
    const next = rows.length > limit && last ? encodeCursor({ tMax: 0, block: last.id, skip: 0 }) : undefined;
    return {
      items,
      ...(next === undefined ? {} : { next }),
      scannedBlocks: 0,
      scannedEvents: rows.length,
      prunedBlocks: 0,
    };
  }

  stats(ctx: AuthContext): StoreStats {
    const b = this.db
      .prepare(
        `SELECT COUNT(*) AS blocks, COALESCE(SUM(count), 0) AS events, COALESCE(SUM(length(data)), 0) AS stored,
                COALESCE(SUM(raw_bytes), 0) AS raw, COUNT(DISTINCT day) AS days, MIN(t_min) AS tmin, MAX(t_max) AS tmax,
                COALESCE(SUM(indexed = 0), 0) AS unindexed
         FROM blocks WHERE tenant = ?`,
      )
      .get(ctx.tenant) as {
      blocks: number;
      events: number;
      stored: number;
      raw: number;
      days: number;
      tmin: number | null;
      tmax: number | null;
      unindexed: number;
    };
    const alerts = (
      this.db.prepare('SELECT COUNT(*) AS n FROM alerts WHERE tenant = ?').get(ctx.tenant) as { n: number }
    ).n;
    const dead = (
      this.db.prepare('SELECT COUNT(*) AS n FROM dead_letters WHERE tenant = ?').get(ctx.tenant) as { n: number }
    ).n;
    return {
      events: b.events,
      blocks: b.blocks,
      storedBytes: b.stored,
      rawBytes: b.raw,
      days: b.days,
      alerts,
      deadLetters: dead,
      unindexedBlocks: b.unindexed,
      ...(b.tmin === null ? {} : { tMin: b.tmin }),
      ...(b.tmax === null ? {} : { tMax: b.tmax }),
    };
  }

  close(): void {
    this.db.close();
  }
}
