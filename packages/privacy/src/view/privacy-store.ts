/**
 * @module
 * What pseudonymised triage keeps, shared by both stores (`SqlitePrivacyStore` on SQLite,
 * `PgPrivacyStore` on PostgreSQL): the re-identification and restriction records, the
 * `PrivacyStore` interface, and the row → object mappers. The pseudonym table holds the personal
 * value behind each pseudonym shown: only `resolve` returns it, and neither store puts a value in
 * an error message (the tenant pseudonymisation keys themselves live in the data folder, not here).
 */
import { AppError } from '@intersoc/core';
import type { PersonalKind } from '../inventory/inventory.js';
import type { PseudonymEntry } from './pseudonyms.js';

/** A re-identification request. */
export interface Reidentification {
  readonly id: string;
  readonly tenant: string;
  readonly pseudonym: string;
  readonly caseId: string;
  readonly reason: string;
  readonly requestedBy: string;
  readonly requested: number;
  /** `approved` shows the value to the requester; `pending` waits for a second person. */
  readonly status: 'pending' | 'approved' | 'denied';
  readonly decidedBy?: string;
  readonly decided?: number;
  /** The value, only on an approved request's answer to its requester. */
  readonly value?: string;
  readonly kind?: PersonalKind;
}

/** A restriction of processing (Art. 18). */
export interface Restriction {
  readonly tenant: string;
  readonly subject: string;
  readonly reason: string;
  readonly createdBy: string;
  readonly created: number;
}

/**
 * The privacy state's operations. Every call names its tenant and stays inside it; a request id
 * or pseudonym of another tenant is NOT_FOUND.
 */
export interface PrivacyStore {
  /** Remembers pseudonyms shown in `tenant` (the first showing of each is kept). */
  remember(tenant: string, used: readonly PseudonymEntry[]): void;
  /** The value behind a pseudonym (internal: only re-identification discloses it). */
  resolve(tenant: string, pseudonym: string): { kind: PersonalKind; value: string } | undefined;
  /**
   * Every pseudonym shown in `tenant` with its value, by pseudonym: what erasure and the known
   * personal values (`sharingValues`) read, so they need not reach into the store's tables.
   */
  shown(tenant: string): PseudonymEntry[];
  /** Forgets pseudonyms of erased values; how many went. */
  forget(tenant: string, test: (value: string) => boolean): number;
  /** Records a request; `approved` at once unless four eyes are required. */
  request(
    tenant: string,
    o: { pseudonym: string; caseId: string; reason: string; user: string; fourEyes: boolean },
  ): Reidentification;
  /** A request of the tenant. */
  require(tenant: string, id: string): Reidentification;
  /** A second person approves or denies a pending request (once: a decided one is CONFLICT). */
  decide(tenant: string, id: string, user: string, approve: boolean): Reidentification;
  /** Requests of a tenant, newest first (for the data protection officer). */
  list(tenant: string, limit?: number): Reidentification[];
  /** Marks a subject restricted (again: the new reason and author replace the old). */
  restrict(r: Omit<Restriction, 'created'>): Restriction;
  /** Lifts a restriction; false when there was none. */
  lift(tenant: string, subject: string): boolean;
  /** Restrictions of a tenant, oldest first. */
  restrictions(tenant: string): Restriction[];
}

/** A `privacy_reidentifications` row, as both stores read it. */
export interface ReRow {
  id: string;
  tenant: string;
  pseudonym: string;
  case_id: string;
  reason: string;
  requested_by: string;
  requested: number;
  status: Reidentification['status'];
  decided_by: string | null;
  decided: number | null;
}

/** A `privacy_restrictions` row, as both stores read it. */
export interface RestrictionRow {
  tenant: string;
  subject: string;
  reason: string;
  created_by: string;
  created: number;
}

/** A row as a re-identification request. */
export function reOf(r: ReRow): Reidentification {
  return {
    id: r.id,
    tenant: r.tenant,
    pseudonym: r.pseudonym,
    caseId: r.case_id,
    reason: r.reason,
    requestedBy: r.requested_by,
    requested: r.requested,
    status: r.status,
    ...(r.decided_by === null ? {} : { decidedBy: r.decided_by }),
    ...(r.decided === null ? {} : { decided: r.decided }),
  };
}

/** A row as a restriction. */
export function restrictionOf(r: RestrictionRow): Restriction {
  return { tenant: r.tenant, subject: r.subject, reason: r.reason, createdBy: r.created_by, created: r.created };
}

/**
 * Why a decision changed nothing on a request that exists: its requester tried to decide it (four
 * eyes), or it was decided already (perhaps a moment ago, by another process).
 */
export function undecidable(r: Reidentification, user: string): AppError {
  if (r.status === 'pending' && r.requestedBy === user)
    return new AppError('FORBIDDEN', 'four eyes: a second person must decide');
  return new AppError('CONFLICT', `re-identification ${r.id} is ${r.status}`);
}
