/**
 * @module
 * Opens every identity store of a node on PostgreSQL, through one synchronous bridge (one
 * connection, owned by a worker thread). The tables come from `migratePg` (`intersoc db
 * migrate`); opening refuses a store that was never migrated, naming the command.
 */
import { AppError } from '@intersoc/core';
import type { AuditKeyRing } from '../../auth/audit-checkpoints.js';
import type { AuthStores } from '../../auth/types.js';
import { openSyncPg } from '../sync/bridge.js';
import type { SyncPg, SyncPgOptions } from '../sync/bridge.js';
import { PgAuditStore } from './audit.js';
import { PgSessionStore } from './sessions.js';
import { PgTenantStore } from './tenants.js';
import { PgTokenStore } from './tokens.js';
import { PgUserStore } from './users.js';

/** The identity stores on PostgreSQL, and the bridge they share (for domain stores that audit in one transaction). */
export interface PgAuthStores extends AuthStores {
  readonly pg: SyncPg;
  readonly audit: PgAuditStore;
  /** Ends the bridge's connection and worker. */
  close(): Promise<void>;
}

/**
 * Opens the tenant, user, token, session and audit stores on `url`.
 *
 * @example
 * await migratePg(url);
 * const stores = openPgAuthStores(url, { auditKeys });
 * const who = await stores.tokens.resolve(secret);
 * await stores.close();
 */
export function openPgAuthStores(
  url: string,
  options: SyncPgOptions & { readonly auditKeys?: AuditKeyRing } = {},
): PgAuthStores {
  const pg = openSyncPg(url, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  try {
    const [row] = pg.query<{ t: string | null }>("SELECT to_regclass('audit_checkpoints')::text AS t");
    if (!row?.t) {
      throw new AppError(
        'CONFIG',
        'the PostgreSQL store has no identity tables: run `intersoc db migrate --store <url>`',
      );
    }
  } catch (err) {
    void pg.close();
    throw err;
  }
  return {
    pg,
    tenants: new PgTenantStore(pg),
    users: new PgUserStore(pg),
    tokens: new PgTokenStore(pg),
    sessions: new PgSessionStore(pg),
    audit: new PgAuditStore(pg, options.auditKeys),
    ping: async () => {
      pg.query('SELECT 1');
    },
    close: () => pg.close(),
  };
}
