/** The report store suite (internal/testing.ts) on SQLite: a database file opened twice. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@intersoc/storage';
import { reportStoreSuite } from '../internal/testing.js';
import { SqliteReportStore } from './sqlite-reports.js';

let n = 0;
reportStoreSuite('SQLite', async (now) => {
  const file = path.join(tmpdir(), `text-reports-${process.pid}-${Date.now()}-${n++}.db`);
  const a = openDatabase(file);
  const b = openDatabase(file);
  const store = new SqliteReportStore(a, now);
  return {
    store,
    other: new SqliteReportStore(b, now),
    async close() {
      a.close();
      b.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
});
