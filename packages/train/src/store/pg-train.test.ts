/**
 * The training store suite (internal/testing.ts) on a real PostgreSQL server: a scratch database
 * per test migrated by `migratePg`, two bridges (two connections); and two threads appending to one
 * run at once. Skips, and says so, only when PostgreSQL is unreachable.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { trainStoreSuite } from '../internal/testing.js';
import type { RunAction } from '../scoring/fold.js';
import { PgTrainStore } from './pg-train.js';

const probe = await createScratchDb('intersoc_train');
if ('unavailable' in probe) console.warn(`postgres training store tests skipped: ${probe.unavailable}`);
else await probe.drop();
const live = 'url' in probe;

describe.skipIf(!live)('PostgreSQL', () => {
  trainStoreSuite('PostgreSQL', async () => {
    const db = await createScratchDb('intersoc_train');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    return {
      store: new PgTrainStore(a),
      other: new PgTrainStore(b),
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });
});

/**
 * A thread that appends `n` pairs of actions to run r1 through a store and a bridge of its own
 * (the built modules, as another process would run them).
 */
function appender(url: string, n: number, who: string): Promise<void> {
  const train = new URL('../../dist/index.js', import.meta.url).href;
  const pg = new URL('../../../storage/dist/postgres/index.js', import.meta.url).href;
  const code = `
    const { workerData } = require('node:worker_threads');
    Promise.all([import(workerData.train), import(workerData.pg)]).then(async ([{ PgTrainStore }, { openSyncPg }]) => {
      const bridge = openSyncPg(workerData.url);
      const store = new PgTrainStore(bridge);
      for (let i = 0; i < workerData.n; i++) {
        store.append('r1', [
          { kind: 'open', level: workerData.who, time: 2 * i },
          { kind: 'answer', level: workerData.who, time: 2 * i + 1, answer: String(i), correct: false },
        ]);
      }
      await bridge.close();
    });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { train, pg, url, n, who } });
    w.once('error', reject);
    w.once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`appender exited with ${c}`))));
  });
}

describe.skipIf(!live)('PostgreSQL training store under concurrent writers', () => {
  it('two threads appending to one run at once keep every action, each batch whole and in order', async () => {
    const db = await createScratchDb('intersoc_train');
    if (!('url' in db)) throw new Error(db.unavailable);
    try {
      await migratePg(db.url);
      await Promise.all([appender(db.url, 80, 'left'), appender(db.url, 80, 'right')]);
      const pg = openSyncPg(db.url);
      try {
        const seqs = pg.query<{ seq: number }>("SELECT seq FROM train_actions WHERE run = 'r1' ORDER BY seq");
        expect(seqs.map((r) => r.seq)).toEqual(Array.from({ length: 320 }, (_, i) => i));
        const all = new PgTrainStore(pg).actions('r1');
        for (const who of ['left', 'right']) {
          const mine = all.filter((a) => a.level === who);
          expect(mine.map((a) => a.time)).toEqual(Array.from({ length: 160 }, (_, i) => i));
        }
        // A batch is one transaction: its two actions sit next to each other.
        for (let i = 0; i < all.length; i += 2) {
          const [open, answer] = [all[i] as RunAction, all[i + 1] as RunAction];
          expect([open.kind, answer.kind, answer.level, answer.time]).toEqual([
            'open',
            'answer',
            open.level,
            open.time + 1,
          ]);
        }
      } finally {
        await pg.close();
      }
    } finally {
      await db.drop();
    }
  });
});
