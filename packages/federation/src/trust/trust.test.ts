import { describe, expect, it } from 'vitest';
import { fuse, fuseReports, RELIABILITY, trustScore, weightedConfidence } from './trust.js';

describe('trust', () => {
  it('orders the admiralty grades and moves with feedback', () => {
    const scores = RELIABILITY.filter((r) => r !== 'F').map((r) => trustScore(r));
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    const base = trustScore('C');
    expect(trustScore('C', { confirmations: 5, falsePositives: 0 })).toBeGreaterThan(base);
    expect(trustScore('C', { confirmations: 0, falsePositives: 1 })).toBeLessThan(base);
    // A false positive weighs more than a confirmation.
    expect(trustScore('C', { confirmations: 1, falsePositives: 1 })).toBeLessThan(base);
    expect(trustScore('A', { confirmations: 1000, falsePositives: 0 })).toBeLessThanOrEqual(1);
  });

  it('weights confidence by trust and fuses several reports', () => {
    expect(weightedConfidence(80, 0.5)).toBe(40);
    expect(weightedConfidence(undefined, 1)).toBe(50);
    expect(fuse([40, 40])).toBe(64);
    expect(fuse([])).toBe(0);
    expect(fuse([100, 10])).toBe(100);
  });

  it('quarantines low-trust data and releases it when enough trusted peers agree', () => {
    const low = { confidence: 80, trust: trustScore('E') };
    expect(fuseReports([low]).quarantined).toBe(true);
    const good = { confidence: 80, trust: trustScore('B') };
    expect(fuseReports([good]).quarantined).toBe(false);
    const d = { confidence: 50, trust: trustScore('D') };
    expect(fuseReports([d]).quarantined).toBe(true);
    expect(fuseReports([d, d]).quarantined).toBe(false);
  });
});
