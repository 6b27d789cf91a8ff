/**
 * The identity and audit store suite (auth/internal/testing.ts) on SQLite, each test on a fresh
 * in-memory database; the same suite runs on PostgreSQL in postgres/auth/store-suite.test.ts.
 */
import { openDatabase } from '../sqlite/database.js';
import { authStoreSuite } from './internal/testing.js';
import type { SqliteAuditStore } from './sqlite-audit.js';
import { openSqliteAuthStores } from './sqlite-auth-stores.js';

authStoreSuite('SQLite', async ({ auditKeys }) => {
  const db = openDatabase(':memory:');
  const stores = openSqliteAuthStores(db, auditKeys ? { auditKeys } : {});
  return {
    stores: { ...stores, audit: stores.audit as SqliteAuditStore },
    async sql(text, params = []) {
      // The suite writes PostgreSQL placeholders, each once and in order.
      const stmt = db.prepare(text.replace(/\$\d+/g, '?'));
      if (stmt.reader) return stmt.all(...params) as Record<string, unknown>[];
      stmt.run(...params);
      return [];
    },
    async dropGuards(table) {
      db.exec(`DROP TRIGGER IF EXISTS ${table}_no_update; DROP TRIGGER IF EXISTS ${table}_no_delete;`);
    },
    inTransaction(fn) {
      db.transaction(fn).immediate();
    },
    async close() {
      db.close();
    },
  };
});
