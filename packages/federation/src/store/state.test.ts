/** The federation state suite (`stateSuite`, store/internal/testing.ts) on SQLite: one file opened twice. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@intersoc/storage';
import { stateSuite } from './internal/testing.js';
import { PeerStore } from './peers.js';
import { migrateFederation } from './schema.js';
import { SqliteFederationState } from './state.js';

let n = 0;
stateSuite('SQLite', async () => {
  const file = path.join(tmpdir(), `fed-state-${process.pid}-${Date.now()}-${n++}.db`);
  const a = openDatabase(file);
  migrateFederation(a);
  const b = openDatabase(file);
  return {
    state: new SqliteFederationState(a),
    other: new SqliteFederationState(b),
    peers: new PeerStore(a),
    async close() {
      a.close();
      b.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
});
