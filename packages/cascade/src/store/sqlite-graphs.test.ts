/** The graph store suite (internal/testing.ts) on SQLite: a database file opened twice. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@intersoc/storage';
import { graphStoreSuite } from '../internal/testing.js';
import { SqliteGraphStore } from './sqlite-graphs.js';

let n = 0;
graphStoreSuite('SQLite', async (now) => {
  const file = path.join(tmpdir(), `cascade-graphs-${process.pid}-${Date.now()}-${n++}.db`);
  const a = openDatabase(file);
  const store = new SqliteGraphStore(a, now);
  const b = openDatabase(file);
  return {
    store,
    other: new SqliteGraphStore(b, now),
    async close() {
      a.close();
      b.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
});
