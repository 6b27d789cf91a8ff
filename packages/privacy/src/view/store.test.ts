/** The privacy store suite (internal/testing.ts) on SQLite: a database file opened twice. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@intersoc/storage';
import { privacyStoreSuite } from '../internal/testing.js';
import { SqlitePrivacyStore } from './store.js';

let n = 0;
privacyStoreSuite('SQLite', async (now) => {
  const file = path.join(tmpdir(), `privacy-store-${process.pid}-${Date.now()}-${n++}.db`);
  const a = openDatabase(file);
  const b = openDatabase(file);
  return {
    store: new SqlitePrivacyStore(a, now),
    other: new SqlitePrivacyStore(b, now),
    async close() {
      a.close();
      b.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
});
