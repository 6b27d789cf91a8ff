/**
 * @module
 * Identity and audit store interfaces: tenants, users, API tokens, sessions and the hash-chained
 * audit log. Every method is async and takes plain values, so a PostgreSQL implementation can
 * satisfy the same interfaces later. Functions that read or write tenant data take the caller's
 * `AuthContext` explicitly and act within `ctx.tenant` only.
 */
import type { AuthContext, Role } from '@intersoc/core';

/** User names: letters, digits and `._@-` (e-mail addresses fit); never `/`, which separates tenant and user. */
export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/** Shortest accepted password. Long passphrases beat complexity rules (NIST SP 800-63B). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest accepted password; bounds the work one login can cost. */
export const MAX_PASSWORD_LENGTH = 1024;

/** An organisation whose data is kept apart from every other's. */
export interface Tenant {
  readonly name: string;
  readonly displayName: string;
  /** Epoch ms. */
  readonly created: number;
  readonly disabled: boolean;
}

/** A user of one tenant. The password hash never leaves the store. */
export interface User {
  readonly tenant: string;
  readonly name: string;
  readonly role: Role;
  readonly disabled: boolean;
  /** False for service accounts that authenticate with API tokens only. */
  readonly hasPassword: boolean;
  readonly created: number;
  readonly updated: number;
}

/** An API token's metadata. The secret is shown once, at creation, and only its SHA-256 is kept. */
export interface ApiToken {
  /** Public id, used to list and revoke. */
  readonly id: string;
  readonly tenant: string;
  readonly user: string;
  /** Label chosen by its creator, e.g. `prometheus` or `winlogbeat-dc1`. */
  readonly name: string;
  readonly created: number;
  readonly expires: number | null;
  /** Last successful use, epoch ms, updated at most once a minute. */
  readonly lastUsed: number | null;
  /** When it was revoked, or null. */
  readonly revoked: number | null;
}

/** A login session; the secret is returned once and stored as its SHA-256. */
export interface Session {
  readonly id: string;
  readonly tenant: string;
  readonly user: string;
  readonly created: number;
  readonly expires: number;
}

/** Who a presented credential belongs to, as resolved by a store. */
export interface ResolvedIdentity {
  readonly tenant: string;
  readonly user: string;
  readonly role: Role;
  /** Token or session id the credential resolved to. */
  readonly credentialId: string;
}

/** Tenants. Listing and reading are scoped; creating and disabling need the node operator. */
export interface TenantStore {
  /** The node operator sees every tenant; anyone else sees only their own. */
  list(ctx: AuthContext): Promise<Tenant[]>;
  /** Reads one tenant the caller may see; undefined otherwise. */
  get(ctx: AuthContext, name: string): Promise<Tenant | undefined>;
  /** Creates a tenant (operator only). CONFLICT when it exists. */
  create(ctx: AuthContext, input: { readonly name: string; readonly displayName?: string }): Promise<Tenant>;
  /** Updates a tenant (operator only). The default tenant cannot be disabled. */
  update(
    ctx: AuthContext,
    name: string,
    patch: { readonly displayName?: string; readonly disabled?: boolean },
  ): Promise<Tenant>;
}

/** Input for a new user. */
export interface NewUser {
  readonly name: string;
  readonly role: Role;
  /** Omit for a token-only service account. */
  readonly password?: string;
}

/** Changes to a user; omitted fields stay. */
export interface UserPatch {
  readonly role?: Role;
  readonly disabled?: boolean;
  readonly password?: string;
}

/** Users of the caller's tenant. Mutations need the admin role. */
export interface UserStore {
  list(ctx: AuthContext): Promise<User[]>;
  get(ctx: AuthContext, name: string): Promise<User | undefined>;
  /** CONFLICT when the name is taken in this tenant; VALIDATION for a bad name or password. */
  create(ctx: AuthContext, input: NewUser): Promise<User>;
  /** CONFLICT when the change would leave the tenant without an enabled admin. */
  update(ctx: AuthContext, name: string, patch: UserPatch): Promise<User>;
  /**
   * Checks a password in constant time. This is authentication itself, so it takes no context;
   * it spends the same scrypt work whether or not the user exists, so timing does not reveal
   * which names are valid. Undefined for any failure (unknown, disabled, wrong password).
   */
  verifyPassword(tenant: string, name: string, password: string): Promise<User | undefined>;
  /**
   * A fingerprint of the user's current password hash (never the hash), for caches of verified
   * credentials: it changes with the password. Undefined when the user is unknown, disabled, in
   * a disabled tenant, or has no password, so a cache entry dies with any of those.
   */
  passwordStamp(tenant: string, name: string): Promise<{ readonly user: User; readonly stamp: string } | undefined>;
}

/** Input for a new API token. */
export interface NewToken {
  /** Owner; defaults to the caller. Only admins create tokens for someone else. */
  readonly user?: string;
  readonly name: string;
  /** Expiry, epoch ms; omitted means no expiry. */
  readonly expires?: number;
  /**
   * What the caller authenticated with: a password (session or Basic) of `tenant/user`, or
   * another token. A token minted with a password, or with a token so minted, is revoked when
   * that password changes, so a stolen session cannot leave a credential behind. Omitted (CLI,
   * system) means not bound.
   */
  readonly mintedWith?:
    | { readonly kind: 'password'; readonly tenant: string; readonly user: string }
    | { readonly kind: 'token'; readonly id: string };
}

/** API tokens of the caller's tenant. Users manage their own; admins manage everyone's. */
export interface TokenStore {
  /** Returns the metadata and the secret, which is not stored and cannot be shown again. */
  create(ctx: AuthContext, input: NewToken): Promise<{ token: ApiToken; secret: string }>;
  /** Admins see every token of the tenant (optionally one user's); others see their own. */
  list(ctx: AuthContext, filter?: { readonly user?: string }): Promise<ApiToken[]>;
  /** Revokes a token; NOT_FOUND when it is not the caller's to revoke. Idempotent. */
  revoke(ctx: AuthContext, id: string): Promise<ApiToken>;
  /** Resolves a presented secret: undefined when unknown, revoked, expired or its user or tenant is disabled. */
  resolve(secret: string, now?: number): Promise<ResolvedIdentity | undefined>;
}

/** Login sessions. */
export interface SessionStore {
  /** Starts a session for a user who has just authenticated. */
  create(
    identity: { readonly tenant: string; readonly user: string },
    ttlSeconds: number,
  ): Promise<{ session: Session; secret: string }>;
  /** Resolves a session secret; undefined when unknown, expired, or the user or tenant is disabled. */
  resolve(secret: string, now?: number): Promise<ResolvedIdentity | undefined>;
  /** Ends the session that `secret` names; true when one was ended. */
  revoke(secret: string): Promise<boolean>;
  /** Deletes expired sessions; returns how many. */
  purgeExpired(now?: number): Promise<number>;
}

/** JSON value allowed in audit details (canonicalised for hashing). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** How an audited action ended. */
export type AuditOutcome = 'success' | 'failure' | 'denied';

/** What the caller records; the store adds sequence, time and hashes. */
export interface AuditInput {
  /** Tenant whose log receives the entry (the tenant acted upon). */
  readonly tenant: string;
  /** Who acted: user name, `anonymous`, or `system` for the node itself. */
  readonly actor: string;
  /** Tenant of the actor; differs from `tenant` when the node operator acts on another tenant. */
  readonly actorTenant: string;
  /** Dotted verb, e.g. `user.create`, `auth.login`, `events.ingest`. */
  readonly action: string;
  /** What was acted upon, e.g. a user name or token id. */
  readonly target?: string;
  readonly outcome: AuditOutcome;
  /** HTTP status, when the action was an HTTP call. */
  readonly status?: number;
  readonly requestId?: string;
  /** Extra facts. Never secrets: callers pass only what they chose to record. */
  readonly details?: { readonly [key: string]: JsonValue };
  /** Epoch ms; defaults to now. */
  readonly time?: number;
}

/** A stored audit entry. `hash` = SHA-256(prevHash + canonical JSON of the other fields). */
export interface AuditEntry {
  readonly tenant: string;
  /** Position in the tenant's chain, from 1. */
  readonly seq: number;
  readonly time: number;
  readonly actor: string;
  readonly actorTenant: string;
  readonly action: string;
  readonly target: string | null;
  readonly outcome: AuditOutcome;
  readonly status: number | null;
  readonly requestId: string | null;
  readonly details: { readonly [key: string]: JsonValue } | null;
  readonly prevHash: string;
  readonly hash: string;
}

/** Result of walking a tenant's chain. */
export interface AuditVerification {
  readonly tenant: string;
  readonly ok: boolean;
  /** Entries checked. */
  readonly entries: number;
  /** Hash of the last entry: record it elsewhere to detect truncation of the tail later. */
  readonly head: string;
  /** First sequence number that fails, when not ok. */
  readonly brokenAt?: number;
  readonly reason?: string;
  /** Signed checkpoints of this chain that were checked. */
  readonly checkpoints?: number;
  /** The newest checkpoint: compare it with a copy kept off the node to detect a cut-off tail. */
  readonly latestCheckpoint?: { readonly seq: number; readonly time: number; readonly head: string };
  /** Entries after the newest checkpoint (not yet covered by a signature). */
  readonly unanchored?: number;
}

/** One page of audit entries, newest first. */
export interface AuditPage {
  readonly items: AuditEntry[];
  /** Pass as `before` to get the next (older) page. */
  readonly nextBefore?: number;
}

/** Append-only, hash-chained audit log, one chain per tenant. */
export interface AuditStore {
  /**
   * Appends an entry to `entry.tenant`'s chain. It takes no context because unauthenticated
   * attempts (failed logins) are audited too; the caller names the tenant explicitly.
   */
  append(entry: AuditInput): Promise<AuditEntry>;
  /** Entries of the caller's tenant, newest first. */
  list(
    ctx: AuthContext,
    query?: { readonly limit?: number; readonly before?: number; readonly action?: string; readonly actor?: string },
  ): Promise<AuditPage>;
  /**
   * Recomputes the caller's tenant chain and checks it against its signed checkpoints; reports
   * the first entry that does not match.
   */
  verify(ctx: AuthContext): Promise<AuditVerification>;
  /** Signs a checkpoint of every chain that grew since its last one (none without a key ring); returns how many. */
  checkpoint(): Promise<number>;
}

/** Every identity store of a node, opened together. */
export interface AuthStores {
  readonly tenants: TenantStore;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly sessions: SessionStore;
  readonly audit: AuditStore;
  /** Cheap liveness probe for health checks. */
  ping(): Promise<void>;
}
