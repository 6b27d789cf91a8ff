/** The peer registry suite (internal/testing.ts) on SQLite: a database file opened twice. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@intersoc/storage';
import { peerRegistrySuite } from '../internal/testing.js';
import { PeerStore } from './peers.js';
import { migrateFederation } from './schema.js';

let n = 0;
peerRegistrySuite('SQLite', async (now) => {
  const file = path.join(tmpdir(), `fed-peers-${process.pid}-${Date.now()}-${n++}.db`);
  const a = openDatabase(file);
  migrateFederation(a);
  const b = openDatabase(file);
  return {
    peers: new PeerStore(a, now),
    other: new PeerStore(b, now),
    async close() {
      a.close();
      b.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
});
