/**
 * The privacy store suite (internal/testing.ts) on a real PostgreSQL server: a scratch database per
 * test migrated by `migratePg`, two bridges (two connections); and two threads deciding the same
 * requests at once. Skips, and says so, only when PostgreSQL is unreachable.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { privacyStoreSuite } from '../internal/testing.js';
import { PgPrivacyStore } from './pg-store.js';

const probe = await createScratchDb('intersoc_privacy');
if ('unavailable' in probe) console.warn(`postgres privacy store tests skipped: ${probe.unavailable}`);
else await probe.drop();
const live = 'url' in probe;

describe.skipIf(!live)('PostgreSQL', () => {
  privacyStoreSuite('PostgreSQL', async (now) => {
    const db = await createScratchDb('intersoc_privacy');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    return {
      store: new PgPrivacyStore(a, now),
      other: new PgPrivacyStore(b, now),
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });
});

/**
 * A thread that, through a store and a bridge of its own (the built modules, as another process
 * would run them), remembers the shared pseudonyms, then tries to decide every request; it answers
 * how many it decided, and fails on anything but the CONFLICT of a request decided already.
 */
function decider(url: string, ids: readonly string[], user: string, gate: SharedArrayBuffer): Promise<number> {
  const privacy = new URL('../../dist/index.js', import.meta.url).href;
  const pg = new URL('../../../storage/dist/postgres/index.js', import.meta.url).href;
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    Promise.all([import(workerData.privacy), import(workerData.pg)]).then(async ([{ PgPrivacyStore }, { openSyncPg }]) => {
      const bridge = openSyncPg(workerData.url);
      const store = new PgPrivacyStore(bridge);
      const shown = Array.from({ length: 20 }, (_, i) => ({ pseudonym: 'user-' + i, kind: 'user', value: 'u' + i }));
      store.remember('acme', shown);
      // Both threads start deciding together: each waits here until the other is ready.
      const gate = new Int32Array(workerData.gate);
      Atomics.add(gate, 0, 1);
      Atomics.notify(gate, 0);
      while (Atomics.load(gate, 0) < 2) Atomics.wait(gate, 0, 1, 50);
      let decided = 0;
      for (const id of workerData.ids) {
        try {
          store.decide('acme', id, workerData.user, true);
          decided++;
        } catch (err) {
          if (err.code !== 'CONFLICT') throw err;
        }
      }
      await bridge.close();
      parentPort.postMessage(decided);
    });`;
  return new Promise((resolve, reject) => {
    let decided = -1;
    const w = new Worker(code, { eval: true, workerData: { privacy, pg, url, ids, user, gate } });
    w.once('message', (n: number) => (decided = n));
    w.once('error', reject);
    w.once('exit', (c) => (c === 0 ? resolve(decided) : reject(new Error(`decider exited with ${c}`))));
  });
}

describe.skipIf(!live)('PostgreSQL privacy store under concurrent writers', () => {
  it('two threads deciding the same pending requests at once decide each exactly once', async () => {
    const db = await createScratchDb('intersoc_privacy');
    if (!('url' in db)) throw new Error(db.unavailable);
    try {
      await migratePg(db.url);
      const pg = openSyncPg(db.url);
      try {
        const store = new PgPrivacyStore(pg);
        store.remember('acme', [{ pseudonym: 'user-0', kind: 'user', value: 'u0' }]);
        const ids = Array.from(
          { length: 60 },
          () =>
            store.request('acme', { pseudonym: 'user-0', caseId: 'c', reason: 'r', user: 'ann', fourEyes: true }).id,
        );
        const gate = new SharedArrayBuffer(4);
        const [left, right] = await Promise.all([
          decider(db.url, ids, 'left', gate),
          decider(db.url, ids, 'right', gate),
        ]);
        expect(left + right).toBe(60);
        const all = store.list('acme');
        expect(all.filter((r) => r.status === 'approved')).toHaveLength(60);
        expect(all.filter((r) => r.decidedBy === 'left')).toHaveLength(left);
        expect(pg.query<{ n: number }>('SELECT count(*)::int AS n FROM privacy_pseudonyms')).toEqual([{ n: 20 }]);
      } finally {
        await pg.close();
      }
    } finally {
      await db.drop();
    }
  });
});
