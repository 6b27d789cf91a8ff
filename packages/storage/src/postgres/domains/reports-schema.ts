/**
 * @module
 * Threat reports on PostgreSQL (migration step 18), mirroring the SQLite `text-reports` schema of
 * `@intersoc/text`: reports (document and analysis as gzipped JSON in `bytea`, as in SQLite's
 * BLOBs), analysts' reviews, the labelled sentences the reviews make, and the tenant's model
 * versions. The store class is `PgReportStore` in `@intersoc/text`.
 *
 * Keys the listings order by compare byte-wise (`COLLATE "C"`), as SQLite orders them. Times are
 * epoch ms in `bigint`. `by` is a reserved word in PostgreSQL, so that column is quoted; keeping
 * its name lets both stores share their row mappers. At most one active model version per tenant
 * and kind: the partial unique index makes that an invariant, not only the store's habit. The
 * report store has no full-text search (SQLite's has none either), so there is no text index;
 * `text_reports_added` serves the listing (newest first, then by id).
 */

export const REPORTS_STEP = `
  CREATE TABLE text_reports (
    tenant text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    sha256 text NOT NULL,
    name text NOT NULL,
    title text,
    format text NOT NULL,
    tlp text NOT NULL,
    status text NOT NULL,
    bytes bigint NOT NULL,
    pages integer NOT NULL,
    items integer NOT NULL,
    model text NOT NULL,
    added bigint NOT NULL,
    added_by text NOT NULL,
    updated bigint NOT NULL,
    published bigint,
    doc bytea NOT NULL,
    analysis bytea NOT NULL,
    PRIMARY KEY (tenant, id),
    UNIQUE (tenant, sha256)
  );
  CREATE INDEX text_reports_added ON text_reports (tenant, added DESC, id);

  CREATE TABLE text_reviews (
    tenant text COLLATE "C" NOT NULL,
    report text COLLATE "C" NOT NULL,
    item text COLLATE "C" NOT NULL,
    decision text NOT NULL,
    value text,
    "by" text NOT NULL,
    at bigint NOT NULL,
    PRIMARY KEY (tenant, report, item)
  );

  CREATE TABLE text_labels (
    tenant text COLLATE "C" NOT NULL,
    report text COLLATE "C" NOT NULL,
    sentence integer NOT NULL,
    text text NOT NULL,
    techniques text NOT NULL,
    rejected text NOT NULL,
    updated bigint NOT NULL,
    PRIMARY KEY (tenant, report, sentence)
  );

  CREATE TABLE text_models (
    tenant text COLLATE "C" NOT NULL,
    kind text COLLATE "C" NOT NULL,
    version text COLLATE "C" NOT NULL,
    created bigint NOT NULL,
    file text NOT NULL,
    active boolean NOT NULL,
    metrics text NOT NULL,
    PRIMARY KEY (tenant, kind, version)
  );
  CREATE UNIQUE INDEX text_models_one_active ON text_models (tenant, kind) WHERE active;`;
