/**
 * @module
 * The term index of the PostgreSQL event store (`ev_terms`, migration step 23, see
 * `domains/event-terms-schema.ts`): per block, a marker row holding the block's document (its
 * plain tokens, as SQLite's `block_terms`) under a partial GIN index, and per group of
 * `GROUP_EVENTS` events a `tsvector` of the group's plain and field-qualified tokens (as SQLite's
 * `group_terms`), not indexed: read by primary key for the blocks whose document matches.
 *
 * Soundness rule, as on SQLite: a block is pruned only when its marker row carries the block's
 * current `ver` and its document, or every group row of that `ver`, misses the query's term plan. A missing or stale
 * marker (a block written without terms, with duplicates dropped, rewritten, or written before the
 * index existed) means "scan"; `indexPendingBlocks` derives its rows from the stored records.
 */
import { decodeBlock } from '../events/block.js';
import type { BlockEvent, EncodedBlock } from '../events/block-format.js';
import { addEventTerms, groupDoc, GROUP_EVENTS, type QualifiedTokens } from '../events/terms.js';
import type { EventHydrator } from '../events/types.js';
import type { TermPlan } from '../query/prune.js';
import type { PgSql, PgTx } from './connect.js';
import type { DayPartitions } from './partitions.js';

/**
 * Largest group document (UTF-8 bytes) written as a `tsvector`, whose lexemes may total at most
 * 1 MiB - 1. A block with a larger group gets an open marker (never pruned) instead of failing
 * its write.
 */
const MAX_DOC_BYTES = 1_000_000;
/** Text bytes of term documents per insert statement. */
const INSERT_BYTES = 8 << 20;

/** `grp` of a block's marker row. */
export const MARKER = -1;

/** A block's term documents: its plain tokens, and each group's plain and qualified tokens. */
export interface TermDocs {
  readonly block: string;
  readonly groups: readonly string[];
}

/** The term rows of one block version. `docs` undefined: an open marker (scan the block). */
export interface BlockTermRows {
  readonly day: number;
  readonly block: number;
  readonly ver: number;
  readonly docs: TermDocs | undefined;
}

/** The rows of a block whose term documents came with it (undefined when it has none). */
export function termRowsOf(id: number, b: EncodedBlock): BlockTermRows | undefined {
  const { terms, groups } = b;
  if (terms === undefined || groups === undefined || groups.length !== Math.ceil(b.count / GROUP_EVENTS)) {
    return undefined;
  }
  return { day: b.day, block: id, ver: 0, docs: fitting({ block: terms, groups }) };
}

const fits = (doc: string): boolean => doc.length < MAX_DOC_BYTES / 4 || Buffer.byteLength(doc) < MAX_DOC_BYTES;

function fitting(docs: TermDocs): TermDocs | undefined {
  return fits(docs.block) && docs.groups.every(fits) ? docs : undefined;
}

/** Term documents of stored events, re-derived with the hydrator (no cap on the group count). */
export function termDocsOf(events: readonly BlockEvent[], hydrator: EventHydrator): TermDocs {
  const all = new Set<string>();
  const groups: string[] = [];
  let plain = new Set<string>();
  let qualified: QualifiedTokens = new Map();
  events.forEach((e, i) => {
    addEventTerms(hydrator.hydrate(e), plain, qualified);
    if ((i + 1) % GROUP_EVENTS === 0 || i === events.length - 1) {
      for (const t of plain) all.add(t);
      groups.push(groupDoc(plain, qualified));
      plain = new Set();
      qualified = new Map();
    }
  });
  return { block: Array.from(all).join(' '), groups };
}

/**
 * Inserts term rows in `tx`. Rows of another version of the same block are replaced (a
 * re-index after a rewrite); a concurrent indexer's identical rows are kept.
 */
export async function insertTermRows(tx: PgTx, rows: readonly BlockTermRows[]): Promise<void> {
  let day: number[] = [];
  let block: number[] = [];
  let grp: number[] = [];
  let ver: number[] = [];
  // 0/1 rather than booleans: the driver does not type a boolean array parameter.
  let open: number[] = [];
  let doc: string[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (day.length === 0) return;
    // array_to_tsvector keeps lexemes as they are (no parser, no stemming): the index holds exactly
    // the tokens of `events/terms.ts`, and tsquery literals match them exactly.
    await tx`
      INSERT INTO ev_terms (day, block, grp, ver, terms)
      SELECT u.day, u.block, u.grp, u.ver,
             CASE WHEN u.open = 1 THEN NULL ELSE array_to_tsvector(array_remove(string_to_array(u.doc, ' '), '')) END
      FROM unnest(${day}::int4[], ${block}::int8[], ${grp}::int4[], ${ver}::int4[], ${open}::int4[], ${doc}::text[])
        AS u(day, block, grp, ver, open, doc)
      ON CONFLICT (day, block, grp) DO UPDATE SET ver = excluded.ver, terms = excluded.terms
        WHERE ev_terms.ver <> excluded.ver`;
    day = [];
    block = [];
    grp = [];
    ver = [];
    open = [];
    doc = [];
    bytes = 0;
  };
  const push = (r: BlockTermRows, g: number, isOpen: boolean, text: string): void => {
    day.push(r.day);
    block.push(r.block);
    grp.push(g);
    ver.push(r.ver);
    open.push(isOpen ? 1 : 0);
    doc.push(text);
    bytes += text.length;
  };
  for (const r of rows) {
    push(r, MARKER, r.docs === undefined, r.docs?.block ?? '');
    r.docs?.groups.forEach((g, i) => push(r, i, false, g));
    if (bytes >= INSERT_BYTES) await flush();
  }
  await flush();
}

/**
 * Derives the term rows of up to `max` blocks without current ones (written without terms or
 * before the index existed, with duplicates dropped, or rewritten); returns how many it did.
 * Safe with several indexers at once: each writes rows stamped with the version it read, so a
 * block rewritten meanwhile stays "scan" until indexed again.
 */
export async function indexPendingBlocks(
  sql: PgSql,
  days: DayPartitions,
  hydrator: EventHydrator,
  max: number,
): Promise<number> {
  const pending = await sql<{ id: number; day: number; ver: number; codec: number; raw_bytes: number; data: Buffer }[]>`
    SELECT b.id, b.day, b.ver, b.codec, b.raw_bytes, b.data FROM ev_blocks b
    WHERE NOT EXISTS (SELECT 1 FROM ev_terms t
                      WHERE t.day = b.day AND t.block = b.id AND t.grp = ${MARKER} AND t.ver = b.ver)
    LIMIT ${max}`;
  if (pending.length === 0) return 0;
  const rows: BlockTermRows[] = pending.map((b) => ({
    day: b.day,
    block: b.id,
    ver: b.ver,
    docs: fitting(termDocsOf(decodeBlock(b.codec, b.data, b.raw_bytes), hydrator)),
  }));
  // Days whose blocks a writer without the term index created have no `ev_terms` partition yet.
  await days.ensure(rows.map((r) => r.day));
  await sql.begin(async (tx) => {
    await tx`
      DELETE FROM ev_terms t USING unnest(${rows.map((r) => r.day)}::int4[], ${rows.map((r) => r.block)}::int8[],
                                          ${rows.map((r) => r.ver)}::int4[]) AS u(day, block, ver)
      WHERE t.day = u.day AND t.block = u.block AND t.ver <> u.ver`;
    await insertTermRows(tx, rows);
  });
  return rows.length;
}

/** A term plan as a `tsquery` of quoted lexemes (exact, or `:*` for a prefix). */
export function toTsQuery(plan: TermPlan): string {
  if (plan.op === 'term') {
    const lexeme = `'${plan.term.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
    return plan.prefix ? `${lexeme}:*` : lexeme;
  }
  return `(${plan.children.map(toTsQuery).join(plan.op === 'and' ? ' & ' : ' | ')})`;
}

/** What the matches of a page need to know of a block. */
export interface TermMeta {
  readonly id: number;
  readonly day: number;
  readonly ver: number;
  readonly tver: number | null;
  readonly open: boolean;
}

/**
 * The groups matching one query. Blocks come from the GIN index of block documents, a day
 * partition at a time as the search walks into it (a lookup per day, not a read per block); the
 * groups of the matching blocks of a page then by primary key, their tsvectors read and matched
 * against the field-qualified plan. Keyed by block, then version.
 */
export class TermMatches {
  private readonly days = new Set<number>();
  /** Blocks whose document matches, with the version of the matching row. */
  private readonly blocks = new Map<number, Set<number>>();
  private readonly hits = new Map<number, Map<number, Set<number>>>();

  constructor(
    private readonly sql: PgSql,
    private readonly blockQuery: string,
    private readonly groupQuery: string,
  ) {}

  /** Loads the matches of the blocks of `metas` that have a current, prunable marker. */
  async load(metas: readonly TermMeta[]): Promise<void> {
    const current = metas.filter((m) => m.tver === m.ver && !m.open);
    const need = [...new Set(current.map((m) => m.day))].filter((d) => !this.days.has(d));
    if (need.length > 0) {
      const rows = await this.sql.begin(async (tx) => {
        // Once analysed, a day's heap looks tiny (a few hundred rows: the documents are TOASTed), so
        // the planner prefers a sequential scan, which detoasts every block document of the day
        // (measured: a 0-hit AND query went from 31 to 464 ms after ANALYZE). The GIN it is.
        await tx`SET LOCAL enable_seqscan = off`;
        return tx<{ block: number; ver: number }[]>`
          SELECT block, ver FROM ev_terms
          WHERE day = ANY(${need}::int4[]) AND grp = ${MARKER} AND terms @@ ${this.blockQuery}::tsquery`;
      });
      for (const d of need) this.days.add(d);
      for (const r of rows) {
        let vers = this.blocks.get(r.block);
        if (!vers) this.blocks.set(r.block, (vers = new Set()));
        vers.add(r.ver);
      }
    }
    const cands = current.filter((m) => this.blocks.get(m.id)?.has(m.ver) === true && !this.hits.has(m.id));
    if (cands.length === 0) return;
    const rows = await this.sql<{ block: number; grp: number; ver: number }[]>`
      SELECT block, grp, ver FROM ev_terms
      WHERE day = ANY(${[...new Set(cands.map((m) => m.day))]}::int4[]) AND block = ANY(${cands.map((m) => m.id)}::int8[])
        AND grp >= 0 AND terms @@ ${this.groupQuery}::tsquery`;
    for (const m of cands) this.hits.set(m.id, new Map());
    for (const r of rows) {
      const byVer = this.hits.get(r.block);
      if (!byVer) continue;
      let set = byVer.get(r.ver);
      if (!set) byVer.set(r.ver, (set = new Set()));
      set.add(r.grp);
    }
  }

  /** The matching groups of a block version (loaded), or undefined when none matches. */
  groups(block: number, ver: number): Set<number> | undefined {
    const set = this.hits.get(block)?.get(ver);
    return set === undefined || set.size === 0 ? undefined : set;
  }
}
