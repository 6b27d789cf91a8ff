/**
 * @module
 * Tables of the identity and audit stores in the node database. Append-only: add steps, never
 * edit one that has shipped.
 */
import { AUDIT_CHECKPOINTS_MIGRATION } from './audit-checkpoints.js';

/** Migration set name in `schema_migrations`. */
export const AUTH_MIGRATION_SET = 'auth';

/** Steps of the `auth` migration set. */
/**
 * Rebuilds the users table with `roles` in its CHECK constraint. SQLite cannot change a CHECK
 * constraint, so the table is rebuilt, and with it the two tables whose foreign keys name it
 * (with foreign keys on, children move to the new parent's name when it is renamed). Each role
 * added later is one more migration of this rebuild (the text of the earlier ones must not change).
 */
function rebuildUsers(roles: readonly string[]): string {
  return `
  CREATE TABLE users_v2 (
    tenant TEXT NOT NULL REFERENCES tenants(name),
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN (${roles.map((r) => `'${r}'`).join(', ')})),
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)
  );
  INSERT INTO users_v2 SELECT tenant, name, role, password_hash, disabled, created, updated FROM users;
  CREATE TABLE api_tokens_v2 (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    user TEXT NOT NULL,
    name TEXT NOT NULL,
    hash BLOB NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    expires INTEGER,
    last_used INTEGER,
    revoked INTEGER,
    bound_tenant TEXT,
    bound_user TEXT,
    FOREIGN KEY (tenant, user) REFERENCES users_v2(tenant, name)
  );
  INSERT INTO api_tokens_v2 SELECT id, tenant, user, name, hash, created, expires, last_used, revoked, bound_tenant, bound_user FROM api_tokens;
  CREATE TABLE sessions_v2 (
    id TEXT PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    user TEXT NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    FOREIGN KEY (tenant, user) REFERENCES users_v2(tenant, name)
  );
  INSERT INTO sessions_v2 SELECT id, hash, tenant, user, created, expires FROM sessions;
  DROP TABLE sessions;
  DROP TABLE api_tokens;
  DROP TABLE users;
  ALTER TABLE users_v2 RENAME TO users;
  ALTER TABLE api_tokens_v2 RENAME TO api_tokens;
  ALTER TABLE sessions_v2 RENAME TO sessions;
  CREATE INDEX api_tokens_owner ON api_tokens (tenant, user);
  CREATE INDEX api_tokens_bound ON api_tokens (bound_tenant, bound_user) WHERE bound_user IS NOT NULL;
  CREATE INDEX sessions_expires ON sessions (expires);
  `;
}

export const AUTH_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE tenants (
    name TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    created INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
  );
  INSERT OR IGNORE INTO tenants (name, display_name, created) VALUES ('default', 'Default', unixepoch() * 1000);

  CREATE TABLE users (
    tenant TEXT NOT NULL REFERENCES tenants(name),
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer', 'partner')),
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)
  );

  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    user TEXT NOT NULL,
    name TEXT NOT NULL,
    hash BLOB NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    expires INTEGER,
    last_used INTEGER,
    revoked INTEGER,
    FOREIGN KEY (tenant, user) REFERENCES users(tenant, name)
  );
  CREATE INDEX api_tokens_owner ON api_tokens (tenant, user);

  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    user TEXT NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    FOREIGN KEY (tenant, user) REFERENCES users(tenant, name)
  );
  CREATE INDEX sessions_expires ON sessions (expires);

  CREATE TABLE audit_log (
    tenant TEXT NOT NULL,
    seq INTEGER NOT NULL,
    time INTEGER NOT NULL,
    actor TEXT NOT NULL,
    actor_tenant TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    outcome TEXT NOT NULL,
    status INTEGER,
    request_id TEXT,
    details TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (tenant, seq)
  ) WITHOUT ROWID;
  CREATE INDEX audit_log_action ON audit_log (tenant, action, seq);
  -- The log is append-only for everyone using the store; verify() catches those who bypass it.
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
  `,
  // Tokens minted with a password (a session or Basic, directly or through another such token)
  // name the account whose password change revokes them.
  `
  ALTER TABLE api_tokens ADD COLUMN bound_tenant TEXT;
  ALTER TABLE api_tokens ADD COLUMN bound_user TEXT;
  CREATE INDEX api_tokens_bound ON api_tokens (bound_tenant, bound_user) WHERE bound_user IS NOT NULL;
  `,
  AUDIT_CHECKPOINTS_MIGRATION,
  // The instructor and trainee roles (training).
  rebuildUsers(['admin', 'analyst', 'viewer', 'partner', 'instructor', 'trainee']),
  // The data protection officer role (privacy).
  rebuildUsers(['admin', 'analyst', 'viewer', 'partner', 'instructor', 'trainee', 'dpo']),
];
