/**
 * @module
 * The asset inventory on PostgreSQL (migration step 14), mirroring `assets` of the SQLite store:
 * one row per tenant, kind and canonical name, with the asset as a JSON document. Keys compare
 * byte-wise (`COLLATE "C"`), as SQLite orders the listing. `asset_versions` holds a counter per
 * tenant bumped by every write, so each process knows when to rebuild its in-memory lookup index.
 * The store class is `PgAssetStore` in `@intersoc/correlate`.
 */

export const ASSETS_STEP = `
  CREATE TABLE assets (
    tenant text COLLATE "C" NOT NULL,
    kind text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    criticality text NOT NULL,
    source text NOT NULL,
    updated bigint NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, kind, name)
  );
  CREATE TABLE asset_versions (
    tenant text COLLATE "C" PRIMARY KEY,
    version bigint NOT NULL
  );`;
