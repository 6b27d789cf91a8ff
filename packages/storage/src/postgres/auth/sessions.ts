/**
 * @module
 * PostgreSQL session store over the synchronous bridge (same rules as `SqliteSessionStore`).
 */
import type { Role } from '@intersoc/core';
import { hashSecret } from '../../auth/internal/secrets.js';
import { newSession, resolvedSession, sessionLookupHash } from '../../auth/internal/sessions.js';
import type { ResolvedIdentity, Session, SessionStore } from '../../auth/types.js';
import type { SyncPg } from '../sync/bridge.js';

/** Sessions in the PostgreSQL store. */
export class PgSessionStore implements SessionStore {
  readonly #pg: SyncPg;

  constructor(pg: SyncPg) {
    this.#pg = pg;
  }

  async create(
    identity: { readonly tenant: string; readonly user: string },
    ttlSeconds: number,
  ): Promise<{ session: Session; secret: string }> {
    const { session, secret, hash } = newSession(identity, ttlSeconds);
    this.#pg.run(
      'INSERT INTO sessions (id, hash, tenant, user_name, created, expires) VALUES ($1, $2, $3, $4, $5, $6)',
      [session.id, hash, session.tenant, session.user, session.created, session.expires],
    );
    return { session, secret };
  }

  async resolve(secret: string, now = Date.now()): Promise<ResolvedIdentity | undefined> {
    const hash = sessionLookupHash(secret);
    if (!hash) return undefined;
    const [row] = this.#pg.query<{
      id: string;
      tenant: string;
      user_name: string;
      hash: Uint8Array;
      expires: number;
      role: Role;
    }>(
      `SELECT s.id, s.tenant, s.user_name, s.hash, s.expires, u.role
       FROM sessions s
       JOIN users u ON u.tenant = s.tenant AND u.name = s.user_name
       JOIN tenants t ON t.name = s.tenant
       WHERE s.hash = $1 AND NOT u.disabled AND NOT t.disabled`,
      [hash],
    );
    return resolvedSession(row && { ...row, user: row.user_name, hash: Buffer.from(row.hash) }, hash, now);
  }

  async revoke(secret: string): Promise<boolean> {
    return this.#pg.run('DELETE FROM sessions WHERE hash = $1', [hashSecret(secret)]) > 0;
  }

  async purgeExpired(now = Date.now()): Promise<number> {
    return this.#pg.run('DELETE FROM sessions WHERE expires <= $1', [now]);
  }
}
