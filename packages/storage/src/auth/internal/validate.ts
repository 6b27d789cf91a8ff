/**
 * @module
 * Input checks of the identity stores, shared by the SQLite and PostgreSQL implementations so
 * both refuse the same inputs with the same errors. Private to the storage package.
 */
import { AppError, ROLES, TENANT_PATTERN } from '@intersoc/core';
import type { Role } from '@intersoc/core';
import { passwordProblem } from '../password-policy.js';
import { USER_NAME_PATTERN } from '../types.js';

/** VALIDATION unless `name` is a valid tenant name. */
export function checkTenantName(name: string): void {
  if (!TENANT_PATTERN.test(name)) {
    throw new AppError('VALIDATION', `tenant name must match ${String(TENANT_PATTERN)}`, {
      details: { field: 'name' },
    });
  }
}

/** VALIDATION unless `name` is a valid user name. */
export function checkUserName(name: string): void {
  if (!USER_NAME_PATTERN.test(name)) {
    throw new AppError('VALIDATION', `user name must match ${String(USER_NAME_PATTERN)}`, {
      details: { field: 'name' },
    });
  }
}

/** VALIDATION unless `role` is a role. */
export function checkRole(role: string): asserts role is Role {
  if (!ROLES.includes(role as Role)) {
    throw new AppError('VALIDATION', `role must be one of ${ROLES.join(', ')}`, { details: { field: 'role' } });
  }
}

/** VALIDATION when the password policy refuses `password` for this user. */
export async function checkPassword(password: string, tenant: string, user: string): Promise<void> {
  const problem = await passwordProblem(password, { tenant, user });
  if (problem !== undefined) throw new AppError('VALIDATION', problem, { details: { field: 'password' } });
}

/** The trimmed token name; VALIDATION unless 1 to 100 printable characters. */
export function tokenName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100 || /\p{Cc}/u.test(trimmed)) {
    throw new AppError('VALIDATION', 'token name must be 1 to 100 printable characters', {
      details: { field: 'name' },
    });
  }
  return trimmed;
}

/** VALIDATION unless a token expiry, when given, is a future epoch ms. */
export function checkExpiry(expires: number | undefined, now: number): void {
  if (expires !== undefined && !(Number.isSafeInteger(expires) && expires > now)) {
    throw new AppError('VALIDATION', 'token expiry must be in the future', { details: { field: 'expires' } });
  }
}

/** CONFIG unless a session lifetime is a positive whole number of seconds. */
export function checkTtl(ttlSeconds: number): void {
  if (!(Number.isSafeInteger(ttlSeconds) && ttlSeconds > 0)) {
    throw new AppError('CONFIG', 'session lifetime must be a positive number of seconds');
  }
}

/** FORBIDDEN unless the caller may create a token for `owner` (their own, or any as admin). */
export function checkTokenOwner(ctx: { readonly user: string; readonly roles: readonly Role[] }, owner: string): void {
  if (owner !== ctx.user && !ctx.roles.includes('admin')) {
    throw new AppError('FORBIDDEN', 'only admins create tokens for other users');
  }
}
