/**
 * @module
 * Opens the federation of a node's data directory for CLI commands, beside a running node or
 * without one (SQLite WAL): the same engine, stores and audit log as the server.
 */
import { userInfo } from 'node:os';
import path from 'node:path';
import { type AuthContext, type Config } from '@intersoc/core';
import { openSqliteCtiStore, openSqliteTaxiiBackend } from '@intersoc/cti';
import { Federation, loadFederationConfig, loadIdentity, loadLookupSeed } from '@intersoc/federation';
import { NODE_DB_FILE, openDatabase, SqliteAuditStore } from '@intersoc/storage';
import { Inventory, sharingValues } from '@intersoc/privacy';

/** An opened federation and the operator's context. */
export interface CliFederation {
  readonly fed: Federation;
  readonly ctx: AuthContext;
  close(): Promise<void>;
}

/** Opens the federation; CONFIG when the node has no identity yet. */
export function openFederation(config: Config): CliFederation {
  const keys = loadIdentity(config.data);
  const fedConfig = loadFederationConfig(config.data);
  const db = openDatabase(path.join(config.data, NODE_DB_FILE));
  try {
    const fed = new Federation({
      keys,
      config: fedConfig,
      db,
      cti: openSqliteCtiStore(db),
      taxii: openSqliteTaxiiBackend(db),
      audit: new SqliteAuditStore(db),
      lookupSeed: loadLookupSeed(config.data),
      // Known personal values scrubbed from free text, restricted subjects withheld (packages/privacy).
      privacyValues: () => sharingValues(db, Inventory.of(config, fedConfig.tenant), fedConfig.tenant),
    });
    const ctx: AuthContext = {
      tenant: fedConfig.tenant,
      user: `cli:${userInfo().username}`,
      roles: ['admin'],
      via: 'system',
    };
    return {
      fed,
      ctx,
      close: async () => {
        await fed.stop();
        // Audit appends are asynchronous: let them land before the database closes.
        await new Promise((r) => setImmediate(r));
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Runs `f` with the federation open, closing it afterwards. */
export async function withFederation<T>(config: Config, f: (c: CliFederation) => Promise<T> | T): Promise<T> {
  const c = openFederation(config);
  try {
    return await f(c);
  } finally {
    await c.close();
  }
}
