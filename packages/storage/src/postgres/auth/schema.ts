/**
 * @module
 * The identity and audit tables on PostgreSQL (migration step 2), mirroring the SQLite `auth`
 * set after all its steps. Differences: `user` is a reserved word, so owners are `user_name`;
 * flags are booleans; secrets' SHA-256 are `bytea`; the role list is a named CHECK constraint,
 * so a later step adds a role with DROP/ADD CONSTRAINT instead of SQLite's table rebuild. The
 * audit tables refuse UPDATE and DELETE through triggers, as on SQLite; `verify` catches anyone
 * who bypasses them (a superuser dropping the triggers).
 */

export const AUTH_STEP = `
  CREATE TABLE tenants (
    name text PRIMARY KEY,
    display_name text NOT NULL,
    created bigint NOT NULL,
    disabled boolean NOT NULL DEFAULT false
  );
  INSERT INTO tenants (name, display_name, created)
    VALUES ('default', 'Default', (extract(epoch FROM now()) * 1000)::bigint);

  CREATE TABLE users (
    tenant text NOT NULL REFERENCES tenants(name),
    name text NOT NULL,
    role text NOT NULL CONSTRAINT users_role CHECK (role IN ('admin', 'analyst', 'viewer', 'partner', 'instructor', 'trainee', 'dpo')),
    password_hash text,
    disabled boolean NOT NULL DEFAULT false,
    created bigint NOT NULL,
    updated bigint NOT NULL,
    PRIMARY KEY (tenant, name)
  );

  CREATE TABLE api_tokens (
    id text PRIMARY KEY,
    tenant text NOT NULL,
    user_name text NOT NULL,
    name text NOT NULL,
    hash bytea NOT NULL UNIQUE,
    created bigint NOT NULL,
    expires bigint,
    last_used bigint,
    revoked bigint,
    bound_tenant text,
    bound_user text,
    FOREIGN KEY (tenant, user_name) REFERENCES users(tenant, name)
  );
  CREATE INDEX api_tokens_owner ON api_tokens (tenant, user_name);
  CREATE INDEX api_tokens_bound ON api_tokens (bound_tenant, bound_user) WHERE bound_user IS NOT NULL;

  CREATE TABLE sessions (
    id text PRIMARY KEY,
    hash bytea NOT NULL UNIQUE,
    tenant text NOT NULL,
    user_name text NOT NULL,
    created bigint NOT NULL,
    expires bigint NOT NULL,
    FOREIGN KEY (tenant, user_name) REFERENCES users(tenant, name)
  );
  CREATE INDEX sessions_expires ON sessions (expires);
  CREATE INDEX sessions_owner ON sessions (tenant, user_name);

  CREATE TABLE audit_log (
    tenant text NOT NULL,
    seq bigint NOT NULL,
    time bigint NOT NULL,
    actor text NOT NULL,
    actor_tenant text NOT NULL,
    action text NOT NULL,
    target text,
    outcome text NOT NULL,
    status integer,
    request_id text,
    details text,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (tenant, seq)
  );
  CREATE INDEX audit_log_action ON audit_log (tenant, action, seq);

  CREATE TABLE audit_checkpoints (
    tenant text NOT NULL,
    seq bigint NOT NULL,
    head text NOT NULL,
    time bigint NOT NULL,
    prev text NOT NULL,
    key_id text NOT NULL,
    signature text NOT NULL,
    PRIMARY KEY (tenant, seq)
  );

  CREATE FUNCTION intersoc_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
  END $$;
  CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION intersoc_append_only();
  CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION intersoc_append_only();
  CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION intersoc_append_only();
  CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION intersoc_append_only();`;
