/**
 * The TAXII backend suite (internal/testing.ts) on a real PostgreSQL server: a scratch
 * database per test migrated by `migratePg`, two bridges (two connections). Skips, and says so,
 * only when PostgreSQL is unreachable. One more test shows an add holding the clock row until it
 * commits: what keeps `date_added` in commit order across processes.
 */
import { describe, expect, it } from 'vitest';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { taxiiBackendSuite } from '../internal/testing.js';
import { PgTaxiiBackend } from './pg-backend.js';

const probe = await createScratchDb('intersoc_taxii');
if ('unavailable' in probe) console.warn(`postgres TAXII backend tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  taxiiBackendSuite('PostgreSQL', async () => {
    const db = await createScratchDb('intersoc_taxii');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    return {
      backend: new PgTaxiiBackend(a),
      other: new PgTaxiiBackend(b),
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });

  it('holds the clock row until an add commits, so adds on other connections wait for it', async () => {
    const db = await createScratchDb('intersoc_taxii');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    try {
      const backend = new PgTaxiiBackend(a);
      const lock = 'SELECT last FROM taxii_clock WHERE id = 1 FOR UPDATE NOWAIT';
      const sco = { type: 'ipv4-addr', id: 'ipv4-addr--0198f97b-e65d-5025-87e5-58bc39d4bdb4', value: '1.2.3.4' };
      a.transaction(() => {
        backend.addObjects('api1', 'c1', [sco]);
        // Until COMMIT, another connection can neither take the clock nor see the row.
        expect(() => b.query(lock)).toThrow(/could not obtain lock/);
        expect(new PgTaxiiBackend(b).queryObjects('api1', 'c1', { limit: 10 })).toEqual([]);
      });
      const [clock] = b.query<{ last: number }>(lock);
      const [row] = new PgTaxiiBackend(b).queryObjects('api1', 'c1', { limit: 10 });
      expect(clock?.last).toBe(row?.dateAdded);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
