import { DirectedGraph } from 'graphology';
import brandesModule from 'graphology-metrics/centrality/betweenness.js';
import type { IBetweennessCentralityLike } from '../internal/test-types.js';

// The package is CommonJS: at run time the default import is the function itself, while its
// types describe it as a module with a default export.
const brandes = brandesModule as unknown as IBetweennessCentralityLike;
import { describe, expect, it } from 'vitest';
import { compile } from '../model/compiled.js';
import { DependencyGraph } from '../model/graph.js';
import type { GraphData } from '../model/types.js';
import { articulationPoints, betweenness, criticality } from './criticality.js';
import { cascadeRounds } from './functional.js';
import { randomGraph } from './generate.js';

/** Connected components of the undirected graph without `skip`, by union–find. */
function components(data: GraphData, skip?: string): number {
  const ids = data.entities.map((e) => e.id).filter((id) => id !== skip);
  const parent = new Map(ids.map((id) => [id, id]));
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  for (const d of data.dependencies) {
    if (d.source === skip || d.target === skip) continue;
    parent.set(find(d.source), find(d.target));
  }
  return new Set(ids.map(find)).size;
}

describe('criticality', () => {
  it('betweenness equals graphology-metrics (Brandes) on random graphs', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const data = randomGraph({ n: 60, m: 150, seed });
      const g = new DirectedGraph();
      for (const e of data.entities) g.addNode(e.id);
      for (const d of data.dependencies) g.mergeEdge(d.source, d.target);
      const want = brandes(g, { normalized: false });
      const c = compile(DependencyGraph.from(data));
      const got = betweenness(c);
      c.ids.forEach((id, i) => expect(got[i]!, `${seed} ${id}`).toBeCloseTo(want[id]!, 9));
    }
  });

  it('articulation points are the entities whose removal splits the graph', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const data = randomGraph({ n: 50, m: 60, seed });
      const c = compile(DependencyGraph.from(data));
      const cut = articulationPoints(c);
      const base = components(data);
      c.ids.forEach((id, i) => {
        // Removing an isolated entity lowers the count; an articulation point raises it.
        expect(cut[i] === 1, `${seed} ${id}`).toBe(components(data, id) > base);
      });
    }
  });

  it('ranks by removal impact, which equals the rounds cascade of each entity alone beyond the baseline', () => {
    const data = randomGraph({ n: 120, m: 300, seed: 42, overDemand: 0.05 });
    const c = compile(DependencyGraph.from(data));
    const r = criticality(c, { top: 120 });
    expect(r.impactComputed).toBe(120);
    expect(r.betweenness).toBe('exact');
    const baseline = new Set(cascadeRounds(c, []).failed);
    expect(baseline.size).toBeGreaterThan(0);
    let nonZero = 0;
    for (const e of r.entities) {
      const want = baseline.has(e.id)
        ? 0
        : cascadeRounds(c, [e.id]).failed.filter((id) => id !== e.id && !baseline.has(id)).length;
      expect(e.removalImpact, e.id).toBe(want);
      if (want > 0) nonZero++;
    }
    expect(nonZero).toBeGreaterThan(5);
    const impacts = r.entities.map((e) => e.removalImpact ?? -1);
    expect([...impacts].sort((a, b) => b - a)).toEqual(impacts);
  });

  it('samples betweenness above the exact limit and stops removal cascades at the budget', () => {
    const data = randomGraph({ n: 400, m: 1200, seed: 3 });
    const c = compile(DependencyGraph.from(data));
    const r = criticality(c, { exactBetweennessUpTo: 100, samples: 50, edgeBudget: 2000 });
    expect(r.betweenness).toBe('sampled');
    expect(r.impactComputed).toBeLessThan(400);
    expect(r.impactComputed).toBeGreaterThan(0);
  });
});
