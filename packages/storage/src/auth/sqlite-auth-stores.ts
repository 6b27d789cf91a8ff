/**
 * @module
 * Opens every identity store of a node on one SQLite database (normally `<data>/intersoc.db`),
 * running the `auth` migrations first.
 */
import { migrate } from '../sqlite/database.js';
import type { SqliteDb } from '../sqlite/database.js';
import { AUTH_MIGRATION_SET, AUTH_MIGRATIONS } from './migrations.js';
import { SqliteAuditStore } from './sqlite-audit.js';
import { SqliteSessionStore } from './sqlite-sessions.js';
import { SqliteTenantStore } from './sqlite-tenants.js';
import { SqliteTokenStore } from './sqlite-tokens.js';
import { SqliteUserStore } from './sqlite-users.js';
import type { AuditKeyRing } from './audit-checkpoints.js';
import type { AuthStores } from './types.js';

/**
 * Migrates `db` and returns the tenant, user, token, session and audit stores over it. The
 * caller owns `db` and closes it. `auditKeys` signs and checks the audit checkpoints.
 *
 * @example
 * const db = openDatabase(path.join(dataDir, NODE_DB_FILE));
 * const stores = openSqliteAuthStores(db);
 * const tenants = await stores.tenants.list(systemContext('default'));
 */
export function openSqliteAuthStores(db: SqliteDb, options: { readonly auditKeys?: AuditKeyRing } = {}): AuthStores {
  migrate(db, AUTH_MIGRATION_SET, AUTH_MIGRATIONS);
  return {
    tenants: new SqliteTenantStore(db),
    users: new SqliteUserStore(db),
    tokens: new SqliteTokenStore(db),
    sessions: new SqliteSessionStore(db),
    audit: new SqliteAuditStore(db, options.auditKeys),
    ping: async () => {
      db.prepare('SELECT 1').get();
    },
  };
}
