/**
 * @module
 * Store-independent plumbing of the audit stores (SQLite and PostgreSQL) around the hash chain
 * of `audit-chain.ts`: row values in column order, the filters and page of `AuditStore.list`,
 * and the checkpoint row mapping, so the two stores differ only in their SQL. Private to the
 * storage package.
 */
import type { AuditPage, AuditStore } from '../types.js';
import { toEntry } from './audit-chain.js';
import type { AuditRow } from './audit-chain.js';

/** Columns of an audit row, in the order of `auditRowValues`. */
export const AUDIT_COLUMNS = 13;

/** The values of a row in column order, for the INSERTs. */
export function auditRowValues(r: AuditRow): (string | number | null)[] {
  return [
    r.tenant,
    r.seq,
    r.time,
    r.actor,
    r.actor_tenant,
    r.action,
    r.target,
    r.outcome,
    r.status,
    r.request_id,
    r.details,
    r.prev_hash,
    r.hash,
  ];
}

/** The query of `AuditStore.list`. */
export type AuditListQuery = NonNullable<Parameters<AuditStore['list']>[1]>;

/**
 * The page size of `AuditStore.list` (1 to 1000, 100 by default) and its filters beyond the
 * tenant, each a column with its operator and the value the store binds to it.
 */
export function auditListPlan(query: AuditListQuery): {
  limit: number;
  filters: { clause: 'seq <' | 'action =' | 'actor ='; value: string | number }[];
} {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), 1000);
  const filters: { clause: 'seq <' | 'action =' | 'actor ='; value: string | number }[] = [];
  if (query.before !== undefined) filters.push({ clause: 'seq <', value: query.before });
  if (query.action !== undefined) filters.push({ clause: 'action =', value: query.action });
  if (query.actor !== undefined) filters.push({ clause: 'actor =', value: query.actor });
  return { limit, filters };
}

/** The page of `limit` entries from up to `limit + 1` rows newest first; the extra row says there is more. */
export function auditPage(rows: readonly AuditRow[], limit: number): AuditPage {
  const items = rows.slice(0, limit).map(toEntry);
  const last = items[items.length - 1];
  return rows.length > limit && last ? { items, nextBefore: last.seq } : { items };
}
