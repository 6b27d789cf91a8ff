/**
 * @module
 * An in-process node for this package's tests: in-memory SQLite, the CTI store, the bridged TAXII
 * backend, the federation and its HTTP plugin on a loopback port.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { systemContext, type AuthContext } from '@intersoc/core';
import {
  openSqliteCtiStore,
  openSqliteTaxiiBackend,
  type SqliteCtiStore,
  type SqliteTaxiiBackend,
} from '@intersoc/cti';
import { openDatabase, type SqliteDb } from '@intersoc/storage';
import { FederationConfigSchema } from '../config/config.js';
import { cardOf, type NodeKeys } from '../identity/identity.js';
import type { FederationDeps } from '../sync/context.js';
import { Federation } from '../sync/federation.js';
import { federationHttp } from '../transport/http-plugin.js';
import { TaxiiBridge } from '../transport/taxii-bridge.js';
import type { Reliability } from '../trust/trust.js';
import { testKeys } from './testing.js';

/** A running test node. */
export interface TestNode {
  readonly name: string;
  readonly db: SqliteDb;
  readonly cti: SqliteCtiStore;
  readonly taxii: SqliteTaxiiBackend;
  readonly fed: Federation;
  readonly app: FastifyInstance;
  readonly url: string;
  readonly admin: AuthContext;
  /** Tenants whose intelligence changed, in order. */
  readonly changes: string[];
  peer(other: TestNode, reliability?: Reliability, communities?: string[]): void;
  close(): Promise<void>;
}

/** Starts a test node. */
export async function startTestNode(
  name: string,
  o: {
    communities?: string[];
    config?: Record<string, unknown>;
    now?: () => number;
    log?: (level: string, message: string, details?: Record<string, unknown>) => void;
    /** Federation stores other than the node database's tables (PostgreSQL ones). */
    stores?: FederationDeps['stores'];
    /** The node's keys (another process of the same node), else new ones. */
    keys?: NodeKeys;
  } = {},
): Promise<TestNode> {
  const keys = o.keys ?? testKeys(name, o.communities ?? []);
  const db = openDatabase(':memory:');
  const cti = openSqliteCtiStore(db);
  const taxii = openSqliteTaxiiBackend(db);
  const changes: string[] = [];
  const fed = new Federation({
    keys,
    config: FederationConfigSchema.parse({ syncIntervalSeconds: 3600, ...o.config }),
    db,
    cti,
    taxii,
    lookupSeed: new Uint8Array(32).fill(name.length),
    onIntelChanged: (t) => changes.push(t),
    ...(o.now ? { now: o.now } : {}),
    ...(o.log ? { log: o.log } : {}),
    ...(o.stores ? { stores: o.stores } : {}),
  });
  const app = Fastify();
  const backend = new TaxiiBridge({
    base: taxii,
    cti,
    inbox: (peer, objects) => fed.receive(peer, objects, 'push'),
  });
  await app.register(federationHttp, { backend, federation: fed, authenticate: async () => undefined });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const admin = systemContext('default');
  return {
    name,
    db,
    cti,
    taxii,
    fed,
    app,
    url,
    admin,
    changes,
    peer(other, reliability = 'B', communities) {
      fed.addPeer(admin, cardOf(other.fed.fx.keys.identity), {
        reliability,
        endpoint: other.url,
        ...(communities ? { communities } : {}),
      });
    },
    async close() {
      await fed.stop();
      await app.close();
      db.close();
    },
  };
}

/** Peers two nodes with each other. */
export function link(a: TestNode, b: TestNode, reliability: Reliability = 'B'): void {
  a.peer(b, reliability);
  b.peer(a, reliability);
}
