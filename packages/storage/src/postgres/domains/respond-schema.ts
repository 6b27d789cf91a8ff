/**
 * @module
 * The respond tables on PostgreSQL, mirroring the SQLite `respond` schema of `@intersoc/respond`
 * at its last step: playbooks by version, runs (each with a number from a sequence: the key of the
 * transition log), the transition log `respond_log` in commit order, the open waits (the approval
 * inbox), the recorded actions (what a rollback undoes) and the request queue of processes that do
 * not drive runs. Identifiers and versions compare byte-wise (`COLLATE "C"`), as SQLite compares
 * them, so "the latest version" and listing orders are the same on both stores. The store class is
 * `PgRespondStore` in `@intersoc/respond`.
 */

export const RESPOND_STEP = `
  CREATE TABLE respond_playbooks (
    tenant text NOT NULL,
    id text COLLATE "C" NOT NULL,
    version text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    digest text NOT NULL,
    source text NOT NULL,
    tlp text,
    signed_by text NOT NULL,
    added_by text NOT NULL,
    added_at bigint NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, id, version)
  );
  CREATE SEQUENCE respond_run_numbers;
  CREATE TABLE respond_runs (
    tenant text NOT NULL,
    id text COLLATE "C" NOT NULL,
    playbook_id text NOT NULL,
    playbook_version text NOT NULL,
    playbook_name text NOT NULL,
    status text NOT NULL,
    dry_run boolean NOT NULL,
    requested_by text NOT NULL,
    trigger text NOT NULL,
    parent_run text,
    created bigint NOT NULL,
    updated bigint NOT NULL,
    reason text,
    trigger_ref text,
    no bigint NOT NULL UNIQUE,
    PRIMARY KEY (tenant, id)
  );
  CREATE INDEX respond_runs_by_created ON respond_runs (tenant, created);
  CREATE INDEX respond_runs_by_status ON respond_runs (status);
  CREATE INDEX respond_runs_by_trigger ON respond_runs (tenant, trigger_ref);
  CREATE TABLE respond_log (
    id bigserial PRIMARY KEY,
    run_no bigint NOT NULL,
    seq integer NOT NULL,
    time bigint NOT NULL,
    body text NOT NULL,
    UNIQUE (run_no, seq)
  );
  CREATE TABLE respond_waits (
    tenant text NOT NULL,
    run text NOT NULL,
    branch text NOT NULL,
    doc text NOT NULL,
    expires bigint,
    PRIMARY KEY (tenant, run, branch)
  );
  CREATE TABLE respond_actions (
    tenant text NOT NULL,
    run text NOT NULL,
    seq integer NOT NULL,
    state text NOT NULL,
    expires bigint,
    doc text NOT NULL,
    PRIMARY KEY (tenant, run, seq)
  );
  CREATE INDEX respond_actions_by_expiry ON respond_actions (state, expires);
  CREATE TABLE respond_requests (
    id bigserial PRIMARY KEY,
    tenant text NOT NULL,
    caller text NOT NULL,
    op text NOT NULL,
    args text NOT NULL,
    created bigint NOT NULL,
    done boolean NOT NULL DEFAULT false,
    result text,
    error text
  );
  CREATE INDEX respond_requests_open ON respond_requests (done, id);`;
