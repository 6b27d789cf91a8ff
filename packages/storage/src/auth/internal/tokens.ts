/**
 * @module
 * Store-independent parts of the API token stores (SQLite and PostgreSQL): input and owner
 * checks, the row-to-`ApiToken` mapping, who may see a token, and the checks around resolving a
 * secret, so the two stores differ only in their SQL. Private to the storage package.
 */
import { AppError } from '@intersoc/core';
import type { AuthContext, Role } from '@intersoc/core';
import type { ApiToken, NewToken, ResolvedIdentity } from '../types.js';
import { constantTimeEqual, hashSecret } from './secrets.js';
import { checkExpiry, checkTokenOwner, tokenName } from './validate.js';

/** last_used is written at most this often per token, so authentication rarely writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The `api_tokens` columns both stores read; the owner column is `user` in SQLite, `user_name` in PostgreSQL. */
export type TokenRowLike = {
  id: string;
  tenant: string;
  name: string;
  created: number;
  expires: number | null;
  last_used: number | null;
  revoked: number | null;
} & ({ user: string } | { user_name: string });

/** The owner of a token row, whichever store it comes from. */
export function tokenOwner(r: { user: string } | { user_name: string }): string {
  return 'user' in r ? r.user : r.user_name;
}

/** Maps an `api_tokens` row to the public `ApiToken`. */
export function toToken(r: TokenRowLike): ApiToken {
  return {
    id: r.id,
    tenant: r.tenant,
    user: tokenOwner(r),
    name: r.name,
    created: r.created,
    expires: r.expires,
    lastUsed: r.last_used,
    revoked: r.revoked,
  };
}

/** The checks of `TokenStore.create` before the database is read: owner, name and expiry. */
export function checkNewToken(ctx: AuthContext, input: NewToken): { owner: string; name: string; now: number } {
  const owner = input.user ?? ctx.user;
  checkTokenOwner(ctx, owner);
  const name = tokenName(input.name);
  const now = Date.now();
  checkExpiry(input.expires, now);
  return { owner, name, now };
}

/** NOT_FOUND or CONFLICT unless the token's owner exists and is enabled (0/1 in SQLite, boolean in PostgreSQL). */
export function requireEnabledOwner(
  user: { disabled: number | boolean } | undefined,
  tenant: string,
  owner: string,
): void {
  if (!user) throw new AppError('NOT_FOUND', `no user ${owner} in ${tenant}`);
  if (user.disabled !== 0 && user.disabled !== false) throw new AppError('CONFLICT', `user ${owner} is disabled`);
}

/**
 * The password account a new token is bound to: the minter's, or its parent token's binding
 * (read by `parentBinding`).
 */
export function boundOf(
  m: NewToken['mintedWith'],
  parentBinding: (id: string) => { bound_tenant: string | null; bound_user: string | null } | undefined,
): { tenant: string | null; user: string | null } {
  if (m === undefined) return { tenant: null, user: null };
  if (m.kind === 'password') return { tenant: m.tenant, user: m.user };
  const parent = parentBinding(m.id);
  return { tenant: parent?.bound_tenant ?? null, user: parent?.bound_user ?? null };
}

/** The owner `TokenStore.list` filters on: non-admins only ever see their own tokens, whatever filter they pass. */
export function listedOwner(ctx: AuthContext, filter: { readonly user?: string }): string | undefined {
  return ctx.roles.includes('admin') ? filter.user : ctx.user;
}

/**
 * NOT_FOUND unless the caller may revoke the token: someone else's token is reported as
 * missing, not forbidden, as its existence is not the caller's business.
 */
export function requireVisibleToken<R extends TokenRowLike>(ctx: AuthContext, row: R | undefined, id: string): R {
  if (!row || (tokenOwner(row) !== ctx.user && !ctx.roles.includes('admin'))) {
    throw new AppError('NOT_FOUND', `no token ${id}`);
  }
  return row;
}

/** The hash to look a token secret up by, or `undefined` when it cannot be a token secret. */
export function tokenLookupHash(secret: string): Buffer | undefined {
  if (!secret.startsWith('ist_') || secret.length > 100) return undefined;
  return hashSecret(secret);
}

/** A token row joined with its (enabled) owner's role, as both stores read it. */
export interface TokenMatch {
  id: string;
  tenant: string;
  user: string;
  hash: Buffer;
  expires: number | null;
  revoked: number | null;
  last_used: number | null;
  role: Role;
}

/**
 * The identity of a found token row unless its hash differs or it is revoked or expired at
 * `now`; calls `touch` first when last_used is older than the resolution.
 */
export function resolvedToken(
  row: TokenMatch | undefined,
  hash: Buffer,
  now: number,
  touch: (id: string) => void,
): ResolvedIdentity | undefined {
  if (!row || !constantTimeEqual(row.hash, hash)) return undefined;
  if (row.revoked !== null || (row.expires !== null && row.expires <= now)) return undefined;
  if (row.last_used === null || now - row.last_used >= LAST_USED_RESOLUTION_MS) touch(row.id);
  return { tenant: row.tenant, user: row.user, role: row.role, credentialId: row.id };
}
