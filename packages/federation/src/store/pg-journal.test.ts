/**
 * The federation journal suite (`journalSuite`, internal/testing.ts) on a real PostgreSQL server: a scratch
 * database per test migrated by `migratePg`, two bridges (two connections, as two processes).
 * Skips, and says so, only when PostgreSQL is unreachable.
 */
import { describe } from 'vitest';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { journalSuite } from '../internal/testing.js';
import { PgJournal } from './pg-journal.js';

const probe = await createScratchDb('intersoc_fed_journal');
if ('unavailable' in probe) console.warn(`postgres federation journal tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  journalSuite('PostgreSQL', async (now) => {
    const db = await createScratchDb('intersoc_fed_journal');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    return {
      journal: new PgJournal(a, now),
      other: new PgJournal(b, now),
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });
});
