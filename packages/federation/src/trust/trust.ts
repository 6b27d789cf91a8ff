/**
 * @module
 * Trust in peers and fusion of what they report. A peer's trust starts from the reliability the
 * operator assigns on the admiralty scale (A completely reliable … E unreliable, F cannot be
 * judged) and moves with feedback as a beta reputation: confirmations (sightings of its
 * indicators) count for it, false positives count twice against it, and the admiralty prior
 * weighs as ten observations so that a few reports cannot swing it. Incoming confidence is
 * multiplied by the trust of whoever vouches for the object, several reports of the same
 * indicator are fused with a noisy-OR, and what stays below the quarantine threshold waits for
 * an analyst instead of driving detections.
 */

/** Admiralty source-reliability grades. */
export const RELIABILITY = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
/** One grade. */
export type Reliability = (typeof RELIABILITY)[number];

/** Prior trust of each grade (F, "cannot be judged", sits in the middle). */
export const RELIABILITY_PRIOR: Readonly<Record<Reliability, number>> = {
  A: 0.95,
  B: 0.8,
  C: 0.6,
  D: 0.4,
  E: 0.15,
  F: 0.5,
};

/** Weight of the prior, in observations. */
export const PRIOR_WEIGHT = 10;
/** A false positive counts this many times a confirmation. */
export const FALSE_POSITIVE_WEIGHT = 2;

/** Feedback counts of a peer. */
export interface Feedback {
  readonly confirmations: number;
  readonly falsePositives: number;
}

/** Trust in [0, 1] from the grade and feedback. */
export function trustScore(reliability: Reliability, f: Feedback = { confirmations: 0, falsePositives: 0 }): number {
  const prior = RELIABILITY_PRIOR[reliability];
  const alpha = prior * PRIOR_WEIGHT + Math.max(0, f.confirmations);
  const beta = (1 - prior) * PRIOR_WEIGHT + FALSE_POSITIVE_WEIGHT * Math.max(0, f.falsePositives);
  return alpha / (alpha + beta);
}

/** Confidence (0–100) weighted by the trust of its sender. Objects without one count as 50. */
export function weightedConfidence(confidence: number | undefined, trust: number): number {
  const c = Math.min(100, Math.max(0, confidence ?? 50));
  return c * Math.min(1, Math.max(0, trust));
}

/** Fuses independent weighted confidences (0–100) of one indicator: 1 − Π(1 − cᵢ). */
export function fuse(confidences: readonly number[]): number {
  let miss = 1;
  for (const c of confidences) miss *= 1 - Math.min(100, Math.max(0, c)) / 100;
  return Math.round((1 - miss) * 1000) / 10;
}

/** Quarantine thresholds. */
export interface QuarantinePolicy {
  /** Fused confidence below this is quarantined (default 30). */
  readonly minConfidence: number;
  /** Reports from senders trusted less than this do not count at all (default 0.2). */
  readonly minTrust: number;
}

/** Default thresholds. */
export const DEFAULT_QUARANTINE: QuarantinePolicy = { minConfidence: 30, minTrust: 0.2 };

/** One report of an indicator by a peer. */
export interface Report {
  readonly confidence: number | undefined;
  readonly trust: number;
}

/** The fused state of an indicator. */
export interface FusedState {
  readonly confidence: number;
  readonly quarantined: boolean;
  readonly reports: number;
}

/** Fuses reports and decides quarantine. */
export function fuseReports(reports: readonly Report[], policy: QuarantinePolicy = DEFAULT_QUARANTINE): FusedState {
  const counted = reports.filter((r) => r.trust >= policy.minTrust);
  const confidence = fuse(counted.map((r) => weightedConfidence(r.confidence, r.trust)));
  return {
    confidence,
    quarantined: counted.length === 0 || confidence < policy.minConfidence,
    reports: reports.length,
  };
}
