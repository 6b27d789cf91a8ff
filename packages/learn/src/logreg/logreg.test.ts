import { describe, expect, it } from 'vitest';
import { threeClass, twoClass } from '../internal/synthetic.js';
import { logregAttributions, logregFromJson, logregProba, logregToJson, standardise, trainLogreg } from './logreg.js';

describe('logistic regression', () => {
  it('separates a linear boundary and puts the weight on the informative features', () => {
    const tr = twoClass(3000, 3, 1);
    const te = twoClass(2000, 3, 2);
    const m = trainLogreg(tr.x, tr.rows, tr.cols, tr.y, 2);
    const out = new Float64Array(2);
    let right = 0;
    for (let i = 0; i < te.rows; i++) {
      const p = logregProba(m, te.x, i * te.cols, out);
      expect((p[0] as number) + (p[1] as number)).toBeCloseTo(1, 12);
      if (((p[1] as number) >= 0.5 ? 1 : 0) === te.y[i]) right++;
    }
    // The boundary is linear in x but the features are log-compressed first: still above 0.9.
    expect(right / te.rows).toBeGreaterThan(0.9);
    const w = (f: number): number => Math.abs((m.weights[m.cols + f] as number) - (m.weights[f] as number));
    expect(Math.min(w(0), w(1))).toBeGreaterThan(5 * Math.max(w(2), w(3), w(4)));
  });

  it('is deterministic and its attributions are weight × standardised value', () => {
    const tr = twoClass(1000, 2, 3);
    const a = trainLogreg(tr.x, tr.rows, tr.cols, tr.y, 2, { epochs: 50 });
    const b = trainLogreg(tr.x, tr.rows, tr.cols, tr.y, 2, { epochs: 50 });
    expect(JSON.stringify(logregToJson(a))).toBe(JSON.stringify(logregToJson(b)));
    const back = logregFromJson(JSON.parse(JSON.stringify(logregToJson(a))) as ReturnType<typeof logregToJson>);
    const row = Float64Array.of(0.9, 0.8, 0.1, 0.2);
    const out = new Float64Array(tr.cols);
    logregAttributions(back, row, 0, 0, out);
    // Binary: the attack direction (class 1 against class 0).
    for (let f = 0; f < tr.cols; f++) {
      const z = standardise(back, f, row[f] as number);
      const delta = (back.weights[back.cols + f] as number) - (back.weights[f] as number);
      expect(out[f] as number).toBeCloseTo(delta * z, 9);
    }
  });

  it('handles several classes', () => {
    const tr = threeClass(3000, 2, 4);
    const te = threeClass(1000, 2, 5);
    const m = trainLogreg(tr.x, tr.rows, tr.cols, tr.y, 3, { epochs: 500 });
    const out = new Float64Array(3);
    let right = 0;
    for (let i = 0; i < te.rows; i++) {
      const p = logregProba(m, te.x, i * te.cols, out);
      let k = 0;
      for (let j = 1; j < 3; j++) if ((p[j] as number) > (p[k] as number)) k = j;
      if (k === te.y[i]) right++;
    }
    expect(right / te.rows).toBeGreaterThan(0.85);
  });
});
