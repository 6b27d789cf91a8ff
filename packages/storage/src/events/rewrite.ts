/**
 * @module
 * Rewrites stored events, alerts and dead letters in place: the erasure path of data-subject
 * requests (GDPR Art. 17). Each touched block is decoded, its events redacted or dropped, and
 * re-encoded; its term-index document is replaced at once and the index optimised afterwards,
 * so no token of an erased value survives in the index segments. `secure_delete` zeroes the freed
 * pages and the WAL is truncated, so the old bytes are gone from the files too. Only the holder of
 * the writer lock may call this.
 */
import { openDatabase, type SqliteDb } from '../sqlite/database.js';
import { decodeBlock, encodeBlock, type BlockEvent } from './block.js';
import { idTable, migrateEvents } from './schema.js';
import { deleteColumns } from './columns.js';
import { addBlockTerms, GROUP_EVENTS, MAX_GROUPS } from './terms.js';
import type { EventHydrator } from './types.js';
import { MAX_TOKEN, tokensOf } from '../query/tokens.js';

/** How to rewrite: `touches` selects records, `event`/`text` give the new form (or null to drop an event). */
export interface EventRewrite {
  readonly tenant: string;
  /** Values whose tokens a touched block must hold (prunes blocks through the term index). */
  readonly values: readonly string[];
  /** True when a stored text (raw record, context, label, alert or dead letter) must change. */
  touches(text: string): boolean;
  /** The event as it is to be kept, or null to delete it. */
  event(e: BlockEvent): BlockEvent | null;
  /** A text with the values replaced. */
  text(s: string): string;
  /** Event ids to leave as they are (legal hold). */
  readonly keepEvents?: ReadonlySet<string>;
  /** Alert ids to leave as they are (legal hold). */
  readonly keepAlerts?: ReadonlySet<string>;
}

/** What a rewrite changed. */
export interface RewriteOutcome {
  readonly events: number;
  readonly deletedEvents: number;
  readonly blocks: number;
  readonly alerts: number;
  readonly deadLetters: number;
  /** Events and alerts that matched but were kept (legal hold). */
  readonly keptEvents: readonly string[];
  readonly keptAlerts: readonly string[];
}

/** Opens `events.db` and rewrites it (see {@link rewriteEventDb}). */
export function rewriteEvents(file: string, hydrator: EventHydrator, rw: EventRewrite): RewriteOutcome {
  const db = openDatabase(file);
  try {
    migrateEvents(db);
    return rewriteEventDb(db, hydrator, rw);
  } finally {
    db.close();
  }
}

function ftsQuery(values: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const v of values) {
    const toks = tokensOf(v);
    if (toks.length === 0 || toks.some((t) => t.length > MAX_TOKEN)) return undefined;
    parts.push(`(${toks.map((t) => `"${t}"`).join(' AND ')})`);
  }
  return parts.length === 0 ? undefined : parts.join(' OR ');
}

/** Rewrites the blocks, alerts and dead letters of one tenant that mention the values. */
export function rewriteEventDb(db: SqliteDb, hydrator: EventHydrator, rw: EventRewrite): RewriteOutcome {
  db.pragma('secure_delete = ON');
  const q = ftsQuery(rw.values);
  let candidates: { id: number; day: number; codec: number; data: Uint8Array; indexed: number }[];
  const cols = 'id, day, codec, data, indexed';
  if (q === undefined) {
    candidates = db.prepare(`SELECT ${cols} FROM blocks WHERE tenant = ?`).all(rw.tenant) as typeof candidates;
  } else {
    candidates = db
      .prepare(
        `SELECT ${cols} FROM blocks WHERE tenant = ? AND (indexed = 0 OR id IN (SELECT rowid FROM block_terms WHERE block_terms MATCH ?))`,
      )
      .all(rw.tenant, q) as typeof candidates;
  }
  let events = 0;
  let deletedEvents = 0;
  let blocks = 0;
  let alerts = 0;
  let deadLetters = 0;
  const keptEvents: string[] = [];
  const keptAlerts: string[] = [];
  const update = db.prepare(
    'UPDATE blocks SET t_min = ?, t_max = ?, count = ?, raw_bytes = ?, codec = ?, data = ?, indexed = 1, ver = ver + 1 WHERE id = ?',
  );
  const delBlock = db.prepare('DELETE FROM blocks WHERE id = ?');
  const delTerms = db.prepare('DELETE FROM block_terms WHERE rowid = ?');
  const addTerms = db.prepare('INSERT INTO block_terms (rowid, terms) VALUES (?, ?)');
  const delGroup = db.prepare('DELETE FROM group_terms WHERE rowid = ?');
  db.transaction(() => {
    for (const b of candidates) {
      const decoded = decodeBlock(b.codec, b.data);
      const kept: BlockEvent[] = [];
      const dropped: string[] = [];
      let changed = false;
      for (const e of decoded) {
        const hit = rw.touches(e.raw) || rw.touches(e.context ?? '') || rw.touches(e.label ?? '');
        if (!hit) {
          kept.push(e);
          continue;
        }
        if (rw.keepEvents?.has(e.id)) {
          keptEvents.push(e.id);
          kept.push(e);
          continue;
        }
        const next = rw.event(e);
        changed = true;
        if (next === null) {
          dropped.push(e.id);
          deletedEvents++;
        } else {
          kept.push(next);
          events++;
        }
      }
      if (!changed) continue;
      blocks++;
      const ids = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = ?`).get(idTable(rw.tenant, b.day).slice(1, -1))
        ? idTable(rw.tenant, b.day)
        : undefined;
      if (ids) {
        const del = db.prepare(`DELETE FROM ${ids} WHERE id = ?`);
        for (const id of dropped) del.run(Buffer.from(id, 'hex'));
      }
      delTerms.run(b.id);
      // Group terms follow event positions, which change: the block keeps block terms only.
      if (b.indexed >= 2) for (let g = 0; g * GROUP_EVENTS < decoded.length; g++) delGroup.run(b.id * MAX_GROUPS + g);
      if (kept.length === 0) {
        delBlock.run(b.id);
        deleteColumns(db, b.id);
        continue;
      }
      const enc = encodeBlock(rw.tenant, b.day, kept);
      update.run(enc.tMin, enc.tMax, enc.count, enc.rawBytes, enc.codec, enc.data, b.id);
      if (ids && dropped.length > 0) {
        const fix = db.prepare(`UPDATE ${ids} SET seq = ? WHERE id = ? AND block = ?`);
        kept.forEach((e, seq) => fix.run(seq, Buffer.from(e.id, 'hex'), b.id));
      }
      addTerms.run(b.id, addBlockTerms(kept, hydrator).terms);
    }
    const setAlert = db.prepare('UPDATE alerts SET doc = ? WHERE id = ?');
    for (const a of db.prepare('SELECT id, doc FROM alerts WHERE tenant = ?').all(rw.tenant) as Array<{
      id: string;
      doc: string;
    }>) {
      if (!rw.touches(a.doc)) continue;
      if (rw.keepAlerts?.has(a.id)) {
        keptAlerts.push(a.id);
        continue;
      }
      const doc = rw.text(a.doc);
      JSON.parse(doc);
      setAlert.run(doc, a.id);
      alerts++;
    }
    const setDead = db.prepare('UPDATE dead_letters SET raw = ? WHERE id = ?');
    for (const d of db.prepare('SELECT id, raw FROM dead_letters WHERE tenant = ?').all(rw.tenant) as {
      id: number;
      raw: Uint8Array;
    }[]) {
      const text = Buffer.from(d.raw).toString('utf8');
      if (!rw.touches(text)) continue;
      setDead.run(Buffer.from(rw.text(text), 'utf8'), d.id);
      deadLetters++;
    }
  })();
  if (blocks > 0) db.exec("INSERT INTO block_terms (block_terms) VALUES ('optimize')");
  db.pragma('incremental_vacuum');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { events, deletedEvents, blocks, alerts, deadLetters, keptEvents, keptAlerts };
}
