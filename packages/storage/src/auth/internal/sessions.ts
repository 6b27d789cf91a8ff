/**
 * @module
 * Store-independent parts of the session stores (SQLite and PostgreSQL): building a new session
 * record and its secret, and the checks around resolving one, so the two stores differ only in
 * their SQL. Private to the storage package.
 */
import { randomId } from '@intersoc/core';
import type { Role } from '@intersoc/core';
import type { ResolvedIdentity, Session } from '../types.js';
import { constantTimeEqual, hashSecret, newSecret } from './secrets.js';
import { checkTtl } from './validate.js';

/** A new session for `identity` lasting `ttlSeconds`, with its secret (shown once) and the hash to store. */
export function newSession(
  identity: { readonly tenant: string; readonly user: string },
  ttlSeconds: number,
): { session: Session; secret: string; hash: Buffer } {
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
  return { session, secret, hash: hashSecret(secret) };
}

/** The hash to look a session secret up by, or `undefined` when it cannot be a session secret. */
export function sessionLookupHash(secret: string): Buffer | undefined {
  if (!secret.startsWith('iss_') || secret.length > 100) return undefined;
  return hashSecret(secret);
}

/** A session row joined with its (enabled) user's role, as both stores read it. */
export interface SessionMatch {
  id: string;
  tenant: string;
  user: string;
  hash: Buffer;
  expires: number;
  role: Role;
}

/** The identity of a found session row, unless its hash differs or it has expired at `now`. */
export function resolvedSession(
  row: SessionMatch | undefined,
  hash: Buffer,
  now: number,
): ResolvedIdentity | undefined {
  if (!row || !constantTimeEqual(row.hash, hash) || row.expires <= now) return undefined;
  return { tenant: row.tenant, user: row.user, role: row.role, credentialId: row.id };
}
