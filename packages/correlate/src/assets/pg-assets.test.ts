/**
 * The asset store suite (internal/testing.ts) on a real PostgreSQL server: a scratch database per
 * test migrated by `migratePg`, two bridges (two connections). Skips, and says so, only when
 * PostgreSQL is unreachable. Below it, two threads writing one tenant's inventory at once.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { assetStoreSuite } from './internal/testing.js';
import { PgAssetStore } from './pg-assets.js';

const probe = await createScratchDb('intersoc_assets');
if ('unavailable' in probe) console.warn(`postgres asset store tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  assetStoreSuite('PostgreSQL', async (now, o) => {
    const db = await createScratchDb('intersoc_assets');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    return {
      assets: new PgAssetStore(a, now, o),
      other: new PgAssetStore(b, now, o),
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });
});

/**
 * A thread that runs `rounds` of upserts (the shared hosts in the given order, plus one host of
 * its own) and removals through a store and a bridge of its own: the built modules, as another
 * process would run them.
 */
function writer(url: string, name: string, rounds: number, shared: readonly string[]): Promise<void> {
  const correlate = new URL('../../dist/index.js', import.meta.url).href;
  const pg = new URL('../../../storage/dist/postgres/index.js', import.meta.url).href;
  const code = `
    const { workerData: w } = require('node:worker_threads');
    Promise.all([import(w.correlate), import(w.pg)]).then(async ([{ PgAssetStore }, { openSyncPg }]) => {
      const bridge = openSyncPg(w.url);
      const store = new PgAssetStore(bridge);
      const ctx = { tenant: 't1', user: 'system', roles: ['admin'] };
      for (let i = 0; i < w.rounds; i++) {
        const mine = { kind: 'host', name: w.name + '-' + i, criticality: 'low' };
        store.upsert(ctx, [...w.shared.map((name) => ({ kind: 'host', name, criticality: 'high', owner: w.name })), mine]);
        if (i % 2 === 1) store.remove(ctx, 'host', w.name + '-' + (i - 1));
      }
      await bridge.close();
    });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { correlate, pg, url, name, rounds, shared } });
    w.once('error', reject);
    w.once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`writer ${name} exited with ${c}`))));
  });
}

describe.skipIf(!('url' in probe))('PostgreSQL asset store under concurrent writers', () => {
  it('two threads writing overlapping hosts in opposite orders: no deadlock, every write counted once', async () => {
    const db = await createScratchDb('intersoc_assets');
    if (!('url' in db)) throw new Error(db.unavailable);
    try {
      await migratePg(db.url);
      const shared = Array.from({ length: 600 }, (_, i) => `shared-${String(i).padStart(3, '0')}`);
      await Promise.all([writer(db.url, 'x', 20, shared), writer(db.url, 'y', 20, [...shared].reverse())]);
      const pg = openSyncPg(db.url);
      try {
        const ctx = systemContext('t1');
        const s = new PgAssetStore(pg);
        const names = s.list(ctx).map((a) => a.name);
        // Each thread kept its odd-numbered hosts and removed the even ones (listed in byte order).
        const odd = ['x', 'y'].flatMap((w) => Array.from({ length: 10 }, (_, i) => `${w}-${2 * i + 1}`));
        expect(names.filter((n) => !n.startsWith('shared'))).toEqual(odd.sort());
        expect(s.list(ctx, { q: 'shared' })).toHaveLength(600);
        // One owner per host, whoever wrote last; both threads' upserts and removals bumped the version.
        expect(new Set(s.list(ctx, { q: 'shared' }).map((a) => a.owner)).size).toBeLessThanOrEqual(2);
        const [v] = pg.query<{ version: number }>("SELECT version FROM asset_versions WHERE tenant = 't1'");
        expect(v?.version).toBe(2 * (20 + 10));
        expect(s.lookup(ctx).criticalityOf('host', 'y-19')).toBe('low');
      } finally {
        await pg.close();
      }
    } finally {
      await db.drop();
    }
  });
});
