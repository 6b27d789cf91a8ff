/**
 * @module
 * Stored reports, analysts' reviews and the labelled sentences they make, and model versions, and
 * `ReportStore`, the interface both stores implement (`SqliteReportStore`, `PgReportStore`).
 */
import type { AuthContext } from '@intersoc/core';
import type { TlpLevel } from '@intersoc/cti';
import type { ReportFormat, TextDocument } from '../document/types.js';
import type { ExtractedItem, ReportAnalysis } from '../reports/types.js';

/** Where a report stands. */
export type ReportStatus = 'analysed' | 'reviewed' | 'published';

/** A report as lists show it. */
export interface ReportSummary {
  readonly id: string;
  readonly sha256: string;
  readonly name: string;
  readonly title?: string;
  readonly format: ReportFormat;
  readonly tlp: TlpLevel;
  readonly status: ReportStatus;
  readonly bytes: number;
  readonly pages: number;
  /** Items extracted, items reviewed. */
  readonly items: number;
  readonly reviewed: number;
  readonly model: string;
  readonly added: number;
  readonly addedBy: string;
  readonly updated: number;
  readonly published?: number;
}

/** An analyst's decision on one item. */
export type ReviewDecision = 'accept' | 'reject' | 'correct';

/** A review of one item. */
export interface Review {
  readonly item: string;
  readonly decision: ReviewDecision;
  /** The corrected value (technique id, indicator value). */
  readonly value?: string;
  readonly by: string;
  readonly at: number;
}

/** An item with its review. */
export interface ReviewedItem extends ExtractedItem {
  readonly review?: Review;
}

/** A report with its document, items and reviews. */
export interface StoredReport extends ReportSummary {
  readonly document: TextDocument;
  readonly analysis: ReportAnalysis;
  readonly itemsReviewed: readonly ReviewedItem[];
}

/** A labelled sentence made by reviews. */
export interface SentenceLabel {
  readonly report: string;
  readonly sentence: number;
  readonly text: string;
  /** Techniques the analyst confirmed (accepted, corrected to, or added). */
  readonly techniques: readonly string[];
  /** Techniques the analyst rejected. */
  readonly rejected: readonly string[];
  readonly updated: number;
}

/** Kinds of learned model a tenant keeps versions of. */
export type ModelKind = 'attack' | 'triage' | 'categoriser';

/** A model version. */
export interface ModelVersion {
  readonly kind: ModelKind;
  readonly version: string;
  readonly created: number;
  /** File under the node's data folder. */
  readonly file: string;
  readonly active: boolean;
  readonly metrics: Readonly<Record<string, unknown>>;
}

/** What `put` stores. */
export interface NewReport {
  readonly sha256: string;
  readonly name: string;
  readonly tlp: TlpLevel;
  readonly bytes: number;
  readonly document: TextDocument;
  readonly analysis: ReportAnalysis;
}

/**
 * The store of reports, reviews, labelled sentences and model versions. Every call takes the
 * caller's context and touches only its tenant; roles are checked by `ReportService` above it.
 */
export interface ReportStore {
  /** Stores a new report; an identical file already stored is returned instead (`created: false`). */
  put(ctx: AuthContext, r: NewReport): { summary: ReportSummary; created: boolean };
  /** Reports of the tenant, newest first (then by id). */
  list(ctx: AuthContext, limit?: number): ReportSummary[];
  /** One report's summary. */
  summary(ctx: AuthContext, id: string): ReportSummary | undefined;
  /** One report with its document, analysis and reviews. */
  get(ctx: AuthContext, id: string): StoredReport | undefined;
  /** Replaces a report's analysis (items added by analysts are appended this way). */
  setAnalysis(ctx: AuthContext, id: string, analysis: ReportAnalysis): void;
  /**
   * Reads the report and replaces its analysis with what `change` makes of it, holding the report
   * locked in between, so two processes changing one report's analysis at once run one after the
   * other and neither loses the other's change (`setAnalysis` after `get` would: last writer wins).
   * `change` must be synchronous; it returns `undefined` to write nothing, and what it throws
   * leaves the report as it was. Returns the report as it then stands, `undefined` when there is none.
   */
  updateAnalysis(
    ctx: AuthContext,
    id: string,
    change: (current: StoredReport) => ReportAnalysis | undefined,
  ): StoredReport | undefined;
  /** Reviews of a report. */
  reviews(ctx: AuthContext, report: string): Review[];
  /** Records reviews and the labelled sentences they make, in one transaction. */
  review(
    ctx: AuthContext,
    report: string,
    reviews: readonly Omit<Review, 'by' | 'at'>[],
    labels: readonly Omit<SentenceLabel, 'report' | 'updated'>[],
  ): void;
  /** Marks a report published. */
  published(ctx: AuthContext, id: string): void;
  /** Deletes a report with its reviews and labels; false when there was none. */
  remove(ctx: AuthContext, id: string): boolean;
  /** Every labelled sentence of the tenant, by report then sentence. */
  labels(ctx: AuthContext): SentenceLabel[];
  /** Model versions of a kind, newest first. */
  models(ctx: AuthContext, kind: ModelKind): ModelVersion[];
  /** The active version of a kind, if the tenant has one (else the shipped model applies). */
  activeModel(ctx: AuthContext, kind: ModelKind): ModelVersion | undefined;
  /** Records a model version; `activate` makes it the tenant's only active one of its kind. */
  addModel(ctx: AuthContext, m: Omit<ModelVersion, 'active'>, activate: boolean): void;
}
