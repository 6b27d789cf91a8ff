/**
 * @module
 * PostgreSQL implementation of the case store, over the synchronous bridge (`SyncPg` of
 * `@intersoc/storage/postgres`), so `CaseService` runs on it unchanged. Same tables as SQLite
 * (migration step 5, `intersoc db migrate`), same statements in `$n` placeholders; the shared
 * suite (`internal/testing.ts`) runs on both.
 *
 * One difference SQLite's single writer hid: two processes numbering a tenant's cases at once
 * (`nextNumber` then `put`) can pick the same number; the `(tenant, number)` key refuses the
 * second `put` with `STORAGE` (SQLSTATE 23505) rather than storing two `#12`.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import type { SqlParam, SyncPg } from '@intersoc/storage/postgres';
import type { TaskTemplate } from '../cases/templates.js';
import type { Case, CaseAttachment, CaseHistoryEntry } from '../cases/types.js';
import { decodeCursor, encodeCursor, likePattern, searchText } from './case-rows.js';
import type { CasePage, CasePartKinds, CaseQuery, CaseStore } from './types.js';

/** The case store on PostgreSQL. */
export class PgCaseStore implements CaseStore {
  readonly #pg: SyncPg;
  #seq = 0;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg) {
    this.#pg = pg;
  }

  nextNumber(ctx: AuthContext): number {
    const [r] = this.#pg.query<{ n: number | null }>('SELECT max(number) AS n FROM cases WHERE tenant = $1', [
      ctx.tenant,
    ]);
    return (r?.n ?? 0) + 1;
  }

  put(ctx: AuthContext, c: Case): void {
    if (c.tenant !== ctx.tenant) throw new AppError('FORBIDDEN', 'case of another tenant');
    this.#pg.run(
      `INSERT INTO cases (tenant, id, number, status, assignee, significant, created, updated, search, doc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (tenant, id) DO UPDATE SET status = excluded.status, assignee = excluded.assignee,
         significant = excluded.significant, updated = excluded.updated, search = excluded.search, doc = excluded.doc`,
      [
        ctx.tenant,
        c.id,
        c.number,
        c.status,
        c.assignee ?? null,
        c.significant,
        c.created,
        c.updated,
        searchText(c),
        JSON.stringify(c),
      ],
    );
  }

  get(ctx: AuthContext, id: string): Case | undefined {
    const [r] = this.#pg.query<{ doc: string }>('SELECT doc FROM cases WHERE tenant = $1 AND id = $2', [
      ctx.tenant,
      id,
    ]);
    return r ? (JSON.parse(r.doc) as Case) : undefined;
  }

  list(ctx: AuthContext, q: CaseQuery = {}): CasePage {
    const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? 100)), 1000);
    const args: SqlParam[] = [ctx.tenant];
    const where = ['tenant = $1'];
    const add = (values: readonly SqlParam[]): string[] =>
      values.map((v) => {
        args.push(v);
        return `$${args.length}`;
      });
    if (q.statuses && q.statuses.length > 0) where.push(`status IN (${add(q.statuses).join(', ')})`);
    if (q.assignee !== undefined) where.push(`assignee = ${add([q.assignee]).join('')}`);
    // Severity and TLP live in the document, as on SQLite (json_extract there).
    for (const [field, values] of [
      ['severity', q.severities],
      ['tlp', q.tlps],
    ] as const) {
      if (values && values.length > 0) where.push(`(doc::jsonb ->> '${field}') IN (${add(values).join(', ')})`);
    }
    if (q.significant !== undefined) where.push(`significant = ${add([q.significant]).join('')}`);
    if (q.q !== undefined && q.q.trim() !== '')
      where.push(`search LIKE ${add([likePattern(q.q)]).join('')} ESCAPE '\\'`);
    if (q.cursor !== undefined) {
      const [t, id] = decodeCursor(q.cursor);
      const [a, b] = add([t, id]);
      where.push(`(created < ${a} OR (created = ${a} AND id < ${b}))`);
    }
    const rows = this.#pg.query<{ id: string; created: number; doc: string }>(
      `SELECT id, created, doc FROM cases WHERE ${where.join(' AND ')}
       ORDER BY created DESC, id DESC LIMIT ${add([limit + 1]).join('')}`,
      args,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => JSON.parse(r.doc) as Case),
      ...(rows.length > limit && last ? { nextCursor: encodeCursor(last.created, last.id) } : {}),
    };
  }

  /**
   * Cases of every tenant written at or after `since`, oldest change first, up to `limit`:
   * node-internal (the `respond` role's trigger scan), so no caller context.
   */
  changedSince(since: number, limit = 500): { tenant: string; id: string; updated: number }[] {
    return this.#pg.query<{ tenant: string; id: string; updated: number }>(
      'SELECT tenant, id, updated FROM cases WHERE updated >= $1 ORDER BY updated, tenant, id LIMIT $2',
      [since, limit],
    );
  }

  all(ctx: AuthContext, since = Number.MIN_SAFE_INTEGER): readonly Case[] {
    return this.#pg
      .query<{ doc: string }>('SELECT doc FROM cases WHERE tenant = $1 AND updated >= $2 ORDER BY created, id', [
        ctx.tenant,
        since,
      ])
      .map((r) => JSON.parse(r.doc) as Case);
  }

  parts<K extends keyof CasePartKinds>(ctx: AuthContext, caseId: string, kind: K): CasePartKinds[K][] {
    return this.#pg
      .query<{ doc: string }>(
        'SELECT doc FROM case_parts WHERE tenant = $1 AND case_id = $2 AND kind = $3 ORDER BY seq, id',
        [ctx.tenant, caseId, kind],
      )
      .map((r) => JSON.parse(r.doc) as CasePartKinds[K]);
  }

  part<K extends keyof CasePartKinds>(
    ctx: AuthContext,
    caseId: string,
    kind: K,
    id: string,
  ): CasePartKinds[K] | undefined {
    const [r] = this.#pg.query<{ doc: string }>(
      'SELECT doc FROM case_parts WHERE tenant = $1 AND case_id = $2 AND kind = $3 AND id = $4',
      [ctx.tenant, caseId, kind, id],
    );
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
    this.#pg.run(
      `INSERT INTO case_parts (tenant, case_id, kind, id, seq, doc) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant, case_id, kind, id) DO UPDATE SET doc = excluded.doc`,
      [ctx.tenant, caseId, kind, id, Date.now() * 1000 + (this.#seq++ % 1000), JSON.stringify(doc)],
    );
  }

  deletePart(ctx: AuthContext, caseId: string, kind: keyof CasePartKinds, id: string): boolean {
    return (
      this.#pg.run('DELETE FROM case_parts WHERE tenant = $1 AND case_id = $2 AND kind = $3 AND id = $4', [
        ctx.tenant,
        caseId,
        kind,
        id,
      ]) > 0
    );
  }

  putAttachment(ctx: AuthContext, meta: CaseAttachment, data: Buffer): void {
    this.#pg.run(
      `INSERT INTO case_attachments (tenant, case_id, id, meta, data) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant, case_id, id) DO UPDATE SET meta = excluded.meta, data = excluded.data`,
      [ctx.tenant, meta.caseId, meta.id, JSON.stringify(meta), data],
    );
  }

  attachments(ctx: AuthContext, caseId: string): CaseAttachment[] {
    return this.#pg
      .query<{ meta: string }>('SELECT meta FROM case_attachments WHERE tenant = $1 AND case_id = $2', [
        ctx.tenant,
        caseId,
      ])
      .map((r) => JSON.parse(r.meta) as CaseAttachment)
      .sort((a, b) => a.created - b.created);
  }

  attachment(ctx: AuthContext, caseId: string, id: string): { meta: CaseAttachment; data: Buffer } | undefined {
    const [r] = this.#pg.query<{ meta: string; data: Uint8Array }>(
      'SELECT meta, data FROM case_attachments WHERE tenant = $1 AND case_id = $2 AND id = $3',
      [ctx.tenant, caseId, id],
    );
    // Bytes come back from the bridge's thread as a Uint8Array (structured clone).
    return r
      ? {
          meta: JSON.parse(r.meta) as CaseAttachment,
          data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength),
        }
      : undefined;
  }

  appendHistory(ctx: AuthContext, e: Omit<CaseHistoryEntry, 'seq'>): void {
    this.#pg.run(
      'INSERT INTO case_history (tenant, case_id, time, actor, action, detail) VALUES ($1, $2, $3, $4, $5, $6)',
      [ctx.tenant, e.caseId, e.time, e.actor, e.action, JSON.stringify(e.detail)],
    );
  }

  history(ctx: AuthContext, caseId: string): CaseHistoryEntry[] {
    return this.#pg
      .query<{ seq: number; case_id: string; time: number; actor: string; action: string; detail: string }>(
        'SELECT seq, case_id, time, actor, action, detail FROM case_history WHERE tenant = $1 AND case_id = $2 ORDER BY seq',
        [ctx.tenant, caseId],
      )
      .map((r) => ({
        seq: r.seq,
        caseId: r.case_id,
        time: r.time,
        actor: r.actor,
        action: r.action,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
      }));
  }

  templates(ctx: AuthContext): TaskTemplate[] {
    return this.#pg
      .query<{ doc: string }>('SELECT doc FROM case_templates WHERE tenant = $1 ORDER BY key', [ctx.tenant])
      .map((r) => JSON.parse(r.doc) as TaskTemplate);
  }

  putTemplate(ctx: AuthContext, t: TaskTemplate): void {
    this.#pg.run(
      `INSERT INTO case_templates (tenant, key, doc) VALUES ($1, $2, $3)
       ON CONFLICT (tenant, key) DO UPDATE SET doc = excluded.doc`,
      [ctx.tenant, t.key, JSON.stringify(t)],
    );
  }

  deleteTemplate(ctx: AuthContext, key: string): boolean {
    return this.#pg.run('DELETE FROM case_templates WHERE tenant = $1 AND key = $2', [ctx.tenant, key]) > 0;
  }
}
