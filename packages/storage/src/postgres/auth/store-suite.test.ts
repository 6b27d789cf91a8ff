/**
 * The identity and audit store suite (auth/internal/testing.ts) on a real PostgreSQL server,
 * each test in a database of its own, migrated by `migratePg` as `intersoc db migrate` does.
 * Skips, and says so, only when PostgreSQL is unreachable.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { isAppError, systemContext } from '@intersoc/core';
import { authStoreSuite } from '../../auth/internal/testing.js';
import { openPg } from '../connect.js';
import { migratePg } from '../migrations.js';
import { createScratchDb } from '../scratch.js';
import { openSyncPg } from '../sync/bridge.js';
import { openPgAuthStores } from './stores.js';

const probe = await createScratchDb('intersoc_auth');
if ('unavailable' in probe) console.warn(`postgres auth store tests skipped: ${probe.unavailable}`);
else await probe.drop();
const live = 'url' in probe;

describe.skipIf(!live)('PostgreSQL identity store plumbing', () => {
  it('refuses a store that was never migrated, naming the command', async () => {
    const db = await createScratchDb('intersoc_auth');
    if (!('url' in db)) throw new Error(db.unavailable);
    try {
      expect(() => openPgAuthStores(db.url)).toThrow(/db migrate/);
    } finally {
      await db.drop();
    }
  });

  it('answers UNAVAILABLE without the password when the server is unreachable, and STORAGE for a bad statement', async () => {
    const down = openSyncPg('postgres://intersoc:s3cr3t-pw@127.0.0.1:1/nothing', { timeoutMs: 5000 });
    let err: unknown;
    try {
      down.query('SELECT 1');
    } catch (e) {
      err = e;
    }
    await down.close();
    expect(isAppError(err) && err.code).toBe('UNAVAILABLE');
    expect(String((err as Error).message)).not.toContain('s3cr3t-pw');
    const db = await createScratchDb('intersoc_auth');
    if (!('url' in db)) throw new Error(db.unavailable);
    const pg = openSyncPg(db.url);
    try {
      expect(() => pg.query('SELECT no_such_column')).toThrow(expect.objectContaining({ code: 'STORAGE' }) as Error);
      // The connection is still usable after a failed statement and after a rolled-back transaction.
      expect(() =>
        pg.transaction(() => {
          pg.run('CREATE TABLE t (x int)');
          throw new Error('caller fails');
        }),
      ).toThrow('caller fails');
      expect(pg.query("SELECT to_regclass('t')::text AS t")).toEqual([{ t: null }]);
      // A constraint error names the constraint, never the value (the server's detail quotes it).
      pg.run('CREATE TABLE secrets (v text PRIMARY KEY)');
      pg.run('INSERT INTO secrets VALUES ($1)', ['hunter2-token-hash']);
      let dup: unknown;
      try {
        pg.run('INSERT INTO secrets VALUES ($1)', ['hunter2-token-hash']);
      } catch (e) {
        dup = e;
      }
      expect(dup).toMatchObject({ code: 'STORAGE', details: { sqlState: '23505' } });
      expect(JSON.stringify({ m: (dup as Error).message, d: (dup as { details?: unknown }).details })).not.toContain(
        'hunter2',
      );
    } finally {
      await pg.close();
      await db.drop();
    }
  });

  it('gives up on a request after the timeout and works again with a fresh worker', async () => {
    const db = await createScratchDb('intersoc_auth');
    if (!('url' in db)) throw new Error(db.unavailable);
    const pg = openSyncPg(db.url, { timeoutMs: 1000 });
    try {
      expect(pg.query<{ x: number }>('SELECT 1 AS x')).toEqual([{ x: 1 }]);
      expect(() => pg.query('SELECT pg_sleep(5)')).toThrow(/did not answer within 1000 ms/);
      expect(pg.query<{ x: number }>('SELECT 2 AS x')).toEqual([{ x: 2 }]);
    } finally {
      await pg.close();
      await db.drop();
    }
  });
});

/** A thread that appends `n` entries to tenant acme's chain through a bridge of its own (built module). */
function appender(url: string, n: number, actor: string): Promise<void> {
  const index = new URL('../../../dist/postgres/index.js', import.meta.url).href;
  const code = `
    const { workerData } = require('node:worker_threads');
    import(workerData.index).then(async ({ openPgAuthStores }) => {
      const stores = openPgAuthStores(workerData.url);
      for (let i = 0; i < workerData.n; i++) {
        stores.audit.appendSync({ tenant: 'acme', actor: workerData.actor, actorTenant: 'acme', action: 'race', outcome: 'success', details: { i } });
      }
      await stores.close();
    });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { index, url, n, actor } });
    w.once('error', reject);
    w.once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`appender exited with ${c}`))));
  });
}

describe.skipIf(!live)('PostgreSQL audit chain under concurrent writers', () => {
  it('two threads extending one chain at once leave one valid chain with every entry', async () => {
    const db = await createScratchDb('intersoc_auth');
    if (!('url' in db)) throw new Error(db.unavailable);
    try {
      await migratePg(db.url);
      await Promise.all([appender(db.url, 150, 'left'), appender(db.url, 150, 'right')]);
      const stores = openPgAuthStores(db.url);
      try {
        expect(await stores.audit.verify(systemContext('acme'))).toMatchObject({ ok: true, entries: 300 });
        expect((await stores.audit.list(systemContext('acme'), { actor: 'left', limit: 1000 })).items).toHaveLength(
          150,
        );
      } finally {
        await stores.close();
      }
    } finally {
      await db.drop();
    }
  });
});

describe.skipIf(!live)('PostgreSQL', () => {
  authStoreSuite('PostgreSQL', async ({ auditKeys }) => {
    const db = await createScratchDb('intersoc_auth');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const stores = openPgAuthStores(db.url, auditKeys ? { auditKeys } : {});
    // Raw access on a connection of its own, as another client of the database would have.
    const raw = openPg(db.url, { max: 1 });
    return {
      stores,
      sql: async (text, params = []) => Array.from(await raw.unsafe(text, [...params])),
      async dropGuards(table) {
        await raw.unsafe(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      },
      inTransaction(fn) {
        stores.pg.transaction(fn);
      },
      async close() {
        await stores.close();
        await raw.end({ timeout: 5 });
        await db.drop();
      },
    };
  });
});
