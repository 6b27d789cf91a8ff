/**
 * @module
 * The incident score: severity of the worst alert × criticality of the most critical asset ×
 * confidence (how much corroborates the story) × spread (how many hosts and accounts it reaches),
 * on 0–100, and the severity band it falls into.
 *
 * Confidence counts only alerts of medium severity or more: a chatty low-severity rule firing
 * next to a lone high one (a user opening shells on the day OneDrive registers itself) is no
 * corroboration, whereas two medium rules of different tactics on one account are.
 */
import type { Severity } from '@intersoc/core';
import type { ScoreParts } from './types.js';

/** Weight of each alert severity. */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = {
  informational: 0.1,
  low: 0.25,
  medium: 0.5,
  high: 0.75,
  critical: 1,
};

/** What the score is computed from. */
export interface ScoreInput {
  readonly maxSeverity: Severity;
  /** Weight of the most critical asset involved (0.6 when none is known). */
  readonly criticality: number;
  /** Distinct rules with alerts of medium severity or more. */
  readonly corroboratingRules: number;
  /** Distinct tactics among those alerts. */
  readonly corroboratingTactics: number;
  /** Distinct kinds of sensor (host, network, indicator). */
  readonly sources: number;
  readonly hosts: number;
  readonly users: number;
}

/** The parts of the score. */
export function scoreParts(i: ScoreInput): ScoreParts {
  const extra =
    0.1 * Math.max(0, i.corroboratingRules - 1) +
    0.1 * Math.max(0, i.corroboratingTactics - 1) +
    (i.corroboratingRules > 0 ? 0.1 * Math.max(0, i.sources - 1) : 0);
  // Two decimals: the parts are shown to analysts, and float noise (1.4500000000000002) is not.
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  return {
    severity: SEVERITY_WEIGHT[i.maxSeverity],
    criticality: i.criticality,
    confidence: r2(Math.min(1, 0.45 + extra)),
    spread: r2(Math.min(1.5, 1 + 0.15 * Math.max(0, i.hosts - 1) + 0.05 * Math.max(0, i.users - 1))),
  };
}

/** 0–100. */
export function scoreOf(p: ScoreParts): number {
  return Math.min(100, Math.round(100 * p.severity * p.criticality * p.confidence * p.spread));
}

/** The severity band of a score: <10 informational, <25 low, <45 medium, <70 high, else critical. */
export function severityOfScore(score: number): Severity {
  if (score < 10) return 'informational';
  if (score < 25) return 'low';
  if (score < 45) return 'medium';
  if (score < 70) return 'high';
  return 'critical';
}
