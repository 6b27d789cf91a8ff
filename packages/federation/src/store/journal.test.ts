/** The federation journal suite (`journalSuite`, internal/testing.ts) on SQLite: one database file opened twice. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@intersoc/storage';
import { journalSuite } from '../internal/testing.js';
import { Journal } from './journal.js';
import { migrateFederation } from './schema.js';

let n = 0;
journalSuite('SQLite', async (now) => {
  const file = path.join(tmpdir(), `fed-journal-${process.pid}-${Date.now()}-${n++}.db`);
  const a = openDatabase(file);
  migrateFederation(a);
  const b = openDatabase(file);
  return {
    journal: new Journal(a, now),
    other: new Journal(b, now),
    async close() {
      a.close();
      b.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
});
