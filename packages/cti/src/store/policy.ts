/**
 * @module
 * Access and sharing rules of the CTI store, in one place: tenant isolation, role checks for
 * writes, and TLP ceilings for partner SOCs. AMBER+STRICT and RED never reach a partner,
 * whatever the policy says.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import { TLP_LEVELS, tlpAllows, type TlpLevel } from '../taxonomies/tlp.js';
import type { SharingPolicy } from './types.js';

/** Default policy: partners read up to AMBER; unmarked objects count as AMBER. */
export const DEFAULT_SHARING_POLICY: SharingPolicy = { partnerMaxTlp: 'amber', unmarkedAs: 'amber' };

/** True when the caller is a partner (a peer SOC), not a member of the tenant. */
export function isPartner(ctx: AuthContext): boolean {
  return ctx.roles.length > 0 && ctx.roles.every((r) => r === 'partner');
}

/** Throws FORBIDDEN unless the caller may write the tenant's intelligence. */
export function requireWriter(ctx: AuthContext): void {
  if (!ctx.roles.some((r) => r === 'admin' || r === 'analyst')) {
    throw new AppError('FORBIDDEN', 'writing threat intelligence requires the admin or analyst role');
  }
}

/** The highest TLP a caller may read under a policy. */
export function readCeiling(ctx: AuthContext, policy: SharingPolicy): TlpLevel {
  if (!isPartner(ctx)) return 'red';
  const cap: TlpLevel = tlpAllows('amber', policy.partnerMaxTlp) ? policy.partnerMaxTlp : 'amber';
  return cap;
}

/** True when an object with TLP `level` (undefined = unmarked) is readable under `ceiling`. */
export function tlpReadable(level: TlpLevel | undefined, ceiling: TlpLevel, policy: SharingPolicy): boolean {
  return tlpAllows(ceiling, level ?? policy.unmarkedAs);
}

/** The TLP levels readable under a ceiling (for SQL filters). */
export function readableLevels(ceiling: TlpLevel): TlpLevel[] {
  return TLP_LEVELS.filter((l) => tlpAllows(ceiling, l));
}
