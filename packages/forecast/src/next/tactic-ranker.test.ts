/**
 * The learnt tactic ranker on a stub model: features leave seen techniques out, and the fitted
 * logit learns which feature carries the next tactic.
 */
import { describe, expect, it } from 'vitest';
import {
  fitRankerWeights,
  fitTacticRanker,
  RANKER_FEATURES,
  RANKER_TACTICS,
  rankerHits,
  rankTactics,
  tacticFeatures,
  type RankerCase,
  type RankerModel,
} from './tactic-ranker.js';

const TACTICS: Record<string, readonly string[]> = {
  T1566: ['TA0001'],
  T1059: ['TA0002'],
  T1027: ['TA0005'],
  T1078: ['TA0001', 'TA0003', 'TA0004', 'TA0005'],
  T1486: ['TA0040'],
};

/** Every view says the same: after anything, impact (T1486) or obfuscation (T1027). */
const stub: RankerModel = {
  views: () => ({
    pop: new Map([
      ['T1486', 0.75],
      ['T1027', 0.25],
    ]),
    knn: new Map([['T1059', 1]]),
  }),
  tacticsOf: (t) => TACTICS[t] ?? [],
  markovRow: () => new Map([['TA0040', 1]]),
};
const at = (tactic: string): number => RANKER_TACTICS.indexOf(tactic);

describe('tacticFeatures', () => {
  it('gives each tactic its share of each view, with seen techniques left out', () => {
    const X = tacticFeatures(stub, ['T1566']);
    expect(X).toHaveLength(RANKER_TACTICS.length * RANKER_FEATURES);
    // first view (pop), "any" mass: impact 0.75, defence evasion 0.25, execution nothing
    expect(X[at('TA0040') * RANKER_FEATURES]).toBeCloseTo(Math.log(1e-4 + 0.75), 6);
    expect(X[at('TA0005') * RANKER_FEATURES]).toBeCloseTo(Math.log(1e-4 + 0.25), 6);
    const seenImpact = tacticFeatures(stub, ['T1486']);
    // T1486 seen: all of pop's remaining mass is defence evasion
    expect(seenImpact[at('TA0005') * RANKER_FEATURES]).toBeCloseTo(Math.log(1e-4 + 1), 6);
    expect(seenImpact[at('TA0040') * RANKER_FEATURES]).toBeCloseTo(Math.log(1e-4), 6);
  });
});

describe('fitRankerWeights', () => {
  // the next tactic is the one the first feature marks, whatever the intercepts say
  const cases: RankerCase[] = Array.from({ length: 40 }, (_, i) => {
    const X = new Float64Array(RANKER_TACTICS.length * RANKER_FEATURES);
    const truth = i % RANKER_TACTICS.length;
    X[truth * RANKER_FEATURES] = 1;
    return { X, truth: [truth] };
  });

  it('learns the feature that carries the next tactic', () => {
    const w = fitRankerWeights(cases, 1e-3);
    expect(w[0]).toBeGreaterThan(1);
    expect(rankerHits(cases, w)).toBe(cases.length);
    expect(rankerHits(cases, new Array<number>(RANKER_FEATURES).fill(0))).toBeLessThan(cases.length);
  });

  it('chooses the L2 strength by held-out groups and ranks tactics as probabilities', () => {
    const r = fitTacticRanker([cases.slice(0, 20), cases.slice(20)]);
    expect(r.validation.cases).toBe(40);
    expect(r.weights).toHaveLength(RANKER_FEATURES);
    const p = rankTactics(stub, r, ['T1566']);
    expect([...p.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });
});
