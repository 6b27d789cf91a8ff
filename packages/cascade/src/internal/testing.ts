/**
 * @module
 * The graph store suite (`graphStoreSuite`): the same tests on every `GraphStore`,
 * `store/sqlite-graphs.test.ts` on SQLite and `store/pg-graphs.test.ts` on PostgreSQL. Each test
 * opens the store twice on one fresh database (two processes): one handle's writes must show in
 * the other's reads and in its cached compiled graphs, and no call may reach another tenant.
 *
 * The cascade state suite (`cascadeStateSuite`): the same tests on every `CascadeStateStore`,
 * `service/sqlite-state.test.ts` on SQLite and `service/pg-state.test.ts` on PostgreSQL, again
 * two handles on one database, and two `CascadeService`s over them (two processes sharing one
 * store): an impact or warning one stores the other reads, and a warning is taken once.
 */
import { describe, expect, it } from 'vitest';
import { isAppError, systemContext, type AuthContext } from '@intersoc/core';
import { importGraph } from '../import/detect.js';
import type { Dependency, GraphData } from '../model/types.js';
import { cascadeRounds } from '../models/functional.js';
import type { GraphStore } from '../store/graph-store.js';
import { CascadeService } from '../service/cascade-service.js';
import type { CascadeStateStore, IncidentImpact, WarningRecord } from '../service/state.js';
import { warningId, warningToStix, type CascadeWarning } from '../warning/warning.js';

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

/** Two handles on one fresh database (state and graphs each), and how to close both. */
export interface CascadeStateHandles {
  readonly state: CascadeStateStore;
  readonly other: CascadeStateStore;
  readonly graphs: GraphStore;
  readonly otherGraphs: GraphStore;
  close(): Promise<void>;
}

const PEER = 'f'.repeat(32);
const ME = 'e'.repeat(32);

function warning(id: string, o: Partial<CascadeWarning> = {}): CascadeWarning {
  return {
    id,
    fromOrg: 'energy-op',
    fromSector: 'energy',
    toOrg: 'telecom-op',
    toPeer: PEER,
    originTime: '2026-03-01T10:00:00.000Z',
    failed: [{ entity: 'substation-1', hours: 0 }],
    threatened: [{ entity: 'site-7', org: 'telecom-op', hours: 4.5, probability: 1 }],
    confidence: 90,
    hops: 0,
    path: ['energy-op'],
    summary: `warning ${id}`,
    ...o,
  };
}

function impact(incident: string, computed: number): IncidentImpact {
  return { incident, computed, start: 500, hosts: ['scada-01'], graphs: [] };
}

/** The suite, on the stores `open` returns (a fresh database each call). */
export function cascadeStateSuite(name: string, open: () => Promise<CascadeStateHandles>): void {
  describe(`cascade state (${name})`, () => {
    it('keeps impacts per tenant and incident; a later one replaces the earlier, seen by the other handle', async () => {
      const h = await open();
      try {
        expect(h.state.impact('acme', 'inc-1')).toBeUndefined();
        h.state.putImpact('acme', impact('inc-1', 1000));
        h.state.putImpact('acme', impact('INC-1', 1001));
        expect(h.other.impact('acme', 'inc-1')).toEqual(impact('inc-1', 1000));
        expect(h.other.impact('globex', 'inc-1')).toBeUndefined();
        h.other.putImpact('acme', { ...impact('inc-1', 2000), hosts: ['a', 'b'] });
        expect(h.state.impact('acme', 'inc-1')).toEqual({ ...impact('inc-1', 2000), hosts: ['a', 'b'] });
        expect(h.state.impact('acme', 'INC-1')).toEqual(impact('INC-1', 1001));
      } finally {
        await h.close();
      }
    });

    it('records warnings sent (a repeat replaces) and received (once), newest first, per tenant', async () => {
      const h = await open();
      try {
        h.state.putSent('acme', warning('w-1'), 1000);
        h.other.putSent('acme', warning('w-1', { confidence: 50 }), 3000);
        h.state.putSent('acme', warning('w-b'), 2000);
        h.state.putSent('acme', warning('w-B'), 2000);
        const local = impact('w-r', 2500);
        const received: WarningRecord = { direction: 'received', peer: ME, time: 2000, warning: warning('w-b'), local };
        expect(h.state.received('acme', 'w-b')).toBe(false);
        expect(h.state.putReceived('acme', received)).toBe(true);
        expect(h.other.received('acme', 'w-b')).toBe(true);
        expect(h.other.received('globex', 'w-b')).toBe(false);
        // Taken once: the other process's attempt stores nothing.
        expect(h.other.putReceived('acme', { ...received, peer: 'someone', time: 9000 })).toBe(false);
        h.other.putSent('globex', warning('w-g'), 5000);
        const list = h.other.warnings('acme', 10);
        // Ties of time by id, then direction, byte-wise: 'w-B' < 'w-b', 'received' < 'sent'.
        expect(list.map((r) => [r.warning.id, r.direction, r.time])).toEqual([
          ['w-1', 'sent', 3000],
          ['w-B', 'sent', 2000],
          ['w-b', 'received', 2000],
          ['w-b', 'sent', 2000],
        ]);
        expect(list[0]).toEqual({
          direction: 'sent',
          peer: PEER,
          time: 3000,
          warning: warning('w-1', { confidence: 50 }),
        });
        expect(list[2]).toEqual(received);
        expect(h.state.warnings('acme', 2).map((r) => r.warning.id)).toEqual(['w-1', 'w-B']);
        expect(h.state.warnings('globex', 10).map((r) => r.warning.id)).toEqual(['w-g']);
        expect(h.state.warnings('other', 10)).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it('keeps cursors per tenant and name, 0 until set', async () => {
      const h = await open();
      try {
        expect(h.state.cursor('acme', 'delivered')).toBe(0);
        h.state.setCursor('acme', 'delivered', 1_764_000_000_123);
        h.other.setCursor('acme', 'other', 7);
        h.other.setCursor('globex', 'delivered', 3);
        expect(h.other.cursor('acme', 'delivered')).toBe(1_764_000_000_123);
        h.other.setCursor('acme', 'delivered', 5);
        expect(h.state.cursor('acme', 'delivered')).toBe(5);
        expect(h.state.cursor('acme', 'other')).toBe(7);
        expect(h.state.cursor('globex', 'delivered')).toBe(3);
        expect(h.state.cursor('globex', 'other')).toBe(0);
      } finally {
        await h.close();
      }
    });

    it('two services on one store: the impact of an incident and a received warning show in the other, taken once', async () => {
      const h = await open();
      try {
        const settings = { runs: 0 };
        const a = new CascadeService({ graphs: h.graphs, state: h.state, nodeId: ME, settings, now: () => 1000 });
        const b = new CascadeService({ graphs: h.otherGraphs, state: h.other, nodeId: ME, settings, now: () => 2000 });
        const data: GraphData = {
          entities: [
            { id: 'energy-op', kind: 'organisation', sector: 'energy', peer: ME, minInputs: 1, buffers: {} },
            { id: 'site-7', kind: 'asset', org: 'energy-op', asset: 'bts-7', minInputs: 1, buffers: {} },
            { id: 'feeder', kind: 'asset', org: 'energy-op', minInputs: 1, buffers: {} },
          ],
          dependencies: [dep('feeder', 'site-7')],
        };
        a.store.put(acme, 'main', data);
        const done = a.assessIncident(acme, { id: 'inc-1', hosts: ['BTS-7'], firstSeen: 500 });
        expect(done?.graphs[0]?.timeline.map((f) => f.id)).toEqual(['site-7', 'feeder']);
        expect(b.incidentImpact(acme, 'inc-1')).toEqual(done);
        expect(b.incidentImpact(globex, 'inc-1')).toBeUndefined();
        expect(codeOf(() => b.incidentImpact({ ...viewer, roles: [] }, 'inc-1'))).toBe('FORBIDDEN');

        const id = warningId('inc-9', ME, 0);
        const stix = warningToStix(warning(id, { toPeer: ME }), { time: '2026-03-01T10:00:00.000Z' });
        const got = a.receiveWarning(acme, stix, PEER);
        expect(got.record?.local?.graphs[0]?.timeline.map((f) => f.id)).toEqual(['site-7', 'feeder']);
        expect(b.receiveWarning(acme, stix, PEER).reason).toBe('already received');
        expect(b.warnings(viewer).map((r) => [r.direction, r.peer, r.time, r.warning.id])).toEqual([
          ['received', PEER, 1000, id],
        ]);
        expect(b.warnings(globex)).toEqual([]);
        expect(b.receiveWarning(globex, stix, PEER).record?.warning.id).toBe(id);
      } finally {
        await h.close();
      }
    });
  });
}
