/**
 * @module
 * SQLite store of reports (the document and its analysis, gzipped), reviews, the labelled
 * sentences the reviews make, and model versions, in the node's main database. Every call takes
 * the caller's context and touches only its tenant. A report is keyed by the SHA-256 of its
 * bytes, so adding the same file twice gives the same report.
 */
import type { AuthContext } from '@intersoc/core';
import { migrate, type SqliteDb } from '@intersoc/storage';
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

export type { NewReport } from './types.js';

const STEPS = [
  `CREATE TABLE text_reports (
     tenant TEXT NOT NULL, id TEXT NOT NULL, sha256 TEXT NOT NULL, name TEXT NOT NULL, title TEXT,
     format TEXT NOT NULL, tlp TEXT NOT NULL, status TEXT NOT NULL, bytes INTEGER NOT NULL,
     pages INTEGER NOT NULL, items INTEGER NOT NULL, model TEXT NOT NULL, added INTEGER NOT NULL,
     added_by TEXT NOT NULL, updated INTEGER NOT NULL, published INTEGER,
     doc BLOB NOT NULL, analysis BLOB NOT NULL,
     PRIMARY KEY (tenant, id), UNIQUE (tenant, sha256));
   CREATE TABLE text_reviews (
     tenant TEXT NOT NULL, report TEXT NOT NULL, item TEXT NOT NULL, decision TEXT NOT NULL,
     value TEXT, by TEXT NOT NULL, at INTEGER NOT NULL,
     PRIMARY KEY (tenant, report, item)) WITHOUT ROWID;
   CREATE TABLE text_labels (
     tenant TEXT NOT NULL, report TEXT NOT NULL, sentence INTEGER NOT NULL, text TEXT NOT NULL,
     techniques TEXT NOT NULL, rejected TEXT NOT NULL, updated INTEGER NOT NULL,
     PRIMARY KEY (tenant, report, sentence)) WITHOUT ROWID;
   CREATE TABLE text_models (
     tenant TEXT NOT NULL, kind TEXT NOT NULL, version TEXT NOT NULL, created INTEGER NOT NULL,
     file TEXT NOT NULL, active INTEGER NOT NULL, metrics TEXT NOT NULL,
     PRIMARY KEY (tenant, kind, version)) WITHOUT ROWID;`,
];

/** The store in the node's SQLite database. */
export class SqliteReportStore implements ReportStore {
  constructor(
    readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
  ) {
    migrate(db, 'text-reports', STEPS);
  }

  /**
   * Stores a new report; an identical file already stored is returned instead (`created: false`).
   * The insert skips a conflict on the file's hash, so two processes adding one file both get it.
   */
  put(ctx: AuthContext, r: NewReport): { summary: ReportSummary; created: boolean } {
    const created =
      this.db
        .prepare(
          `INSERT INTO text_reports (${INSERT_COLUMNS}) VALUES (${INSERT_PARAMS.map(() => '?').join(', ')})
           ON CONFLICT (tenant, sha256) DO NOTHING`,
        )
        .run(...insertParams(ctx, r, this.now())).changes > 0;
    const row = this.db
      .prepare(`${SUMMARY_SELECT} WHERE r.tenant = ? AND r.sha256 = ?`)
      .get(ctx.tenant, r.sha256) as ReportRow;
    return { summary: toSummary(row), created };
  }

  /** Reports of the tenant, newest first. */
  list(ctx: AuthContext, limit = 200): ReportSummary[] {
    return (
      this.db
        .prepare(`${SUMMARY_SELECT} WHERE r.tenant = ? ORDER BY r.added DESC, r.id LIMIT ?`)
        .all(ctx.tenant, limit) as ReportRow[]
    ).map(toSummary);
  }

  /** One report's summary. */
  summary(ctx: AuthContext, id: string): ReportSummary | undefined {
    const r = this.db.prepare(`${SUMMARY_SELECT} WHERE r.tenant = ? AND r.id = ?`).get(ctx.tenant, id) as
      ReportRow | undefined;
    return r ? toSummary(r) : undefined;
  }

  /** One report with its document, analysis and reviews. */
  get(ctx: AuthContext, id: string): StoredReport | undefined {
    const s = this.summary(ctx, id);
    if (!s) return undefined;
    const row = this.db
      .prepare('SELECT doc, analysis FROM text_reports WHERE tenant = ? AND id = ?')
      .get(ctx.tenant, id) as { doc: Buffer; analysis: Buffer };
    const analysis = unpack<ReportAnalysis>(row.analysis);
    const reviews = new Map(this.reviews(ctx, id).map((r) => [r.item, r]));
    return {
      ...s,
      document: unpack<TextDocument>(row.doc),
      analysis,
      itemsReviewed: analysis.items.map((i) => {
        const review = reviews.get(i.id);
        return review ? { ...i, review } : i;
      }),
    };
  }

  /** Replaces a report's analysis (items added by analysts are appended this way). */
  setAnalysis(ctx: AuthContext, id: string, analysis: ReportAnalysis): void {
    this.db
      .prepare('UPDATE text_reports SET analysis = ?, items = ?, updated = ? WHERE tenant = ? AND id = ?')
      .run(pack(analysis), analysis.items.length, this.now(), ctx.tenant, id);
  }

  /**
   * Reads and replaces a report's analysis in one `BEGIN IMMEDIATE` transaction: it takes the
   * database's write lock before the read, so another process's update waits for this one to commit
   * (a deferred transaction would read first and let both writers go on from the same analysis).
   */
  updateAnalysis(
    ctx: AuthContext,
    id: string,
    change: (current: StoredReport) => ReportAnalysis | undefined,
  ): StoredReport | undefined {
    return this.db
      .transaction(() => {
        const current = this.get(ctx, id);
        if (!current) return undefined;
        const next = change(current);
        if (next === undefined) return current;
        this.setAnalysis(ctx, id, next);
        return this.get(ctx, id);
      })
      .immediate();
  }

  /** Reviews of a report. */
  reviews(ctx: AuthContext, report: string): Review[] {
    return (
      this.db
        .prepare('SELECT item, decision, value, by, at FROM text_reviews WHERE tenant = ? AND report = ? ORDER BY item')
        .all(ctx.tenant, report) as ReviewRow[]
    ).map(toReview);
  }

  /** Records reviews and the labelled sentences they make, in one transaction. */
  review(
    ctx: AuthContext,
    report: string,
    reviews: readonly Omit<Review, 'by' | 'at'>[],
    labels: readonly Omit<SentenceLabel, 'report' | 'updated'>[],
  ): void {
    const now = this.now();
    const put = this.db.prepare(
      `INSERT INTO text_reviews (tenant, report, item, decision, value, by, at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, report, item) DO UPDATE SET decision = excluded.decision, value = excluded.value,
         by = excluded.by, at = excluded.at`,
    );
    const label = this.db.prepare(
      `INSERT INTO text_labels (tenant, report, sentence, text, techniques, rejected, updated) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, report, sentence) DO UPDATE SET text = excluded.text, techniques = excluded.techniques,
         rejected = excluded.rejected, updated = excluded.updated`,
    );
    this.db.transaction(() => {
      for (const r of reviews) put.run(ctx.tenant, report, r.item, r.decision, r.value ?? null, ctx.user, now);
      for (const l of labels)
        label.run(
          ctx.tenant,
          report,
          l.sentence,
          l.text,
          JSON.stringify(l.techniques),
          JSON.stringify(l.rejected),
          now,
        );
      this.db
        .prepare(
          `UPDATE text_reports SET status = CASE WHEN status = 'published' THEN status ELSE 'reviewed' END, updated = ?
           WHERE tenant = ? AND id = ?`,
        )
        .run(now, ctx.tenant, report);
    })();
  }

  /** Marks a report published. */
  published(ctx: AuthContext, id: string): void {
    const now = this.now();
    this.db
      .prepare(`UPDATE text_reports SET status = 'published', published = ?, updated = ? WHERE tenant = ? AND id = ?`)
      .run(now, now, ctx.tenant, id);
  }

  /** Deletes a report with its reviews and labels; false when there was none. */
  remove(ctx: AuthContext, id: string): boolean {
    let n = 0;
    this.db.transaction(() => {
      n = this.db.prepare('DELETE FROM text_reports WHERE tenant = ? AND id = ?').run(ctx.tenant, id).changes;
      this.db.prepare('DELETE FROM text_reviews WHERE tenant = ? AND report = ?').run(ctx.tenant, id);
      this.db.prepare('DELETE FROM text_labels WHERE tenant = ? AND report = ?').run(ctx.tenant, id);
    })();
    return n > 0;
  }

  /** Every labelled sentence of the tenant. */
  labels(ctx: AuthContext): SentenceLabel[] {
    return (
      this.db
        .prepare(
          'SELECT report, sentence, text, techniques, rejected, updated FROM text_labels WHERE tenant = ? ORDER BY report, sentence',
        )
        .all(ctx.tenant) as LabelRow[]
    ).map(toLabel);
  }

  /** Model versions of a kind, newest first. */
  models(ctx: AuthContext, kind: ModelKind): ModelVersion[] {
    return (
      this.db
        .prepare(
          'SELECT kind, version, created, file, active, metrics FROM text_models WHERE tenant = ? AND kind = ? ORDER BY created DESC, version DESC',
        )
        .all(ctx.tenant, kind) as ModelRow[]
    ).map(toModel);
  }

  /** The active version of a kind, if the tenant has one (else the shipped model applies). */
  activeModel(ctx: AuthContext, kind: ModelKind): ModelVersion | undefined {
    return this.models(ctx, kind).find((m) => m.active);
  }

  /** Records a model version; `activate` makes it the tenant's active one. */
  addModel(ctx: AuthContext, m: Omit<ModelVersion, 'active'>, activate: boolean): void {
    checkModelVersion(m.version);
    this.db.transaction(() => {
      if (activate)
        this.db.prepare('UPDATE text_models SET active = 0 WHERE tenant = ? AND kind = ?').run(ctx.tenant, m.kind);
      this.db
        .prepare(
          'INSERT OR REPLACE INTO text_models (tenant, kind, version, created, file, active, metrics) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(ctx.tenant, m.kind, m.version, m.created, m.file, activate ? 1 : 0, JSON.stringify(m.metrics));
    })();
  }
}
