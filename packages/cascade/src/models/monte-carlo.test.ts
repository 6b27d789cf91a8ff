import { describe, expect, it } from 'vitest';
import { compile } from '../model/compiled.js';
import { DependencyGraph } from '../model/graph.js';
import type { Dependency } from '../model/types.js';
import { cascadeTimed } from './functional.js';
import { randomGraph } from './generate.js';
import { monteCarlo } from './monte-carlo.js';

const dep = (source: string, target: string, extra: Partial<Dependency> = {}): Dependency => ({
  source,
  target,
  type: 'physical',
  strength: 1,
  ttiHours: 0,
  recoveryHours: 0,
  ...extra,
});

describe('Monte Carlo cascade', () => {
  it('with every strength 1 it is the timed cascade, with probability 1', () => {
    const data = randomGraph({ n: 200, m: 600, seed: 5 });
    const certain = { ...data, dependencies: data.dependencies.map((d) => ({ ...d, strength: 1 })) };
    const c = compile(DependencyGraph.from(certain));
    const timed = cascadeTimed(c, ['e1', 'e2']);
    const mc = monteCarlo(c, ['e1', 'e2'], { runs: 20, seed: 1 });
    expect(mc.entities.length).toBe(timed.length);
    const at = new Map(timed.map((f) => [f.id, f.at]));
    for (const e of mc.entities) {
      expect(e.probability).toBe(1);
      expect(e.meanHours).toBeCloseTo(at.get(e.id)!, 9);
    }
  });

  it('a chain of strengths multiplies: P(b) = 0.5, P(c) = 0.5 × 0.8, timed by horizon', () => {
    const c = compile(
      DependencyGraph.from({
        entities: [],
        dependencies: [dep('b', 'a', { strength: 0.5, ttiHours: 2 }), dep('c', 'b', { strength: 0.8, ttiHours: 6 })],
      }),
    );
    const mc = monteCarlo(c, ['a'], { runs: 20_000, seed: 3, horizons: [1, 2, 8] });
    const by = new Map(mc.entities.map((e) => [e.id, e]));
    expect(by.get('a')?.probability).toBe(1);
    expect(Math.abs(by.get('b')!.probability - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(by.get('c')!.probability - 0.4)).toBeLessThan(0.015);
    // b fails at 2 h: nothing by 1 h, all of its failures by 2 h; c at 8 h.
    expect(by.get('b')!.byHorizon[0]).toBe(0);
    expect(by.get('b')!.byHorizon[1]).toBe(by.get('b')!.probability);
    expect(by.get('c')!.byHorizon[1]).toBe(0);
    expect(by.get('c')!.byHorizon[2]).toBe(by.get('c')!.probability);
    expect(by.get('c')!.meanHours).toBe(8);
    expect(Math.abs(by.get('c')!.p50Hours - 8) / 8).toBeLessThan(0.15);
  });

  it('repeats exactly for a seed and differs for another', () => {
    const c = compile(DependencyGraph.from(randomGraph({ n: 300, m: 900, seed: 8 })));
    const a = monteCarlo(c, ['e3'], { runs: 200, seed: 11 });
    expect(monteCarlo(c, ['e3'], { runs: 200, seed: 11 })).toEqual(a);
    expect(monteCarlo(c, ['e3'], { runs: 200, seed: 12 })).not.toEqual(a);
  });
});
