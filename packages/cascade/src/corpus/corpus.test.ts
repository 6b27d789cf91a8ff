/**
 * The functional cascade against two independent references (full sweeps in TypeScript, and
 * networkx in Python where it is installed) on the real topologies of the shared corpora: the
 * GEANT 2012 research network (GraphML) and the European power grid (edge list + coordinates),
 * as imported and with stricter `minInputs` so that cascades run deep.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NETWORKX_ROUNDS, pythonReference, referenceRounds, runPython } from '../internal/reference.js';
import { importGraph } from '../import/detect.js';
import { compile } from '../model/compiled.js';
import { DependencyGraph } from '../model/graph.js';
import type { GraphData } from '../model/types.js';
import { cascadeRounds } from '../models/functional.js';
import { seededRandom } from '../models/random.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const dir = path.join(corpora, 'ml', 'infra-graphs');
const py = pythonReference();

/** A variant where some entities need up to all their suppliers (N−k fragile). */
function stricter(data: GraphData, seed: number): GraphData {
  const r = seededRandom(seed);
  const suppliers = new Map<string, number>();
  for (const d of data.dependencies) suppliers.set(d.source, (suppliers.get(d.source) ?? 0) + 1);
  return {
    ...data,
    entities: data.entities.map((e) => {
      const k = suppliers.get(e.id) ?? 0;
      return k <= 1 || r() < 0.5 ? e : { ...e, minInputs: 1 + Math.floor(r() * k) };
    }),
  };
}

function seedSets(data: GraphData, seed: number, count: number): string[][] {
  const r = seededRandom(seed);
  const ids = data.entities.map((e) => e.id);
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: 1 + ((i * 7) % 40) }, () => ids[Math.floor(r() * ids.length)] as string),
  );
}

function check(name: string, data: GraphData, seeds: string[][], minRounds: number): void {
  const c = compile(DependencyGraph.from(data));
  const mine = seeds.map((s) => cascadeRounds(c, s).steps.map((x) => [...x].sort()));
  const sweep = seeds.map((s) => referenceRounds(data, s).map((x) => [...x].sort()));
  expect(mine, `${name}: full-sweep reference`).toEqual(sweep);
  const deepest = Math.max(...mine.map((m) => m.length));
  const largest = Math.max(...mine.map((m) => m.flat().length));
  expect(deepest - 1, `${name}: the cascades must go beyond the seeds`).toBeGreaterThanOrEqual(minRounds);
  if (py.ok) {
    const nx = runPython<string[][][]>(NETWORKX_ROUNDS, { ...data, seedSets: seeds });
    expect(mine, `${name}: networkx reference`).toEqual(nx.map((steps) => steps.map((x) => [...x].sort())));
  }
  process.stderr.write(
    `${name}: ${seeds.length} seed sets, deepest ${deepest - 1} rounds, largest ${largest} failed\n`,
  );
}

describe.skipIf(!existsSync(dir))('functional cascade on the corpus graphs', { tags: ['corpus'] }, () => {
  // Without networkx the corpus tests still compare against the full-sweep reference (a corpus
  // test may skip only where the corpora are absent); the networkx comparison says why it is missing.
  if (!py.ok) process.stderr.write(`corpus cascades: networkx comparison not run: ${py.reason}\n`);

  it('GEANT 2012 (GraphML, undirected links both ways) as imported and stricter', () => {
    const r = importGraph(readFileSync(path.join(dir, 'Geant2012.graphml'), 'utf8'));
    expect(r.format).toBe('graphml');
    expect(r.data.entities).toHaveLength(40);
    const seeds = seedSets(r.data, 1, 40).map((s) => s.slice(0, 6));
    check('GEANT', r.data, seeds, 1);
    check('GEANT strict', stricter(r.data, 2), seeds, 3);
  });

  it('European power grid (edge list with coordinates) as imported and stricter', () => {
    const r = importGraph(readFileSync(path.join(dir, 'CIN_power-grids_european_powergridEU_E.csv'), 'utf8'), {
      format: 'csv',
      coordinates: readFileSync(path.join(dir, 'CIN_power-grids_european_powergridEU_V.csv'), 'utf8'),
    });
    expect(r.format).toBe('edgelist');
    expect(r.data.entities.length).toBe(13478);
    expect(r.data.entities.filter((e) => e.lat !== undefined).length).toBe(13478);
    const seeds = seedSets(r.data, 3, 12);
    check('EU grid', r.data, seeds, 1);
    check('EU grid strict', stricter(r.data, 4), seeds, 3);
  });
});
