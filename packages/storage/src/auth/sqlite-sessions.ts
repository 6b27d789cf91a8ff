/**
 * @module
 * SQLite session store for interactive logins. Like tokens, only the SHA-256 of the secret is kept.
 */
import { randomId } from '@intersoc/core';
import type { Role } from '@intersoc/core';
import type { SqliteDb } from '../sqlite/database.js';
import { constantTimeEqual, hashSecret, newSecret } from './internal/secrets.js';
import { checkTtl } from './internal/validate.js';
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
    checkTtl(ttlSeconds);
    const secret = newSecret('iss_');
    const now = Date.now();
    const session: Session = {
      id: randomId(),
      tenant: identity.tenant,
      user: identity.user,
      created: now,
      expires: now + ttlSeconds * 1000,
    };
    this.#db
      .prepare('INSERT INTO sessions (id, hash, tenant, user, created, expires) VALUES (?, ?, ?, ?, ?, ?)')
      .run(session.id, hashSecret(secret), session.tenant, session.user, session.created, session.expires);
    return { session, secret };
  }

  async resolve(secret: string, now = Date.now()): Promise<ResolvedIdentity | undefined> {
    if (!secret.startsWith('iss_') || secret.length > 100) return undefined;
    const hash = hashSecret(secret);
    const row = this.#db
      .prepare(
        `SELECT s.id, s.tenant, s.user, s.hash, s.expires, u.role
         FROM sessions s
         JOIN users u ON u.tenant = s.tenant AND u.name = s.user
         JOIN tenants t ON t.name = s.tenant
         WHERE s.hash = ? AND u.disabled = 0 AND t.disabled = 0`,
      )
      .get(hash) as { id: string; tenant: string; user: string; hash: Buffer; expires: number; role: Role } | undefined;
    if (!row || !constantTimeEqual(row.hash, hash) || row.expires <= now) return undefined;
    return { tenant: row.tenant, user: row.user, role: row.role, credentialId: row.id };
  }

  async revoke(secret: string): Promise<boolean> {
    return this.#db.prepare('DELETE FROM sessions WHERE hash = ?').run(hashSecret(secret)).changes > 0;
  }

  async purgeExpired(now = Date.now()): Promise<number> {
    return this.#db.prepare('DELETE FROM sessions WHERE expires <= ?').run(now).changes;
  }
}
