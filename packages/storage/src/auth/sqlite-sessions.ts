/**
 * @module
 * SQLite session store for interactive logins. Like tokens, only the SHA-256 of the secret is kept.
 */
import type { Role } from '@intersoc/core';
import type { SqliteDb } from '../sqlite/database.js';
import { hashSecret } from './internal/secrets.js';
import { newSession, resolvedSession, sessionLookupHash } from './internal/sessions.js';
import type { ResolvedIdentity, Session, SessionStore } from './types.js';

/** Sessions in the node database. */
export class SqliteSessionStore implements SessionStore {
  readonly #db: SqliteDb;

  constructor(db: SqliteDb) {
    this.#db = db;
  }

  async create(
    identity: { readonly tenant: string; readonly user: string },
    ttlSeconds: number,
  ): Promise<{ session: Session; secret: string }> {
    const { session, secret, hash } = newSession(identity, ttlSeconds);
    this.#db
      .prepare('INSERT INTO sessions (id, hash, tenant, user, created, expires) VALUES (?, ?, ?, ?, ?, ?)')
      .run(session.id, hash, session.tenant, session.user, session.created, session.expires);
    return { session, secret };
  }

  async resolve(secret: string, now = Date.now()): Promise<ResolvedIdentity | undefined> {
    const hash = sessionLookupHash(secret);
    if (!hash) return undefined;
    const row = this.#db
      .prepare(
        `SELECT s.id, s.tenant, s.user, s.hash, s.expires, u.role
         FROM sessions s
         JOIN users u ON u.tenant = s.tenant AND u.name = s.user
         JOIN tenants t ON t.name = s.tenant
         WHERE s.hash = ? AND u.disabled = 0 AND t.disabled = 0`,
      )
      .get(hash) as { id: string; tenant: string; user: string; hash: Buffer; expires: number; role: Role } | undefined;
    return resolvedSession(row, hash, now);
  }

  async revoke(secret: string): Promise<boolean> {
    return this.#db.prepare('DELETE FROM sessions WHERE hash = ?').run(hashSecret(secret)).changes > 0;
  }

  async purgeExpired(now = Date.now()): Promise<number> {
    return this.#db.prepare('DELETE FROM sessions WHERE expires <= ?').run(now).changes;
  }
}
