/**
 * @module
 * What the analysis of a report yields: items (indicators, techniques, groups and software),
 * each pointing to its sentence and span, with a confidence and where it came from, and the
 * indicators dropped as known-benign with their reason.
 */
import type { IocType } from '../iocs/types.js';

/** Kinds of extracted item. */
export type ItemKind = 'indicator' | 'technique' | 'actor';

/** How an item was found. */
export type ItemSource = 'pattern' | 'explicit-id' | 'name' | 'model' | 'analyst';

/** One extracted item. */
export interface ExtractedItem {
  /** Stable within the report: `i<n>`. */
  readonly id: string;
  readonly kind: ItemKind;
  /**
   * Indicator type for indicators; `attack-pattern` for techniques; `intrusion-set`, `malware`,
   * `tool` or `campaign` for actors.
   */
  readonly type: IocType | 'attack-pattern' | 'intrusion-set' | 'malware' | 'tool' | 'campaign';
  /** Refanged indicator, technique id (`T1059.001`) or actor name. */
  readonly value: string;
  /** ATT&CK id of a technique or actor. */
  readonly ref?: string;
  /** ATT&CK name of a technique. */
  readonly name?: string;
  /** Index of the sentence in the document. */
  readonly sentence: number;
  /** `[start, end)` in the document text (a technique from the model spans its sentence). */
  readonly start: number;
  readonly end: number;
  /** 0–1. */
  readonly confidence: number;
  readonly source: ItemSource;
}

/** An indicator left out as known-benign. */
export interface DroppedItem {
  readonly type: IocType;
  readonly value: string;
  readonly reason: string;
  readonly sentence: number;
  readonly start: number;
  readonly end: number;
}

/** The analysis of one report. */
export interface ReportAnalysis {
  readonly items: readonly ExtractedItem[];
  readonly dropped: readonly DroppedItem[];
  /** Version of the sentence model used. */
  readonly model: string;
}
