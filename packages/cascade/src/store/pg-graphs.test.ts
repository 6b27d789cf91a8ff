/**
 * The graph store suite (internal/testing.ts) on a real PostgreSQL server: a scratch
 * database per test migrated by `migratePg`, two bridges (two connections, as two processes). Then
 * what SQLite does not promise: a handle's cached compiled graph is dropped when another process
 * deletes and re-creates the graph (its version restarts at 1). Skips, and says so, only when
 * PostgreSQL is unreachable.
 */
import { describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { importGraph } from '../import/detect.js';
import { graphStoreSuite, type GraphStoreHandles } from '../internal/testing.js';
import { PgGraphStore } from './pg-graphs.js';

const probe = await createScratchDb('intersoc_cascade');
if ('unavailable' in probe) console.warn(`postgres graph store tests skipped: ${probe.unavailable}`);
else await probe.drop();

async function open(now: () => number): Promise<GraphStoreHandles> {
  const db = await createScratchDb('intersoc_cascade');
  if (!('url' in db)) throw new Error(db.unavailable);
  await migratePg(db.url);
  const a = openSyncPg(db.url);
  const b = openSyncPg(db.url);
  return {
    store: new PgGraphStore(a, now),
    other: new PgGraphStore(b, now),
    async close() {
      await a.close();
      await b.close();
      await db.drop();
    },
  };
}

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  graphStoreSuite('PostgreSQL', open);

  it('drops a cached graph that another process deleted and re-created at the same version', async () => {
    // A frozen clock: the summary alone (version, created, updated) cannot tell the two apart.
    const h = await open(() => 1000);
    try {
      const acme = systemContext('acme');
      h.store.put(acme, 'g', importGraph('source,target\nb,a\n').data);
      const before = h.store.load(acme, 'g');
      expect(h.store.load(acme, 'g')).toBe(before);
      expect(h.other.delete(acme, 'g')).toBe(true);
      h.other.put(acme, 'g', importGraph('source,target\nx,y\ny,z\n').data);
      const after = h.store.load(acme, 'g');
      expect(after).not.toBe(before);
      expect(after.info).toEqual({ ...before.info, entities: 3, dependencies: 2 });
      expect(after.graph.entityCount).toBe(3);
    } finally {
      await h.close();
    }
  });
});
