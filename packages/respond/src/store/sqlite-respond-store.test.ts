/**
 * The respond store suite (internal/store-suite.ts) on SQLite: a database file of its own per
 * test, opened a second time for the "another process" handle, as the CLI beside a node does.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, openSqliteAuthStores, SqliteAuditStore } from '@intersoc/storage';
import { respondStoreSuite, type StoreHandle } from '../internal/testing.js';
import { SqliteRespondStore } from './sqlite-respond-store.js';

let n = 0;
respondStoreSuite('SQLite', async () => {
  const file = path.join(tmpdir(), `respond-store-${process.pid}-${Date.now()}-${n++}.db`);
  const dbs: ReturnType<typeof openDatabase>[] = [];
  const handle = (): StoreHandle => {
    const db = openDatabase(file);
    dbs.push(db);
    openSqliteAuthStores(db);
    const audit = new SqliteAuditStore(db);
    return { store: new SqliteRespondStore(db, audit), audit };
  };
  return {
    ...handle(),
    another: handle,
    async close() {
      for (const db of dbs) db.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
});
