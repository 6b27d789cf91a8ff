/**
 * @module
 * The report store on PostgreSQL (migration step `18-reports`), over the synchronous bridge, so
 * `ReportService` and the node call it exactly as `SqliteReportStore`. Same tables and columns,
 * same rows mapped by `report-rows.ts`, documents and analyses as gzipped JSON in `bytea`.
 *
 * Where SQLite had one writer per file, several processes may write here at once:
 * - `put` inserts with `ON CONFLICT (tenant, sha256) DO NOTHING`, so two processes adding one file
 *   store it once and both answer with it;
 * - `review` first updates the report's row, which locks it, so reviews of one report (and its
 *   removal) run one after the other instead of interleaving their upserts;
 * - `addModel` takes a per-tenant-and-kind advisory lock before it clears the active flag: under
 *   READ COMMITTED, a concurrent activation's new row would otherwise escape the other's UPDATE and
 *   leave two active versions (the partial unique index of the schema refuses that outright).
 * - `updateAnalysis` locks the report's row (`FOR UPDATE`) before it reads the analysis it changes.
 * Reads that SQLite made one by one go in one round trip (`batch`).
 */
import type { AuthContext } from '@intersoc/core';
import type { Statement, SyncPg } from '@intersoc/storage/postgres';
import type { TextDocument } from '../document/types.js';
import type { ReportAnalysis } from '../reports/types.js';
import {
  checkModelVersion,
  INSERT_COLUMNS,
  INSERT_PARAMS,
  insertParams,
  pack,
  SUMMARY_SELECT,
  toLabel,
  toModel,
  toReview,
  toSummary,
  unpack,
  type LabelRow,
  type ModelRow,
  type ReportRow,
  type ReviewRow,
} from './report-rows.js';
import type {
  ModelKind,
  ModelVersion,
  NewReport,
  ReportStore,
  Review,
  ReportSummary,
  SentenceLabel,
  StoredReport,
} from './types.js';

const INSERT = `INSERT INTO text_reports (${INSERT_COLUMNS}) VALUES (${INSERT_PARAMS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (tenant, sha256) DO NOTHING`;

const REVIEWS =
  'SELECT item, decision, value, "by", at FROM text_reviews WHERE tenant = $1 AND report = $2 ORDER BY item';

const PUT_REVIEW = `INSERT INTO text_reviews (tenant, report, item, decision, value, "by", at) VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (tenant, report, item) DO UPDATE SET decision = excluded.decision, value = excluded.value,
    "by" = excluded."by", at = excluded.at`;

const PUT_LABEL = `INSERT INTO text_labels (tenant, report, sentence, text, techniques, rejected, updated)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (tenant, report, sentence) DO UPDATE SET text = excluded.text, techniques = excluded.techniques,
    rejected = excluded.rejected, updated = excluded.updated`;

/** The report store in the PostgreSQL store. */
export class PgReportStore implements ReportStore {
  readonly #pg: SyncPg;
  readonly #now: () => number;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg, now: () => number = Date.now) {
    this.#pg = pg;
    this.#now = now;
  }

  put(ctx: AuthContext, r: NewReport): { summary: ReportSummary; created: boolean } {
    const [ins, sel] = this.#pg.batch([
      { text: INSERT, params: insertParams(ctx, r, this.#now()) },
      { text: `${SUMMARY_SELECT} WHERE r.tenant = $1 AND r.sha256 = $2`, params: [ctx.tenant, r.sha256] },
    ]);
    return { summary: toSummary(sel?.rows[0] as unknown as ReportRow), created: (ins?.count ?? 0) > 0 };
  }

  list(ctx: AuthContext, limit = 200): ReportSummary[] {
    return this.#pg
      .query<ReportRow>(`${SUMMARY_SELECT} WHERE r.tenant = $1 ORDER BY r.added DESC, r.id LIMIT $2`, [
        ctx.tenant,
        limit,
      ])
      .map(toSummary);
  }

  summary(ctx: AuthContext, id: string): ReportSummary | undefined {
    const [r] = this.#pg.query<ReportRow>(`${SUMMARY_SELECT} WHERE r.tenant = $1 AND r.id = $2`, [ctx.tenant, id]);
    return r ? toSummary(r) : undefined;
  }

  get(ctx: AuthContext, id: string): StoredReport | undefined {
    // Summary, bytes and reviews in one round trip (three reads, as SQLite makes outside a transaction).
    const [s, bytes, revs] = this.#pg.batch([
      { text: `${SUMMARY_SELECT} WHERE r.tenant = $1 AND r.id = $2`, params: [ctx.tenant, id] },
      { text: 'SELECT doc, analysis FROM text_reports WHERE tenant = $1 AND id = $2', params: [ctx.tenant, id] },
      { text: REVIEWS, params: [ctx.tenant, id] },
    ]);
    const summaryRow = s?.rows[0] as ReportRow | undefined;
    const row = bytes?.rows[0] as { doc: Uint8Array; analysis: Uint8Array } | undefined;
    if (!summaryRow || !row) return undefined;
    const analysis = unpack<ReportAnalysis>(row.analysis);
    const reviews = new Map((revs?.rows as unknown as ReviewRow[]).map((r) => [r.item, toReview(r)]));
    return {
      ...toSummary(summaryRow),
      document: unpack<TextDocument>(row.doc),
      analysis,
      itemsReviewed: analysis.items.map((i) => {
        const review = reviews.get(i.id);
        return review ? { ...i, review } : i;
      }),
    };
  }

  setAnalysis(ctx: AuthContext, id: string, analysis: ReportAnalysis): void {
    this.#pg.run('UPDATE text_reports SET analysis = $1, items = $2, updated = $3 WHERE tenant = $4 AND id = $5', [
      pack(analysis),
      analysis.items.length,
      this.#now(),
      ctx.tenant,
      id,
    ]);
  }

  /**
   * Reads and replaces a report's analysis in one transaction that first locks the report's row
   * (`FOR UPDATE`): another process's update (or review, or removal) of the report waits for this
   * one to commit, and under READ COMMITTED the reads after the lock see what it committed.
   */
  updateAnalysis(
    ctx: AuthContext,
    id: string,
    change: (current: StoredReport) => ReportAnalysis | undefined,
  ): StoredReport | undefined {
    return this.#pg.transaction(() => {
      const [locked] = this.#pg.query('SELECT 1 FROM text_reports WHERE tenant = $1 AND id = $2 FOR UPDATE', [
        ctx.tenant,
        id,
      ]);
      if (!locked) return undefined;
      const current = this.get(ctx, id);
      if (!current) return undefined;
      const next = change(current);
      if (next === undefined) return current;
      this.setAnalysis(ctx, id, next);
      return this.get(ctx, id);
    });
  }

  reviews(ctx: AuthContext, report: string): Review[] {
    return this.#pg.query<ReviewRow>(REVIEWS, [ctx.tenant, report]).map(toReview);
  }

  review(
    ctx: AuthContext,
    report: string,
    reviews: readonly Omit<Review, 'by' | 'at'>[],
    labels: readonly Omit<SentenceLabel, 'report' | 'updated'>[],
  ): void {
    const now = this.#now();
    const st: Statement[] = [
      // First: the report's row lock orders concurrent reviews of one report.
      {
        text: `UPDATE text_reports SET status = CASE WHEN status = 'published' THEN status ELSE 'reviewed' END, updated = $1
          WHERE tenant = $2 AND id = $3`,
        params: [now, ctx.tenant, report],
      },
      // One statement a row, not one multi-row upsert: a repeated item must win as in SQLite, last one last.
      ...reviews.map((r) => ({
        text: PUT_REVIEW,
        params: [ctx.tenant, report, r.item, r.decision, r.value ?? null, ctx.user, now],
      })),
      ...labels.map((l) => ({
        text: PUT_LABEL,
        params: [ctx.tenant, report, l.sentence, l.text, JSON.stringify(l.techniques), JSON.stringify(l.rejected), now],
      })),
    ];
    this.#pg.transaction(() => this.#pg.batch(st));
  }

  published(ctx: AuthContext, id: string): void {
    const now = this.#now();
    this.#pg.run(
      `UPDATE text_reports SET status = 'published', published = $1, updated = $2 WHERE tenant = $3 AND id = $4`,
      [now, now, ctx.tenant, id],
    );
  }

  remove(ctx: AuthContext, id: string): boolean {
    const [reports] = this.#pg.transaction(() =>
      this.#pg.batch([
        { text: 'DELETE FROM text_reports WHERE tenant = $1 AND id = $2', params: [ctx.tenant, id] },
        { text: 'DELETE FROM text_reviews WHERE tenant = $1 AND report = $2', params: [ctx.tenant, id] },
        { text: 'DELETE FROM text_labels WHERE tenant = $1 AND report = $2', params: [ctx.tenant, id] },
      ]),
    );
    return (reports?.count ?? 0) > 0;
  }

  labels(ctx: AuthContext): SentenceLabel[] {
    return this.#pg
      .query<LabelRow>(
        'SELECT report, sentence, text, techniques, rejected, updated FROM text_labels WHERE tenant = $1 ORDER BY report, sentence',
        [ctx.tenant],
      )
      .map(toLabel);
  }

  models(ctx: AuthContext, kind: ModelKind): ModelVersion[] {
    return this.#pg
      .query<ModelRow>(
        'SELECT kind, version, created, file, active, metrics FROM text_models WHERE tenant = $1 AND kind = $2 ORDER BY created DESC, version DESC',
        [ctx.tenant, kind],
      )
      .map(toModel);
  }

  activeModel(ctx: AuthContext, kind: ModelKind): ModelVersion | undefined {
    const [r] = this.#pg.query<ModelRow>(
      'SELECT kind, version, created, file, active, metrics FROM text_models WHERE tenant = $1 AND kind = $2 AND active',
      [ctx.tenant, kind],
    );
    return r ? toModel(r) : undefined;
  }

  addModel(ctx: AuthContext, m: Omit<ModelVersion, 'active'>, activate: boolean): void {
    checkModelVersion(m.version);
    const st: Statement[] = [
      {
        text: "SELECT pg_advisory_xact_lock(hashtext('intersoc.text_models'), hashtext($1 || '/' || $2))",
        params: [ctx.tenant, m.kind],
      },
    ];
    if (activate)
      st.push({
        text: 'UPDATE text_models SET active = false WHERE tenant = $1 AND kind = $2 AND active',
        params: [ctx.tenant, m.kind],
      });
    st.push({
      text: `INSERT INTO text_models (tenant, kind, version, created, file, active, metrics) VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (tenant, kind, version) DO UPDATE SET created = excluded.created, file = excluded.file,
          active = excluded.active, metrics = excluded.metrics`,
      params: [ctx.tenant, m.kind, m.version, m.created, m.file, activate, JSON.stringify(m.metrics)],
    });
    this.#pg.transaction(() => this.#pg.batch(st));
  }
}
