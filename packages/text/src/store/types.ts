/**
 * @module
 * Stored reports, analysts' reviews and the labelled sentences they make, and model versions.
 */
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
