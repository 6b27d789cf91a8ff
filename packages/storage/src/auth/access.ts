/**
 * @module
 * Access rules shared by the identity stores and the API: who the node operator is, and the
 * checks every mutating store function runs before it touches a row.
 */
import { AppError, DEFAULT_TENANT, requireRole } from '@intersoc/core';
import type { AuthContext } from '@intersoc/core';

/**
 * The node operator is an admin of the `default` tenant (or the node itself). Only the operator
 * creates tenants and may act within another tenant.
 */
export function isOperator(ctx: AuthContext): boolean {
  return ctx.tenant === DEFAULT_TENANT && ctx.roles.includes('admin');
}

/** Throws FORBIDDEN unless the caller is the node operator. */
export function requireOperator(ctx: AuthContext): void {
  if (!isOperator(ctx)) throw new AppError('FORBIDDEN', 'requires the node operator (an admin of the default tenant)');
}

/** Throws FORBIDDEN unless the caller is an admin of its tenant. */
export function requireAdmin(ctx: AuthContext): void {
  requireRole(ctx, ['admin']);
}

/**
 * The context the operator uses to act within `tenant`; anyone else gets FORBIDDEN unless
 * `tenant` is their own. The actor stays the operator: audit entries keep who really acted.
 */
export function actAs(ctx: AuthContext, tenant: string | undefined): AuthContext {
  if (tenant === undefined || tenant === ctx.tenant) return ctx;
  if (!isOperator(ctx)) throw new AppError('FORBIDDEN', 'only the node operator may act within another tenant');
  return { tenant, user: ctx.user, roles: ['admin'], via: ctx.via };
}
