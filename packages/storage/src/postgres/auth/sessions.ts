/**
 * @module
 * PostgreSQL session store over the synchronous bridge (same rules as `SqliteSessionStore`).
 */
import { randomId } from '@intersoc/core';
import type { Role } from '@intersoc/core';
import { constantTimeEqual, hashSecret, newSecret } from '../../auth/internal/secrets.js';
import { checkTtl } from '../../auth/internal/validate.js';
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
    this.#pg.run(
      'INSERT INTO sessions (id, hash, tenant, user_name, created, expires) VALUES ($1, $2, $3, $4, $5, $6)',
      [session.id, hashSecret(secret), session.tenant, session.user, session.created, session.expires],
    );
    return { session, secret };
  }

  async resolve(secret: string, now = Date.now()): Promise<ResolvedIdentity | undefined> {
    if (!secret.startsWith('iss_') || secret.length > 100) return undefined;
    const hash = hashSecret(secret);
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
    if (!row || !constantTimeEqual(Buffer.from(row.hash), hash) || row.expires <= now) return undefined;
    return { tenant: row.tenant, user: row.user_name, role: row.role, credentialId: row.id };
  }

  async revoke(secret: string): Promise<boolean> {
    return this.#pg.run('DELETE FROM sessions WHERE hash = $1', [hashSecret(secret)]) > 0;
  }

  async purgeExpired(now = Date.now()): Promise<number> {
    return this.#pg.run('DELETE FROM sessions WHERE expires <= $1', [now]);
  }
}
