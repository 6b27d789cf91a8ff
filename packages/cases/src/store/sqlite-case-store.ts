/**
 * @module
 * SQLite implementation of the case store in the node's main database: `cases` (indexed columns
 * plus the JSON document), `case_parts` (tasks, observables, comments and notes as documents),
 * `case_attachments` (metadata and bytes), `case_history` (append-only) and `case_templates`.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import { migrate, type SqliteDb } from '@intersoc/storage';
import type { TaskTemplate } from '../cases/templates.js';
import type { Case, CaseAttachment, CaseHistoryEntry, CaseStatus } from '../cases/types.js';
import { decodeCursor, encodeCursor, likePattern, searchText } from './case-rows.js';
import type { CasePage, CasePartKinds, CaseQuery, CaseStore } from './types.js';

const STEPS = [
  `CREATE TABLE cases (
     tenant TEXT NOT NULL,
     id TEXT NOT NULL,
     number INTEGER NOT NULL,
     status TEXT NOT NULL,
     assignee TEXT,
     significant INTEGER NOT NULL,
     created INTEGER NOT NULL,
     updated INTEGER NOT NULL,
     search TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, id),
     UNIQUE (tenant, number)
   ) WITHOUT ROWID;
   CREATE INDEX cases_by_created ON cases (tenant, created, id);
   CREATE TABLE case_parts (
     tenant TEXT NOT NULL,
     case_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, case_id, kind, id)
   ) WITHOUT ROWID;
   CREATE TABLE case_attachments (
     tenant TEXT NOT NULL,
     case_id TEXT NOT NULL,
     id TEXT NOT NULL,
     meta TEXT NOT NULL,
     data BLOB NOT NULL,
     PRIMARY KEY (tenant, case_id, id)
   ) WITHOUT ROWID;
   CREATE TABLE case_history (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     tenant TEXT NOT NULL,
     case_id TEXT NOT NULL,
     time INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     detail TEXT NOT NULL
   );
   CREATE INDEX case_history_by_case ON case_history (tenant, case_id, seq);
   CREATE TABLE case_templates (
     tenant TEXT NOT NULL,
     key TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, key)
   ) WITHOUT ROWID;`,
];

/** The case store in SQLite. */
export class SqliteCaseStore implements CaseStore {
  private seq = 0;

  constructor(private readonly db: SqliteDb) {
    migrate(db, 'cases', STEPS);
  }

  nextNumber(ctx: AuthContext): number {
    const r = this.db.prepare('SELECT MAX(number) AS n FROM cases WHERE tenant = ?').get(ctx.tenant) as {
      n: number | null;
    };
    return (r.n ?? 0) + 1;
  }

  put(ctx: AuthContext, c: Case): void {
    if (c.tenant !== ctx.tenant) throw new AppError('FORBIDDEN', 'case of another tenant');
    this.db
      .prepare(
        `INSERT INTO cases (tenant, id, number, status, assignee, significant, created, updated, search, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant, id) DO UPDATE SET status = excluded.status, assignee = excluded.assignee,
           significant = excluded.significant, updated = excluded.updated, search = excluded.search, doc = excluded.doc`,
      )
      .run(
        ctx.tenant,
        c.id,
        c.number,
        c.status,
        c.assignee ?? null,
        c.significant ? 1 : 0,
        c.created,
        c.updated,
        searchText(c),
        JSON.stringify(c),
      );
  }

  get(ctx: AuthContext, id: string): Case | undefined {
    const r = this.db.prepare('SELECT doc FROM cases WHERE tenant = ? AND id = ?').get(ctx.tenant, id) as
      { doc: string } | undefined;
    return r ? (JSON.parse(r.doc) as Case) : undefined;
  }

  list(ctx: AuthContext, q: CaseQuery = {}): CasePage {
    const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? 100)), 1000);
    const where = ['tenant = ?'];
    const args: (string | number)[] = [ctx.tenant];
    if (q.statuses && q.statuses.length > 0) {
      where.push(`status IN (${q.statuses.map(() => '?').join(', ')})`);
      args.push(...(q.statuses as CaseStatus[]));
    }
    if (q.assignee !== undefined) {
      where.push('assignee = ?');
      args.push(q.assignee);
    }
    // Severity and TLP live in the document: a case list is small enough to filter there.
    for (const [field, values] of [
      ['severity', q.severities],
      ['tlp', q.tlps],
    ] as const) {
      if (values && values.length > 0) {
        where.push(`json_extract(doc, '$.${field}') IN (${values.map(() => '?').join(', ')})`);
        args.push(...values);
      }
    }
    if (q.significant !== undefined) {
      where.push('significant = ?');
      args.push(q.significant ? 1 : 0);
    }
    if (q.q !== undefined && q.q.trim() !== '') {
      where.push("search LIKE ? ESCAPE '\\'");
      args.push(likePattern(q.q));
    }
    if (q.cursor !== undefined) {
      const [t, id] = decodeCursor(q.cursor);
      where.push('(created < ? OR (created = ? AND id < ?))');
      args.push(t, t, id);
    }
    const rows = this.db
      .prepare(`SELECT id, created, doc FROM cases WHERE ${where.join(' AND ')} ORDER BY created DESC, id DESC LIMIT ?`)
      .all(...args, limit + 1) as { id: string; created: number; doc: string }[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => JSON.parse(r.doc) as Case),
      ...(rows.length > limit && last ? { nextCursor: encodeCursor(last.created, last.id) } : {}),
    };
  }

  all(ctx: AuthContext, since = Number.MIN_SAFE_INTEGER): readonly Case[] {
    return (
      this.db
        .prepare('SELECT doc FROM cases WHERE tenant = ? AND updated >= ? ORDER BY created, id')
        .all(ctx.tenant, since) as { doc: string }[]
    ).map((r) => JSON.parse(r.doc) as Case);
  }

  parts<K extends keyof CasePartKinds>(ctx: AuthContext, caseId: string, kind: K): CasePartKinds[K][] {
    return (
      this.db
        .prepare('SELECT doc FROM case_parts WHERE tenant = ? AND case_id = ? AND kind = ? ORDER BY seq, id')
        .all(ctx.tenant, caseId, kind) as { doc: string }[]
    ).map((r) => JSON.parse(r.doc) as CasePartKinds[K]);
  }

  part<K extends keyof CasePartKinds>(
    ctx: AuthContext,
    caseId: string,
    kind: K,
    id: string,
  ): CasePartKinds[K] | undefined {
    const r = this.db
      .prepare('SELECT doc FROM case_parts WHERE tenant = ? AND case_id = ? AND kind = ? AND id = ?')
      .get(ctx.tenant, caseId, kind, id) as { doc: string } | undefined;
    return r ? (JSON.parse(r.doc) as CasePartKinds[K]) : undefined;
  }

  putPart<K extends keyof CasePartKinds>(
    ctx: AuthContext,
    caseId: string,
    kind: K,
    id: string,
    doc: CasePartKinds[K],
  ): void {
    // Insertion order is kept: the first write fixes the position, later writes keep it.
    this.db
      .prepare(
        `INSERT INTO case_parts (tenant, case_id, kind, id, seq, doc) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant, case_id, kind, id) DO UPDATE SET doc = excluded.doc`,
      )
      .run(ctx.tenant, caseId, kind, id, Date.now() * 1000 + (this.seq++ % 1000), JSON.stringify(doc));
  }

  deletePart(ctx: AuthContext, caseId: string, kind: keyof CasePartKinds, id: string): boolean {
    return (
      this.db
        .prepare('DELETE FROM case_parts WHERE tenant = ? AND case_id = ? AND kind = ? AND id = ?')
        .run(ctx.tenant, caseId, kind, id).changes > 0
    );
  }

  putAttachment(ctx: AuthContext, meta: CaseAttachment, data: Buffer): void {
    this.db
      .prepare('INSERT OR REPLACE INTO case_attachments (tenant, case_id, id, meta, data) VALUES (?, ?, ?, ?, ?)')
      .run(ctx.tenant, meta.caseId, meta.id, JSON.stringify(meta), data);
  }

  attachments(ctx: AuthContext, caseId: string): CaseAttachment[] {
    return (
      this.db.prepare('SELECT meta FROM case_attachments WHERE tenant = ? AND case_id = ?').all(ctx.tenant, caseId) as {
        meta: string;
      }[]
    )
      .map((r) => JSON.parse(r.meta) as CaseAttachment)
      .sort((a, b) => a.created - b.created);
  }

  attachment(ctx: AuthContext, caseId: string, id: string): { meta: CaseAttachment; data: Buffer } | undefined {
    const r = this.db
      .prepare('SELECT meta, data FROM case_attachments WHERE tenant = ? AND case_id = ? AND id = ?')
      .get(ctx.tenant, caseId, id) as { meta: string; data: Buffer } | undefined;
    return r ? { meta: JSON.parse(r.meta) as CaseAttachment, data: r.data } : undefined;
  }

  appendHistory(ctx: AuthContext, e: Omit<CaseHistoryEntry, 'seq'>): void {
    this.db
      .prepare('INSERT INTO case_history (tenant, case_id, time, actor, action, detail) VALUES (?, ?, ?, ?, ?, ?)')
      .run(ctx.tenant, e.caseId, e.time, e.actor, e.action, JSON.stringify(e.detail));
  }

  history(ctx: AuthContext, caseId: string): CaseHistoryEntry[] {
    return (
      this.db
        .prepare(
          'SELECT seq, case_id, time, actor, action, detail FROM case_history WHERE tenant = ? AND case_id = ? ORDER BY seq',
        )
        .all(ctx.tenant, caseId) as {
        seq: number;
        case_id: string;
        time: number;
        actor: string;
        action: string;
        detail: string;
      }[]
    ).map((r) => ({
      seq: r.seq,
      caseId: r.case_id,
      time: r.time,
      actor: r.actor,
      action: r.action,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }

  templates(ctx: AuthContext): TaskTemplate[] {
    return (
      this.db.prepare('SELECT doc FROM case_templates WHERE tenant = ? ORDER BY key').all(ctx.tenant) as {
        doc: string;
      }[]
    ).map((r) => JSON.parse(r.doc) as TaskTemplate);
  }

  putTemplate(ctx: AuthContext, t: TaskTemplate): void {
    this.db
      .prepare('INSERT OR REPLACE INTO case_templates (tenant, key, doc) VALUES (?, ?, ?)')
      .run(ctx.tenant, t.key, JSON.stringify(t));
  }

  deleteTemplate(ctx: AuthContext, key: string): boolean {
    return this.db.prepare('DELETE FROM case_templates WHERE tenant = ? AND key = ?').run(ctx.tenant, key).changes > 0;
  }
}
