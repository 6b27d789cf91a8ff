/** The cascade state suite (internal/testing.ts) on SQLite: a database file opened twice. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@intersoc/storage';
import { cascadeStateSuite } from '../internal/testing.js';
import { SqliteGraphStore } from '../store/sqlite-graphs.js';
import { SqliteCascadeState } from './sqlite-state.js';

let n = 0;
cascadeStateSuite('SQLite', async () => {
  const file = path.join(tmpdir(), `cascade-state-${process.pid}-${Date.now()}-${n++}.db`);
  const a = openDatabase(file);
  const b = openDatabase(file);
  return {
    state: new SqliteCascadeState(a),
    other: new SqliteCascadeState(b),
    graphs: new SqliteGraphStore(a),
    otherGraphs: new SqliteGraphStore(b),
    async close() {
      a.close();
      b.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
});
