import { describe, expect, it } from 'vitest';
import { threeClass, twoClass } from '../internal/synthetic.js';
import { ensembleToJson } from '../model/model.js';
import { applyLink, margins, pathAttributions, type TreeEnsemble } from '../trees/ensemble.js';
import { trainGbdt } from './train.js';

function accuracy(e: TreeEnsemble, d: { x: Float64Array; rows: number; cols: number; y: Int32Array }): number {
  const out = new Float64Array(Math.max(2, e.groups));
  let right = 0;
  for (let i = 0; i < d.rows; i++) {
    const p = applyLink(e, margins(e, d.x, out, i * d.cols));
    let k: number;
    if (e.groups === 1) k = (p[0] as number) >= 0.5 ? 1 : 0;
    else {
      k = 0;
      for (let j = 1; j < e.groups; j++) if ((p[j] as number) > (p[k] as number)) k = j;
    }
    if (k === d.y[i]) right++;
  }
  return right / d.rows;
}

describe('gradient-boosted trees', () => {
  const train = twoClass(3000, 3, 1);
  const valid = twoClass(600, 3, 2);
  const test = twoClass(2000, 3, 3);

  it('learns a binary boundary it was not told (x0 + x1 > 1) and beats the majority class', () => {
    const r = trainGbdt(train, 2, { rounds: 150, earlyStopping: 0 }, valid);
    expect(r.ensemble.groups).toBe(1);
    expect(r.ensemble.link).toBe('sigmoid');
    expect(r.rounds).toBe(150);
    const acc = accuracy(r.ensemble, test);
    const majority = Math.max(...[0, 1].map((k) => test.y.filter((v) => v === k).length)) / test.rows;
    expect(majority).toBeLessThan(0.6);
    expect(acc).toBeGreaterThan(0.96);
    // The two informative columns carry nearly all of the split gain.
    const g = Array.from(r.gain);
    expect(((g[0] as number) + (g[1] as number)) / g.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.9);
  });

  it('is deterministic for a seed, and the seed matters when features are subsampled', () => {
    const p = { rounds: 30, featureFraction: 0.5, earlyStopping: 0 };
    const a = JSON.stringify(ensembleToJson(trainGbdt(train, 2, { ...p, seed: 7 }).ensemble));
    const b = JSON.stringify(ensembleToJson(trainGbdt(train, 2, { ...p, seed: 7 }).ensemble));
    const c = JSON.stringify(ensembleToJson(trainGbdt(train, 2, { ...p, seed: 8 }).ensemble));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('stops early on noisy labels and keeps the best round', () => {
    const noisyTrain = twoClass(2000, 5, 11, 0.3);
    const noisyValid = twoClass(500, 5, 12, 0.3);
    const r = trainGbdt(noisyTrain, 2, { rounds: 400, earlyStopping: 10, learningRate: 0.3 }, noisyValid);
    expect(r.rounds).toBeLessThan(400);
    expect(r.rounds).toBeGreaterThan(0);
    // It ran exactly `earlyStopping` rounds past the best one, and the best is the minimum.
    expect(r.validLoss.length).toBe(r.rounds + 10);
    const best = Math.min(...r.validLoss);
    expect(r.validLoss[r.rounds - 1]).toBe(best);
    expect(r.ensemble.trees.length).toBe(r.rounds);
  });

  it('trains a multiclass softmax model', () => {
    const tr = threeClass(3000, 4, 21);
    const va = threeClass(600, 4, 22);
    const te = threeClass(2000, 4, 23);
    const r = trainGbdt(tr, 3, { rounds: 60 }, va);
    expect(r.ensemble.groups).toBe(3);
    expect(r.ensemble.link).toBe('softmax');
    expect(r.ensemble.trees.length).toBe(3 * r.rounds);
    const p = applyLink(r.ensemble, margins(r.ensemble, te.x, new Float64Array(3), 0));
    expect(Array.from(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(accuracy(r.ensemble, te)).toBeGreaterThan(0.97);
  });

  it('path attributions plus the root values add up to the margin, and credit the informative features', () => {
    const r = trainGbdt(train, 2, { rounds: 40 }, valid);
    const e = r.ensemble;
    const out = new Float64Array(test.cols);
    const m = new Float64Array(2);
    let roots = e.base[0] as number;
    for (const t of e.trees) roots += t.left.length === 0 ? (t.leafValue[0] as number) : (t.nodeValue[0] as number);
    const share = new Float64Array(test.cols);
    for (let i = 0; i < 200; i++) {
      pathAttributions(e, test.x, 0, out, i * test.cols);
      const margin = margins(e, test.x, m, i * test.cols)[0] as number;
      expect(roots + Array.from(out).reduce((a, b) => a + b, 0)).toBeCloseTo(margin, 9);
      for (let f = 0; f < test.cols; f++) share[f] = (share[f] as number) + Math.abs(out[f] as number);
    }
    const total = Array.from(share).reduce((a, b) => a + b, 0);
    expect(((share[0] as number) + (share[1] as number)) / total).toBeGreaterThan(0.8);
  });

  it('sends missing values one way and scores them without failing', () => {
    const r = trainGbdt(train, 2, { rounds: 20 });
    const row = Float64Array.of(NaN, NaN, 0.5, 0.5, 0.5);
    const p = applyLink(r.ensemble, margins(r.ensemble, row, new Float64Array(2)))[0] as number;
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  });
});
