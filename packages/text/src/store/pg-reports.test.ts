/**
 * The report store suite (internal/testing.ts) on a real PostgreSQL server: a scratch
 * database per test migrated by `migratePg`, two bridges (two connections). Then what only a
 * shared server shows: an activation, and an analysis update, that wait for another process's. Skips, and says so, only
 * when PostgreSQL is unreachable.
 */
import { describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { createScratchDb, migratePg, openPg, openSyncPg } from '@intersoc/storage/postgres';
import { testReport } from '../internal/fixtures.js';
import { reportStoreSuite } from '../internal/testing.js';
import { PgReportStore } from './pg-reports.js';

const probe = await createScratchDb('intersoc_text_reports');
if ('unavailable' in probe) console.warn(`postgres report store tests skipped: ${probe.unavailable}`);
else await probe.drop();

async function open(now: () => number) {
  const db = await createScratchDb('intersoc_text_reports');
  if (!('url' in db)) throw new Error(db.unavailable);
  await migratePg(db.url);
  const a = openSyncPg(db.url);
  const b = openSyncPg(db.url);
  return {
    url: db.url,
    store: new PgReportStore(a, now),
    other: new PgReportStore(b, now),
    async close() {
      await a.close();
      await b.close();
      await db.drop();
    },
  };
}

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  reportStoreSuite('PostgreSQL', open);

  it('an activation waits for another process activating the same kind, and leaves one active version', async () => {
    const h = await open(() => 1000);
    const sql = openPg(h.url, { max: 2 });
    try {
      const acme = systemContext('acme');
      h.store.addModel(acme, { kind: 'attack', version: 'v1', created: 100, file: 'f1', metrics: {} }, true);
      // Another process activates v2 in a transaction the server alone ends (pg_sleep), holding the
      // store's lock of (acme, attack) meanwhile. One simple-protocol request of
      // several statements runs as one implicit transaction, with no client step inside.
      const held = sql.unsafe(`
        SELECT pg_advisory_xact_lock(hashtext('intersoc.text_models'), hashtext('acme/attack'));
        UPDATE text_models SET active = false WHERE tenant = 'acme' AND kind = 'attack' AND active;
        INSERT INTO text_models (tenant, kind, version, created, file, active, metrics)
          VALUES ('acme', 'attack', 'v2', 200, 'f2', true, '{}');
        SELECT pg_sleep(1.5);`);
      let settled = false;
      void held.then(
        () => (settled = true),
        () => (settled = true),
      );
      // Wait until that transaction holds the lock (or failed: awaited below), then activate v3 here.
      while (!settled) {
        const [r] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
        if ((r?.n ?? 0) > 0) break;
      }
      h.store.addModel(acme, { kind: 'attack', version: 'v3', created: 300, file: 'f3', metrics: {} }, true);
      await held;
      expect(h.other.models(acme, 'attack').map((m) => [m.version, m.active])).toEqual([
        ['v3', true],
        ['v2', false],
        ['v1', false],
      ]);
    } finally {
      await sql.end({ timeout: 2 });
      await h.close();
    }
  });

  it('an analysis update waits for another process holding the report, and reads what it committed', async () => {
    const h = await open(() => 1000);
    const sql = openPg(h.url, { max: 2 });
    try {
      const acme = systemContext('acme');
      const { summary } = h.store.put(acme, testReport('5c'));
      // Another process changes the report's row, then holds it (advisory lock taken after the
      // UPDATE, so seeing that lock granted means the row is locked) until the server ends it.
      const held = sql.unsafe(`
        UPDATE text_reports SET updated = 7777 WHERE tenant = 'acme' AND id = '${summary.id}';
        SELECT pg_advisory_xact_lock(hashtext('intersoc.test'), 1);
        SELECT pg_sleep(1.5);`);
      let settled = false;
      void held.then(
        () => (settled = true),
        () => (settled = true),
      );
      while (!settled) {
        const [r] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
        if ((r?.n ?? 0) > 0) break;
      }
      let seen = 0;
      const after = h.store.updateAnalysis(acme, summary.id, (cur) => {
        seen = cur.updated;
        return { ...cur.analysis, items: cur.analysis.items.slice(1) };
      });
      await held;
      // Read before the other commit, the change would have started from the report as it was.
      expect(seen).toBe(7777);
      expect([after?.items, h.other.summary(acme, summary.id)?.items]).toEqual([1, 1]);
    } finally {
      await sql.end({ timeout: 2 });
      await h.close();
    }
  });

  it('the schema refuses a second active version of a kind', async () => {
    const h = await open(() => 1000);
    const pg = openSyncPg(h.url);
    try {
      const acme = systemContext('acme');
      h.store.addModel(acme, { kind: 'attack', version: 'v1', created: 100, file: 'f1', metrics: {} }, true);
      expect(() =>
        pg.run(
          `INSERT INTO text_models (tenant, kind, version, created, file, active, metrics) VALUES ('acme', 'attack', 'v2', 1, 'f', true, '{}')`,
        ),
      ).toThrow(/duplicate key/);
    } finally {
      await pg.close();
      await h.close();
    }
  });
});
