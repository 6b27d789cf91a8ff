import { describe, expect, it } from 'vitest';
import { NAB_PROFILES, probationLength, scaledSigmoid, scoreCorpus, type ScoredSeries } from './nab-score.js';

const MIN = 60_000;
/** 20 rows one minute apart; probation ⌊0.15 × 20⌋ = 3 rows; one window over rows 10–14. */
function series(detections: Record<number, number>): ScoredSeries {
  const times = Array.from({ length: 20 }, (_, i) => i * MIN);
  return { name: 's', times, scores: times.map((_, i) => detections[i] ?? 0), windows: [[10 * MIN, 14 * MIN]] };
}
const maxTP = 2 / (1 + Math.exp(-5)) - 1;
const std = NAB_PROFILES.standard;

describe('NAB scoring (sweeper, optimiser, normalisation)', () => {
  it('has NAB’s constants', () => {
    expect(probationLength(20)).toBe(3);
    expect(probationLength(100_000)).toBe(750);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3)).toBe(-1);
  });

  it('scores the null detector 0 and a detection at the window’s left edge 100', () => {
    // On this short series "always fire" beats "never fire": 1 (left edge) − 7 × 0.11 (rows 3–9)
    // + the rows after the window; the null baseline is the better of the two, as NAB optimises it.
    const after = [15, 16, 17, 18, 19].reduce((a, i) => a + 0.11 * (2 / (1 + Math.exp((5 * (i - 14)) / 4)) - 1), 0);
    const always = 1 - 0.77 + after;
    expect(scoreCorpus([series({})], std)).toMatchObject({ perfectRaw: 1, normalized: 0 });
    expect(scoreCorpus([series({})], std).nullRaw).toBeCloseTo(always, 12);
    // 40 rows, window on the last two: firing always costs 32 × 0.11 for one window, so never fire.
    const times = Array.from({ length: 40 }, (_, i) => i * MIN);
    const long: ScoredSeries = { name: 'l', times, scores: times.map(() => 0), windows: [[38 * MIN, 39 * MIN]] };
    expect(scoreCorpus([long], std).nullRaw).toBe(-1);
    expect(scoreCorpus([series({ 10: 1 })], std)).toMatchObject({
      raw: 1,
      normalized: 100,
      threshold: 1,
      tp: 1,
      fp: 0,
    });
  });

  it('weights a later detection by the sigmoid of its position, and only the best one counts', () => {
    // Row 12: position −(14 − 12 + 1) / 5 = −0.6.
    const late = (2 / (1 + Math.exp(-3)) - 1) / maxTP;
    const r = scoreCorpus([series({ 12: 1, 13: 1 })], std);
    expect(r.raw).toBeCloseTo(late, 12);
    expect(r.normalized).toBeCloseTo((100 * (late - r.nullRaw)) / (1 - r.nullRaw), 10);
  });

  it('charges false positives fpWeight: −1 before any window, less just after one, none in probation', () => {
    // Row 5: no window before → −0.11. Row 16: |14 − 16| / (5 − 1) = 0.5 past the window.
    const after = (2 / (1 + Math.exp(2.5)) - 1) * 0.11;
    const r = scoreCorpus([series({ 2: 1, 5: 1, 10: 1, 16: 1 })], std);
    expect(r.raw).toBeCloseTo(1 - 0.11 + after, 12);
    expect(r.fp).toBe(2);
    const lowFp = scoreCorpus([series({ 5: 1, 10: 1 })], NAB_PROFILES.reward_low_FP_rate);
    expect(lowFp.raw).toBeCloseTo(1 - 0.22, 12);
  });

  it('chooses the threshold that maximises the corpus total, or scores at a given one', () => {
    // Row 5 (outside, 0.95) is above row 10 (inside, 0.9): 0.95 → −1.11, 0.9 → 0.89, 1.1 → −1.
    const s = series({ 5: 0.95, 10: 0.9 });
    expect(scoreCorpus([s], std)).toMatchObject({ threshold: 0.9, raw: 1 - 0.11 });
    expect(scoreCorpus([s], std, 0.95).raw).toBeCloseTo(-1.11, 12);
    expect(scoreCorpus([s], std, 0.99).raw).toBe(-1);
    // Across series the threshold is shared: the missed window of a second series counts.
    const other: ScoredSeries = { ...series({ 12: 0.5 }), name: 't' };
    const both = scoreCorpus([s, other], std);
    expect(both.windows).toBe(2);
    expect(both.perfectRaw).toBe(2);
  });
});
