/**
 * @module
 * SQLite store of reports (the document and its analysis, gzipped), reviews, the labelled
 * sentences the reviews make, and model versions, in the node's main database. Every call takes
 * the caller's context and touches only its tenant. A report is keyed by the SHA-256 of its
 * bytes, so adding the same file twice gives the same report.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { AppError, type AuthContext } from '@intersoc/core';
import type { TlpLevel } from '@intersoc/cti';
import { migrate, type SqliteDb } from '@intersoc/storage';
import type { ReportFormat, TextDocument } from '../document/types.js';
import type { ReportAnalysis } from '../reports/types.js';
import type {
  ModelKind,
  ModelVersion,
  Review,
  ReportStatus,
  ReportSummary,
  SentenceLabel,
  StoredReport,
} from './types.js';

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

interface ReportRow {
  id: string;
  sha256: string;
  name: string;
  title: string | null;
  format: string;
  tlp: string;
  status: string;
  bytes: number;
  pages: number;
  items: number;
  model: string;
  added: number;
  added_by: string;
  updated: number;
  published: number | null;
  reviewed: number;
}

const SUMMARY = `SELECT r.id, r.sha256, r.name, r.title, r.format, r.tlp, r.status, r.bytes, r.pages, r.items,
  r.model, r.added, r.added_by, r.updated, r.published,
  (SELECT COUNT(*) FROM text_reviews v WHERE v.tenant = r.tenant AND v.report = r.id) AS reviewed
  FROM text_reports r`;

function summary(r: ReportRow): ReportSummary {
  return {
    id: r.id,
    sha256: r.sha256,
    name: r.name,
    ...(r.title ? { title: r.title } : {}),
    format: r.format as ReportFormat,
    tlp: r.tlp as TlpLevel,
    status: r.status as ReportStatus,
    bytes: r.bytes,
    pages: r.pages,
    items: r.items,
    reviewed: r.reviewed,
    model: r.model,
    added: r.added,
    addedBy: r.added_by,
    updated: r.updated,
    ...(r.published === null ? {} : { published: r.published }),
  };
}

const pack = (v: unknown): Buffer => gzipSync(JSON.stringify(v));
const unpack = <T>(b: Buffer): T => JSON.parse(gunzipSync(b).toString('utf8')) as T;

/** What `put` stores. */
export interface NewReport {
  readonly sha256: string;
  readonly name: string;
  readonly tlp: TlpLevel;
  readonly bytes: number;
  readonly document: TextDocument;
  readonly analysis: ReportAnalysis;
}

/** The store. */
export class SqliteReportStore {
  constructor(
    readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
  ) {
    migrate(db, 'text-reports', STEPS);
  }

  /** Stores a new report; an identical file already stored is returned instead (`created: false`). */
  put(ctx: AuthContext, r: NewReport): { summary: ReportSummary; created: boolean } {
    const existing = this.db
      .prepare('SELECT id FROM text_reports WHERE tenant = ? AND sha256 = ?')
      .get(ctx.tenant, r.sha256) as { id: string } | undefined;
    if (existing) return { summary: this.summary(ctx, existing.id) as ReportSummary, created: false };
    const id = `r-${r.sha256.slice(0, 16)}`;
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO text_reports (tenant, id, sha256, name, title, format, tlp, status, bytes, pages, items, model,
           added, added_by, updated, published, doc, analysis)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'analysed', ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
      )
      .run(
        ctx.tenant,
        id,
        r.sha256,
        r.name,
        r.document.title ?? null,
        r.document.format,
        r.tlp,
        r.bytes,
        r.document.pages,
        r.analysis.items.length,
        r.analysis.model,
        now,
        ctx.user,
        now,
        pack(r.document),
        pack(r.analysis),
      );
    return { summary: this.summary(ctx, id) as ReportSummary, created: true };
  }

  /** Reports of the tenant, newest first. */
  list(ctx: AuthContext, limit = 200): ReportSummary[] {
    return (
      this.db
        .prepare(`${SUMMARY} WHERE r.tenant = ? ORDER BY r.added DESC, r.id LIMIT ?`)
        .all(ctx.tenant, limit) as ReportRow[]
    ).map(summary);
  }

  /** One report's summary. */
  summary(ctx: AuthContext, id: string): ReportSummary | undefined {
    const r = this.db.prepare(`${SUMMARY} WHERE r.tenant = ? AND r.id = ?`).get(ctx.tenant, id) as
      ReportRow | undefined;
    return r ? summary(r) : undefined;
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

  /** Reviews of a report. */
  reviews(ctx: AuthContext, report: string): Review[] {
    return (
      this.db
        .prepare('SELECT item, decision, value, by, at FROM text_reviews WHERE tenant = ? AND report = ?')
        .all(ctx.tenant, report) as { item: string; decision: string; value: string | null; by: string; at: number }[]
    ).map((r) => ({
      item: r.item,
      decision: r.decision as Review['decision'],
      ...(r.value === null ? {} : { value: r.value }),
      by: r.by,
      at: r.at,
    }));
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
        .all(ctx.tenant) as {
        report: string;
        sentence: number;
        text: string;
        techniques: string;
        rejected: string;
        updated: number;
      }[]
    ).map((r) => ({
      report: r.report,
      sentence: r.sentence,
      text: r.text,
      techniques: JSON.parse(r.techniques) as string[],
      rejected: JSON.parse(r.rejected) as string[],
      updated: r.updated,
    }));
  }

  /** Model versions of a kind, newest first. */
  models(ctx: AuthContext, kind: ModelKind): ModelVersion[] {
    return (
      this.db
        .prepare(
          'SELECT kind, version, created, file, active, metrics FROM text_models WHERE tenant = ? AND kind = ? ORDER BY created DESC, version DESC',
        )
        .all(ctx.tenant, kind) as {
        kind: string;
        version: string;
        created: number;
        file: string;
        active: number;
        metrics: string;
      }[]
    ).map((r) => ({
      kind: r.kind as ModelKind,
      version: r.version,
      created: r.created,
      file: r.file,
      active: r.active === 1,
      metrics: JSON.parse(r.metrics) as Record<string, unknown>,
    }));
  }

  /** The active version of a kind, if the tenant has one (else the shipped model applies). */
  activeModel(ctx: AuthContext, kind: ModelKind): ModelVersion | undefined {
    return this.models(ctx, kind).find((m) => m.active);
  }

  /** Records a model version; `activate` makes it the tenant's active one. */
  addModel(ctx: AuthContext, m: Omit<ModelVersion, 'active'>, activate: boolean): void {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(m.version)) throw new AppError('VALIDATION', `bad model version ${m.version}`);
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
