/**
 * The model registry suite (internal/testing.ts) on a real PostgreSQL server: a scratch database
 * per test migrated by `migratePg`, two bridges (two connections). Skips, and says so, only when
 * PostgreSQL is unreachable.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { isAppError, systemContext } from '@intersoc/core';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { modelStoreSuite, testModelDoc } from '../internal/testing.js';
import { PgModelStore } from './pg-models.js';

const probe = await createScratchDb('intersoc_ml_models');
if ('unavailable' in probe) console.warn(`postgres model registry tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  async function open() {
    const db = await createScratchDb('intersoc_ml_models');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    return {
      store: new PgModelStore(a),
      other: new PgModelStore(b),
      pg: a,
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  }

  modelStoreSuite('PostgreSQL', open);

  it('refuses a second deployed version of a name even past the store (partial unique index)', async () => {
    const h = await open();
    try {
      const ctx = systemContext('a');
      h.store.add(ctx, 'm', testModelDoc(0.5));
      h.store.add(ctx, 'm', testModelDoc(0.6));
      h.store.deploy(ctx, 'm', 1);
      let code: unknown;
      try {
        h.pg.run("UPDATE ml_models SET status = 'deployed' WHERE tenant = 'a' AND name = 'm' AND version = 2");
      } catch (err) {
        code = isAppError(err) ? err.details?.['sqlState'] : err;
      }
      expect(code).toBe('23505');
      expect(h.other.deployed(ctx).map((m) => m.version)).toEqual([1]);
    } finally {
      await h.close();
    }
  });
});

/**
 * A thread that adds and deploys `n` versions of tenant a's model m through a store and a bridge
 * of its own (the built modules, as another process would run them).
 */
function writer(url: string, n: number, threshold: number): Promise<void> {
  const learn = new URL('../../dist/index.js', import.meta.url).href;
  const pg = new URL('../../../storage/dist/postgres/index.js', import.meta.url).href;
  const doc = testModelDoc(threshold);
  const code = `
    const { workerData } = require('node:worker_threads');
    Promise.all([import(workerData.learn), import(workerData.pg)]).then(async ([{ PgModelStore }, { openSyncPg }]) => {
      const bridge = openSyncPg(workerData.url);
      const store = new PgModelStore(bridge);
      const ctx = { tenant: 'a', user: 'system', roles: ['admin'] };
      for (let i = 0; i < workerData.n; i++) {
        const v = store.add(ctx, 'm', workerData.doc).version;
        store.deploy(ctx, 'm', v);
      }
      await bridge.close();
    });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { learn, pg, url, n, doc } });
    w.once('error', reject);
    w.once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`writer exited with ${c}`))));
  });
}

describe.skipIf(!('url' in probe))('PostgreSQL model registry under concurrent writers', () => {
  it('two threads adding and deploying one name at once: every version numbered once, one deployed', async () => {
    const db = await createScratchDb('intersoc_ml_models');
    if (!('url' in db)) throw new Error(db.unavailable);
    try {
      await migratePg(db.url);
      await Promise.all([writer(db.url, 25, 0.1), writer(db.url, 25, 0.2)]);
      const pg = openSyncPg(db.url);
      try {
        const s = new PgModelStore(pg);
        const ctx = systemContext('a');
        const list = s.list(ctx);
        expect(list.map((m) => m.version)).toEqual(Array.from({ length: 50 }, (_, i) => 50 - i));
        expect(list.filter((m) => m.threshold === 0.1)).toHaveLength(25);
        expect(list.filter((m) => m.status === 'deployed')).toHaveLength(1);
        // Every deploy bumped the revision once.
        expect(s.revision()).toBe(50);
      } finally {
        await pg.close();
      }
    } finally {
      await db.drop();
    }
  });
});
