/**
 * @module
 * The graph store suite (`graphStoreSuite`): the same tests on every `GraphStore`,
 * `store/sqlite-graphs.test.ts` on SQLite and `store/pg-graphs.test.ts` on PostgreSQL. Each test
 * opens the store twice on one fresh database (two processes): one handle's writes must show in
 * the other's reads and in its cached compiled graphs, and no call may reach another tenant.
 */
import { describe, expect, it } from 'vitest';
import { isAppError, systemContext, type AuthContext } from '@intersoc/core';
import { importGraph } from '../import/detect.js';
import type { Dependency, GraphData } from '../model/types.js';
import { cascadeRounds } from '../models/functional.js';
import type { GraphStore } from '../store/graph-store.js';

/** Two handles on one fresh database, and how to close both. */
export interface GraphStoreHandles {
  readonly store: GraphStore;
  readonly other: GraphStore;
  close(): Promise<void>;
}

const CSV = 'source,target,type,strength,min_inputs_of_source\nb,a,physical,1,1\nc,b,cyber,0.5,1\n';
const viewer: AuthContext = { tenant: 'acme', user: 'v', roles: ['viewer'], via: 'token' };
const acme = systemContext('acme');
const globex = systemContext('globex');

/** The error code `f` throws, or undefined. */
function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return isAppError(err) ? err.code : 'not an AppError';
  }
  return undefined;
}

function dep(source: string, target: string, strength = 1): Dependency {
  return { source, target, type: 'physical', strength, ttiHours: 2, recoveryHours: 8 };
}

/** The suite, on the stores `open` returns (a fresh database each call, clock given). */
export function graphStoreSuite(name: string, open: (now: () => number) => Promise<GraphStoreHandles>): void {
  describe(`graph store (${name})`, () => {
    it('keeps graphs per tenant, replaces or merges, and recompiles after a change by either handle', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        const first = h.store.put(acme, 'g', importGraph(CSV).data, { source: 'import:csv' });
        expect(first).toEqual({
          name: 'g',
          created: 1000,
          updated: 1000,
          version: 1,
          entities: 3,
          dependencies: 2,
          source: 'import:csv',
        });
        expect(h.store.list(globex)).toEqual([]);
        expect(codeOf(() => h.store.load(globex, 'g'))).toBe('NOT_FOUND');
        expect(codeOf(() => h.other.data(globex, 'g'))).toBe('NOT_FOUND');
        const loaded = h.store.load(acme, 'g');
        expect(cascadeRounds(loaded.compiled, ['a']).failed).toEqual(['a', 'b', 'c']);
        expect(h.store.load(acme, 'g')).toBe(loaded);

        t = 2000;
        const merged = h.other.put(acme, 'g', importGraph('source,target\nd,c\n').data, { mode: 'merge' });
        expect(merged).toMatchObject({ created: 1000, updated: 2000, version: 2, entities: 4, source: 'api' });
        const again = h.store.load(acme, 'g');
        expect(again.info).toEqual(merged);
        expect(cascadeRounds(again.compiled, ['a']).failed).toEqual(['a', 'b', 'c', 'd']);
        expect(h.store.data(acme, 'g').dependencies.find((d) => d.source === 'c')).toMatchObject({
          type: 'cyber',
          strength: 0.5,
        });

        t = 3000;
        h.other.put(acme, 'g', importGraph('source,target\nx,y\n').data);
        expect(h.store.info(acme, 'g')).toMatchObject({ entities: 2, dependencies: 1, version: 3 });
        expect(h.store.load(acme, 'g').graph.entityCount).toBe(2);
        expect(h.other.delete(acme, 'g')).toBe(true);
        expect(h.store.delete(acme, 'g')).toBe(false);
        expect(h.store.info(acme, 'g')).toBeUndefined();
        expect(codeOf(() => h.store.load(acme, 'g'))).toBe('NOT_FOUND');
      } finally {
        await h.close();
      }
    });

    it('keeps the last of an id given twice, fills in entities that dependencies name, and orders byte-wise', async () => {
      const h = await open(() => 1000);
      try {
        const data: GraphData = {
          entities: [
            { id: 'b', kind: 'service', minInputs: 1, buffers: {}, name: 'first' },
            { id: 'B', kind: 'service', minInputs: 2, buffers: { physical: 4 }, sector: 'energy' },
            { id: 'b', kind: 'service', minInputs: 1, buffers: {}, name: 'second' },
          ],
          dependencies: [dep('b', 'a', 0.2), dep('B', 'b'), dep('b', 'a', 0.7), dep('a', 'Z')],
        };
        expect(h.store.put(acme, 'g', data)).toMatchObject({ entities: 4, dependencies: 3 });
        const back = h.other.data(acme, 'g');
        expect(back.entities.map((e) => e.id)).toEqual(['B', 'Z', 'a', 'b']);
        expect(back.entities[0]).toEqual(data.entities[1]);
        expect(back.entities[1]).toEqual({ id: 'Z', kind: 'asset', minInputs: 1, buffers: {} });
        expect(back.entities[3]?.name).toBe('second');
        expect(back.dependencies).toEqual([dep('B', 'b'), dep('a', 'Z'), dep('b', 'a', 0.7)]);

        // merge: a listed entity replaces its placeholder, a placeholder never replaces an entity
        h.other.put(
          acme,
          'g',
          { entities: [{ id: 'Z', kind: 'organisation', minInputs: 1, buffers: {} }], dependencies: [dep('b', 'new')] },
          { mode: 'merge' },
        );
        const merged = h.store.data(acme, 'g');
        expect(merged.entities.map((e) => [e.id, e.kind, e.name])).toEqual([
          ['B', 'service', undefined],
          ['Z', 'organisation', undefined],
          ['a', 'asset', undefined],
          ['b', 'service', 'second'],
          ['new', 'asset', undefined],
        ]);
        expect(merged.dependencies).toHaveLength(4);

        h.other.put(acme, 'zeta', { entities: [], dependencies: [] });
        h.other.put(acme, 'Alpha', { entities: [], dependencies: [] });
        h.other.put(globex, 'hidden', { entities: [], dependencies: [] });
        expect(h.store.list(acme).map((g) => [g.name, g.entities])).toEqual([
          ['Alpha', 0],
          ['g', 5],
          ['zeta', 0],
        ]);
      } finally {
        await h.close();
      }
    });

    it('writes and reads back a graph of thousands of dependencies, replaced and merged', async () => {
      const h = await open(() => 1000);
      try {
        const n = 4500;
        const chain = (from: number, to: number, strength: number) =>
          Array.from({ length: to - from }, (_, i) => dep(`n${from + i + 1}`, `n${from + i}`, strength));
        expect(h.store.put(acme, 'big', { entities: [], dependencies: chain(0, n, 1) })).toMatchObject({
          entities: n + 1,
          dependencies: n,
        });
        const merged = h.other.put(
          acme,
          'big',
          { entities: [], dependencies: chain(n - 2500, n + 500, 0.5) },
          { mode: 'merge' },
        );
        expect([merged.entities, merged.dependencies, merged.version]).toEqual([n + 501, n + 500, 2]);
        const back = h.store.data(acme, 'big');
        expect(back.dependencies).toHaveLength(n + 500);
        expect(back.dependencies.filter((d) => d.strength === 0.5)).toHaveLength(3000);
        const failed = cascadeRounds(h.store.load(acme, 'big').compiled, ['n0']).failed;
        expect(failed).toHaveLength(n + 501);
      } finally {
        await h.close();
      }
    });

    it('viewers read but may not write; bad names are VALIDATION', async () => {
      const h = await open(() => 1000);
      try {
        h.store.put(acme, 'g', importGraph(CSV).data);
        expect(h.other.list(viewer).map((g) => g.name)).toEqual(['g']);
        expect(h.other.load(viewer, 'g').info.version).toBe(1);
        expect(codeOf(() => h.other.put(viewer, 'g', importGraph('source,target\nx,y\n').data))).toBe('FORBIDDEN');
        expect(codeOf(() => h.other.delete(viewer, 'g'))).toBe('FORBIDDEN');
        expect(h.store.info(acme, 'g')?.entities).toBe(3);
        expect(codeOf(() => h.store.info(viewer, '../etc'))).toBe('VALIDATION');
        expect(() => h.store.info(viewer, '../etc')).toThrow(/invalid graph name/);
        expect(codeOf(() => h.store.put(acme, 'a b', importGraph(CSV).data))).toBe('VALIDATION');
        expect(codeOf(() => h.store.data(acme, '-x'))).toBe('VALIDATION');
        expect(h.store.list(acme)).toHaveLength(1);
      } finally {
        await h.close();
      }
    });

    it('finds the entities that stand for inventory hosts, in every graph of the tenant only', async () => {
      const h = await open(() => 1000);
      try {
        const data = (asset: string): GraphData => ({
          entities: [{ id: 'sub-1', kind: 'asset', minInputs: 1, buffers: {}, asset }],
          dependencies: [dep('tel', 'sub-1')],
        });
        h.store.put(acme, 'g', data('SCADA-01'));
        h.store.put(acme, 'Grid', data('scada-01'));
        h.other.put(globex, 'g', data('SCADA-01'));
        expect(h.other.entitiesOfAsset(acme, ['scada-01', 'SCADA-01']).map((x) => [x.graph, x.entity.id])).toEqual([
          ['Grid', 'sub-1'],
          ['g', 'sub-1'],
        ]);
        expect(h.other.entitiesOfAsset(acme, ['Scada-01'])[1]?.entity.asset).toBe('SCADA-01');
        expect(h.store.entitiesOfAsset(systemContext('other'), ['scada-01'])).toEqual([]);
        expect(h.store.entitiesOfAsset(acme, [])).toEqual([]);
        expect(h.store.entitiesOfAsset(acme, ['tel'])).toEqual([]);
      } finally {
        await h.close();
      }
    });
  });
}
