import { describe, expect, it } from 'vitest';
import { isAppError, systemContext, type AuthContext } from '@intersoc/core';
import { openDatabase } from '@intersoc/storage';
import { importGraph } from '../import/detect.js';
import { cascadeRounds } from '../models/functional.js';
import { SqliteGraphStore } from './sqlite-graphs.js';

const CSV = 'source,target,type,strength,min_inputs_of_source\nb,a,physical,1,1\nc,b,cyber,0.5,1\n';
const viewer: AuthContext = { tenant: 'acme', user: 'v', roles: ['viewer'], via: 'token' };

describe('graph store', () => {
  it('keeps graphs per tenant, replaces or merges, and recompiles after a change', () => {
    const store = new SqliteGraphStore(openDatabase(':memory:'));
    const acme = systemContext('acme');
    const other = systemContext('other');
    store.put(acme, 'g', importGraph(CSV).data, { source: 'import:csv' });
    expect(store.list(other)).toEqual([]);
    expect(() => store.load(other, 'g')).toThrow(/no graph g/);
    const first = store.load(acme, 'g');
    expect(cascadeRounds(first.compiled, ['a']).failed).toEqual(['a', 'b', 'c']);
    expect(store.load(acme, 'g')).toBe(first);
    store.put(acme, 'g', importGraph('source,target\nd,c\n').data, { mode: 'merge' });
    const merged = store.load(acme, 'g');
    expect(merged.info.version).toBe(2);
    expect(cascadeRounds(merged.compiled, ['a']).failed).toEqual(['a', 'b', 'c', 'd']);
    expect(store.data(acme, 'g').dependencies.find((d) => d.source === 'c')).toMatchObject({
      type: 'cyber',
      strength: 0.5,
    });
    store.put(acme, 'g', importGraph('source,target\nx,y\n').data);
    expect(store.info(acme, 'g')).toMatchObject({ entities: 2, dependencies: 1, version: 3 });
    expect(store.delete(acme, 'g')).toBe(true);
    expect(store.delete(acme, 'g')).toBe(false);
  });

  it('viewers read but may not write; bad names are VALIDATION', () => {
    const store = new SqliteGraphStore(openDatabase(':memory:'));
    store.put(systemContext('acme'), 'g', importGraph(CSV).data);
    expect(store.list(viewer).map((g) => g.name)).toEqual(['g']);
    try {
      store.put(viewer, 'g', importGraph(CSV).data);
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err, 'FORBIDDEN')).toBe(true);
    }
    expect(() => store.info(viewer, '../etc')).toThrow(/invalid graph name/);
  });

  it('finds the entities that stand for inventory hosts', () => {
    const store = new SqliteGraphStore(openDatabase(':memory:'));
    const acme = systemContext('acme');
    store.put(acme, 'g', {
      entities: [{ id: 'sub-1', kind: 'asset', minInputs: 1, buffers: {}, asset: 'SCADA-01' }],
      dependencies: [{ source: 'tel', target: 'sub-1', type: 'physical', strength: 1, ttiHours: 0, recoveryHours: 0 }],
    });
    expect(store.entitiesOfAsset(acme, ['scada-01']).map((x) => [x.graph, x.entity.id])).toEqual([['g', 'sub-1']]);
    expect(store.entitiesOfAsset(systemContext('other'), ['scada-01'])).toEqual([]);
  });
});
