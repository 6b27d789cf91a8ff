/**
 * @module
 * The caller's identity, passed explicitly to every function that reads or writes tenant data.
 * There is no ambient "current user": a function without a context cannot touch tenant data.
 */
import { AppError } from './errors.js';

/**
 * The roles; partner is a peer SOC with read access to what is shared with it. `instructor`
 * builds training exercises and follows trainees; `trainee` plays training runs and reads only
 * the training tenant of a run (no route that reads tenant data admits the role otherwise).
 * `dpo`, the data protection officer, reads the tenant's re-identification log, the record of
 * processing, the inventory and subject access reports; no route that reads events, alerts,
 * incidents or cases admits the role (the DPO audits processing, not the data processed).
 */
export type Role = 'admin' | 'analyst' | 'viewer' | 'partner' | 'instructor' | 'trainee' | 'dpo';

/** All roles, most privileged first. */
export const ROLES: readonly Role[] = ['admin', 'analyst', 'viewer', 'partner', 'instructor', 'trainee', 'dpo'];

/** Who is calling, for which tenant, with which roles. */
export interface AuthContext {
  readonly tenant: string;
  readonly user: string;
  readonly roles: readonly Role[];
  /** How the caller authenticated; `system` is the node itself (CLI, pipeline). */
  readonly via: 'token' | 'session' | 'system';
}

/** A context for the node's own work (CLI commands, the pipeline) within one tenant. */
export function systemContext(tenant: string): AuthContext {
  return { tenant, user: 'system', roles: ['admin'], via: 'system' };
}

/** Throws FORBIDDEN unless the caller has one of `allowed`. */
export function requireRole(ctx: AuthContext, allowed: readonly Role[]): void {
  if (!ctx.roles.some((r) => allowed.includes(r))) {
    throw new AppError('FORBIDDEN', `requires role ${allowed.join(' or ')}`);
  }
}

/** Tenant names: lower-case slug, so they are safe in file names, subjects and URLs. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The tenant that exists on every node and receives data when none is named. */
export const DEFAULT_TENANT = 'default';
