/**
 * @module
 * What the federation's parts share: identity, settings, stores, and the node's hooks.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import type { CtiStore, TaxiiStore } from '@intersoc/cti';
import type { AuditStore, JsonValue, SqliteDb } from '@intersoc/storage';
import type { SyncPg } from '@intersoc/storage/postgres';
import type { FederationConfig } from '../config/config.js';
import type { NodeKeys } from '../identity/identity.js';
import { DEFAULT_PRIVACY_POLICY, Minimiser, type KnownPersonalValue, type PrivacyPolicy } from '../privacy/minimise.js';
import { Pseudonymiser } from '../privacy/pseudonymise.js';
import type { FederationJournal } from '../store/journal-model.js';
import type { PeerRegistry } from '../store/peers.js';
import type { FederationStateStore } from '../store/state-model.js';

/** Log levels of the federation's log hook. */
export type LogLevel = 'info' | 'warn' | 'error';

/** Dependencies of the federation. */
export interface FederationDeps {
  readonly keys: NodeKeys;
  readonly config: FederationConfig;
  /**
   * The node database: federation tables, and the same handle as the CTI store's and the TAXII
   * backend's (receipts and shares are one transaction across them). Absent when every store is
   * on PostgreSQL (`pg` and all of `stores`).
   */
  readonly db?: SqliteDb;
  /**
   * The bridge every PostgreSQL store given here was opened on (`stores`, and the CTI store and
   * TAXII backend when they are `PgCtiStore` / `PgTaxiiBackend`): a receipt and a share chunk run
   * in one of its transactions, so their writes across those stores commit or roll back together,
   * and sync rounds notice peers' trust and reviews changed by other processes through it.
   */
  readonly pg?: SyncPg;
  readonly cti: CtiStore;
  /** The TAXII backend holding the per-peer collections. */
  readonly taxii: TaxiiStore;
  /** Hash-chained audit log for share runs, receipts and peer changes. */
  readonly audit?: AuditStore;
  /**
   * Where several processes share the stores (instances of the api role), a sync round runs only
   * in the one that wins `tryLock` (e.g. a PostgreSQL advisory lock); the others skip theirs, as
   * outboxes, cursors and sightings are shared and the winner syncs every peer.
   */
  readonly rounds?: { tryLock(): boolean; unlock(): void };
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  /** Called (at most once per receipt or change) when a tenant's indicators changed. */
  readonly onIntelChanged?: (tenant: string) => void;
  readonly log?: (level: LogLevel, message: string, details?: Record<string, unknown>) => void;
  /**
   * Stores to use instead of the node database's federation tables (the PostgreSQL ones,
   * `PgPeerStore`, `PgJournal`, `PgFederationState`, where processes share one store). Without
   * `pg`, their writes commit on their own, outside the SQLite transaction that holds a receipt's
   * or a share chunk's CTI and TAXII writes; with `pg` (the bridge they were opened on), inside
   * its transaction too.
   */
  readonly stores?: {
    readonly peers?: PeerRegistry;
    readonly journal?: FederationJournal;
    readonly state?: FederationStateStore;
  };
  /**
   * Values the node knows to be personal (its privacy inventory: account and workstation names),
   * scrubbed out of free text before anything leaves, and values of subjects whose processing is
   * restricted, whose objects are withheld. Asked once per share run.
   */
  readonly privacyValues?: () => {
    readonly known?: readonly KnownPersonalValue[];
    readonly restricted?: readonly string[];
  };
}

/** The shared context. */
export interface FedContext extends FederationDeps {
  readonly peers: PeerRegistry;
  readonly journal: FederationJournal;
  /** Reports, review, chains, sightings and lookup tags. */
  readonly state: FederationStateStore;
  readonly now: () => number;
  readonly me: string;
  /** Runs `fn` as one transaction over the stores (SQLite's and/or PostgreSQL's). */
  readonly atomically: <T>(fn: () => T) => T;
  /** Changes when peers' trust or reviews were changed, by any process (the sync round's check). */
  readonly changeMark: () => string;
}

/** Throws unless the caller acts for the federation's tenant with one of the roles. */
export function requireFederationRole(
  fx: FedContext,
  ctx: AuthContext,
  roles: readonly ('admin' | 'analyst' | 'viewer')[],
): void {
  // The message must not name the federation's tenant: other tenants may not learn who it is.
  if (ctx.tenant !== fx.config.tenant)
    throw new AppError('FORBIDDEN', `the federation of this node acts for another tenant, not "${ctx.tenant}"`);
  requireRole(ctx, roles);
}

/** The privacy policy from the settings. */
export function privacyPolicy(fx: FedContext): PrivacyPolicy {
  const p = fx.config.privacy;
  return {
    ...DEFAULT_PRIVACY_POLICY,
    kinds: p.kinds,
    freeText: p.freeText,
    fields: p.fields,
    ...(p.internalNetworks ? { internalNetworks: p.internalNetworks } : {}),
    ...(p.internalSuffixes ? { internalSuffixes: p.internalSuffixes } : {}),
  };
}

/**
 * The minimiser for outgoing objects: pseudonyms under the configured community's key, else
 * the first of the node's communities that has a key; without a key, personal data is removed.
 */
export function minimiserFor(fx: FedContext): Minimiser {
  const names = fx.config.privacy.community ? [fx.config.privacy.community] : fx.keys.identity.communities;
  const values = fx.privacyValues?.() ?? {};
  for (const name of names) {
    const key = fx.journal.communityKey(name);
    if (key) return new Minimiser(privacyPolicy(fx), new Pseudonymiser(key, name), values);
  }
  return new Minimiser(privacyPolicy(fx), undefined, values);
}

/** Appends an audit entry; a failing audit store is logged, never fatal to the exchange. */
export function audit(
  fx: FedContext,
  e: {
    action: string;
    actor: string;
    outcome: 'success' | 'failure' | 'denied';
    target?: string;
    details?: Record<string, JsonValue>;
  },
): void {
  if (!fx.audit) return;
  fx.audit
    .append({
      tenant: fx.config.tenant,
      actor: e.actor,
      actorTenant: fx.config.tenant,
      action: e.action,
      outcome: e.outcome,
      ...(e.target === undefined ? {} : { target: e.target }),
      ...(e.details === undefined ? {} : { details: e.details }),
    })
    .catch((err: unknown) => fx.log?.('error', 'audit append failed', { err: String(err) }));
}
