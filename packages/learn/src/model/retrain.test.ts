import { describe, expect, it } from 'vitest';
import type { Schema } from '../data/dataset.js';
import {
  alertVector,
  concatRows,
  feedbackDataset,
  feedbackHash,
  lineageDataHash,
  MAX_VECTOR_FEATURES,
  vectorOf,
} from './retrain.js';

const schema: Schema = {
  features: [
    { name: 'a', kind: 'number' },
    { name: 'b', kind: 'number' },
    { name: 'c', kind: 'number' },
  ],
  label: 'Label',
  classes: ['BENIGN', 'DoS', 'Portscan'],
  benign: 'BENIGN',
};

describe('verdict rows', () => {
  it('keep an alert’s features through JSON, missing and infinite values included', () => {
    const row = Float64Array.from([1.234567891, NaN, Infinity]);
    const stored = JSON.parse(JSON.stringify(alertVector(row))) as unknown;
    expect(stored).toEqual([1.234568, null, '+Inf']);
    const back = vectorOf(stored, 3);
    expect(back?.[0]).toBe(1.234568);
    expect(Number.isNaN(back?.[1])).toBe(true);
    expect(back?.[2]).toBe(Infinity);
    // Wrong width or foreign cells are not a row of this model.
    expect(vectorOf(stored, 4)).toBeUndefined();
    expect(vectorOf([1, 'x', 2], 3)).toBeUndefined();
    // Very wide models keep no row (bounded alerts).
    expect(alertVector(new Float64Array(MAX_VECTOR_FEATURES + 1))).toBeUndefined();
  });

  it('label false positives benign and true positives as the named attack class, repeated', () => {
    const v = Float64Array.from([1, 2, 3]);
    const d = feedbackDataset(
      schema,
      [
        { alertId: 'x', outcome: 'false-positive', vector: v, predicted: 'DoS' },
        { alertId: 'y', outcome: 'true-positive', vector: v, predicted: 'Portscan' },
        { alertId: 'z', outcome: 'true-positive', vector: v, predicted: 'BENIGN' },
      ],
      2,
    );
    expect(d.rows).toBe(6);
    expect(d.labels).toEqual(['BENIGN', 'BENIGN', 'Portscan', 'Portscan', 'DoS', 'DoS']);
    expect(Array.from(d.y)).toEqual([0, 0, 2, 2, 1, 1]);
    const both = concatRows(d, d);
    expect(both.rows).toBe(12);
    expect(Array.from(both.x.subarray(33, 36))).toEqual([1, 2, 3]);
  });

  it('hash the verdicts independently of their order', () => {
    const a = feedbackHash([
      { alertId: '1', outcome: 'false-positive' },
      { alertId: '2', outcome: 'true-positive' },
    ]);
    expect(
      feedbackHash([
        { alertId: '2', outcome: 'true-positive' },
        { alertId: '1', outcome: 'false-positive' },
      ]),
    ).toBe(a);
    expect(feedbackHash([{ alertId: '1', outcome: 'true-positive' }])).not.toBe(
      feedbackHash([{ alertId: '1', outcome: 'false-positive' }]),
    );
    expect(lineageDataHash('d', a, 1)).not.toBe(lineageDataHash('d', a, 2));
  });
});
