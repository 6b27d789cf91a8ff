/**
 * @module
 * Indicator lifecycle: whether an indicator is active at a time (validity window, revocation)
 * and its decayed score, after MISP's decay model: score(t) = base × (1 − (t/τ)^(1/δ)), where τ
 * is the lifetime and δ the decay speed; an indicator whose score falls below the threshold is
 * treated as expired.
 */
import type { IndicatorMeta } from './types.js';

/** The lifecycle fields of an indicator. */
export type Lifecycle = Pick<IndicatorMeta, 'revoked' | 'validFrom' | 'validUntil' | 'confidence' | 'created'>;

/** Parameters of the decay model. */
export interface DecayModel {
  /** Lifetime τ in days. */
  readonly lifetimeDays: number;
  /** Decay speed δ (> 0); 1 is linear, larger decays faster early. */
  readonly decaySpeed: number;
  /** Scores below this mean expired. */
  readonly threshold: number;
  /** Base score when the indicator has no confidence. */
  readonly defaultBase: number;
}

/** Default model: half a year of life, linear decay, expired below 30. Tune per feed. */
export const DEFAULT_DECAY: DecayModel = { lifetimeDays: 180, decaySpeed: 1, threshold: 30, defaultBase: 75 };

/** Decayed score 0–100 at `now` (epoch ms). */
export function decayScore(ind: Lifecycle, now: number, model: DecayModel = DEFAULT_DECAY): number {
  const base = ind.confidence ?? model.defaultBase;
  const start = ind.created ?? ind.validFrom;
  if (start === undefined) return base;
  const days = Math.max(0, (now - start) / 86_400_000);
  if (days >= model.lifetimeDays) return 0;
  return base * (1 - Math.pow(days / model.lifetimeDays, 1 / model.decaySpeed));
}

/** Why an indicator is not active at `now`, or undefined when it is; `model` false ignores decay. */
export function inactiveReason(
  ind: Lifecycle,
  now: number,
  model: DecayModel | false = DEFAULT_DECAY,
): 'revoked' | 'not-yet-valid' | 'expired' | 'decayed' | undefined {
  if (ind.revoked) return 'revoked';
  if (ind.validFrom !== undefined && now < ind.validFrom) return 'not-yet-valid';
  if (ind.validUntil !== undefined && now >= ind.validUntil) return 'expired';
  if (model && decayScore(ind, now, model) < model.threshold) return 'decayed';
  return undefined;
}
