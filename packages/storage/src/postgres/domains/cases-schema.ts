/**
 * @module
 * The case tables on PostgreSQL (migration step 5), mirroring the SQLite `cases` set of
 * `@intersoc/cases`: `cases` (indexed columns plus the JSON document as text, which the severity
 * and TLP filters read with `doc::jsonb ->>` as SQLite's do with `json_extract`), `case_parts`,
 * `case_attachments` (bytes as `bytea`), `case_history` (append-only, `seq` from an identity) and
 * `case_templates`. The store class is `PgCaseStore` in `@intersoc/cases`.
 */

export const CASES_STEP = `
  CREATE TABLE cases (
    tenant text NOT NULL,
    id text COLLATE "C" NOT NULL,
    number integer NOT NULL,
    status text NOT NULL,
    assignee text,
    significant boolean NOT NULL,
    created bigint NOT NULL,
    updated bigint NOT NULL,
    search text NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, id),
    UNIQUE (tenant, number)
  );
  CREATE INDEX cases_by_created ON cases (tenant, created, id);
  CREATE TABLE case_parts (
    tenant text NOT NULL,
    case_id text NOT NULL,
    kind text NOT NULL,
    id text COLLATE "C" NOT NULL,
    seq bigint NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, case_id, kind, id)
  );
  CREATE TABLE case_attachments (
    tenant text NOT NULL,
    case_id text NOT NULL,
    id text NOT NULL,
    meta text NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (tenant, case_id, id)
  );
  CREATE TABLE case_history (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant text NOT NULL,
    case_id text NOT NULL,
    time bigint NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    detail text NOT NULL
  );
  CREATE INDEX case_history_by_case ON case_history (tenant, case_id, seq);
  CREATE TABLE case_templates (
    tenant text NOT NULL,
    key text COLLATE "C" NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, key)
  );`;
