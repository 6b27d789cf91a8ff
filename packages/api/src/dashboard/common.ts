/**
 * @module
 * Pieces shared by the dashboard's route modules: who may read and who may change, the
 * operator's `?tenant=` switch, and time-window defaults.
 */
import { z } from 'zod';
import { AppError, TENANT_PATTERN } from '@intersoc/core';
import type { Role } from '@intersoc/core';
import { TimeParam } from '../services.js';

/** Roles that may read tenant data in the dashboard. */
export const READERS: readonly Role[] = ['admin', 'analyst', 'viewer'];

/** Roles that may change tenant data (triage, tuning, imports). Viewers never may. */
export const WRITERS: readonly Role[] = ['admin', 'analyst'];

/** `?tenant=`: the node operator looking into another tenant (everyone else gets 403 for a foreign one). */
export const TenantParam = {
  tenant: z.string().regex(TENANT_PATTERN, 'not a tenant name').optional().describe('node operator only'),
};

/** Query of a bucketed time window; defaults to the last 24 hours in 48 buckets. */
export const WindowQuerySchema = z.object({
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  buckets: z.coerce.number().int().min(1).max(1000).default(48).describe('number of time buckets, 1 to 1000'),
  ...TenantParam,
});

const DAY_MS = 86_400_000;

/** Resolves an optional window to concrete bounds (last 24 hours by default). */
export function resolveWindow(
  q: { readonly from?: number | undefined; readonly to?: number | undefined; readonly buckets: number },
  now = Date.now(),
): { from: number; to: number; buckets: number } {
  const to = q.to ?? now;
  const from = q.from ?? to - DAY_MS;
  if (from > to) throw new AppError('VALIDATION', 'from must not be after to');
  return { from, to, buckets: q.buckets };
}

/** Splits `a,b,c` lists in query strings. */
export function csvList<T extends z.ZodType<string, string>>(item: T) {
  return z
    .string()
    .max(4096)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    )
    .pipe(z.array(item).max(64));
}
