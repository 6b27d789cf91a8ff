/**
 * @module
 * Pseudonymised triage on PostgreSQL (migration step 21), mirroring the SQLite `privacy` schema of
 * `@intersoc/privacy`: the pseudonyms shown per tenant with the personal value behind each (kept
 * as on SQLite, read only by re-identification and erasure), re-identification requests with their
 * reason and decision, and restrictions of processing (Art. 18). Text keys compare byte-wise
 * (`COLLATE "C"`), as SQLite orders the listings; times are epoch ms (`bigint`). The store class is
 * `PgPrivacyStore` in `@intersoc/privacy`.
 */

export const PRIVACY_STEP = `
  CREATE TABLE privacy_pseudonyms (
    tenant text COLLATE "C" NOT NULL,
    pseudonym text COLLATE "C" NOT NULL,
    kind text NOT NULL,
    value text NOT NULL,
    first_shown bigint NOT NULL,
    PRIMARY KEY (tenant, pseudonym)
  );
  CREATE TABLE privacy_reidentifications (
    id text COLLATE "C" PRIMARY KEY,
    tenant text COLLATE "C" NOT NULL,
    pseudonym text COLLATE "C" NOT NULL,
    case_id text NOT NULL,
    reason text NOT NULL,
    requested_by text NOT NULL,
    requested bigint NOT NULL,
    status text NOT NULL,
    decided_by text,
    decided bigint
  );
  CREATE INDEX privacy_reidentifications_by_tenant ON privacy_reidentifications (tenant, requested);
  CREATE TABLE privacy_restrictions (
    tenant text COLLATE "C" NOT NULL,
    subject text COLLATE "C" NOT NULL,
    reason text NOT NULL,
    created_by text NOT NULL,
    created bigint NOT NULL,
    PRIMARY KEY (tenant, subject)
  );`;
