/**
 * @module
 * Store-independent parts of the user stores (SQLite and PostgreSQL): input checks, the
 * row-to-`User` mapping and the password stamp/verify logic, so the two stores differ only in
 * their SQL. Private to the storage package.
 */
import { createHash } from 'node:crypto';
import type { AuthContext, Role } from '@intersoc/core';
import { requireAdmin } from '../access.js';
import { MAX_PASSWORD_LENGTH } from '../types.js';
import type { NewUser, User, UserPatch } from '../types.js';
import { hashPassword, verifyPassword } from './secrets.js';
import { checkPassword, checkRole, checkUserName } from './validate.js';

/** A `users` row as either store returns it; SQLite keeps `disabled` as 0/1, PostgreSQL as a boolean. */
export interface UserRowLike {
  tenant: string;
  name: string;
  role: Role;
  password_hash: string | null;
  disabled: number | boolean;
  created: number;
  updated: number;
}

/** Maps a `users` row to the public `User`. */
export function toUser(r: UserRowLike): User {
  return {
    tenant: r.tenant,
    name: r.name,
    role: r.role,
    disabled: typeof r.disabled === 'boolean' ? r.disabled : r.disabled !== 0,
    hasPassword: r.password_hash !== null,
    created: r.created,
    updated: r.updated,
  };
}

/** The admin and input checks of `UserStore.create`; throws before anything is written. */
export async function checkNewUser(ctx: AuthContext, input: NewUser): Promise<void> {
  requireAdmin(ctx);
  checkUserName(input.name);
  checkRole(input.role);
  if (input.password !== undefined) await checkPassword(input.password, ctx.tenant, input.name);
}

/** The scrypt hash of an optional new password (`null` when there is none). */
export async function hashNewPassword(password: string | undefined): Promise<string | null> {
  return password === undefined ? null : await hashPassword(password);
}

/**
 * The admin and input checks of `UserStore.update`, then the new password's hash (`undefined`
 * when the patch keeps the password).
 */
export async function checkUserPatch(ctx: AuthContext, name: string, patch: UserPatch): Promise<string | undefined> {
  requireAdmin(ctx);
  if (patch.role !== undefined) checkRole(patch.role);
  if (patch.password !== undefined) await checkPassword(patch.password, ctx.tenant, name);
  return patch.password === undefined ? undefined : await hashPassword(patch.password);
}

/** `UserStore.passwordStamp` given the user's row if enabled in an enabled tenant. */
export function passwordStampOf(row: UserRowLike | undefined): { user: User; stamp: string } | undefined {
  if (!row || row.password_hash === null) return undefined;
  return { user: toUser(row), stamp: createHash('sha256').update(row.password_hash).digest('base64url') };
}

/**
 * `UserStore.verifyPassword`: an over-long password never reaches the database, yet a hash is
 * still verified (against a dummy when there is no row) so timing does not tell which failed.
 */
export async function verifyUserPassword(
  password: string,
  enabledRow: () => UserRowLike | undefined,
): Promise<User | undefined> {
  const row = password.length <= MAX_PASSWORD_LENGTH ? enabledRow() : undefined;
  const ok = await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH), row?.password_hash ?? undefined);
  return ok && row ? toUser(row) : undefined;
}
