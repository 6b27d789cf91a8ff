/**
 * @module
 * The model registry on PostgreSQL (migration step 12), mirroring `ml_models` and `ml_revisions`
 * of the SQLite `ml` schema. Tenants and names compare byte-wise (`COLLATE "C"`), as SQLite orders
 * the listing. The model document stays JSON `text`, as in SQLite: it is always JSON (trees,
 * weights and forests as numbers; `JSON.stringify` escapes control characters, so no NUL byte can
 * reach a text column), and `bytea` would travel hex-encoded through the driver's text results at
 * twice the size, then need decoding. Large documents are TOASTed (compressed, out of line).
 *
 * The partial unique index holds "at most one deployed version per name" even against a writer
 * that skips the store's per-name lock. The store class is `PgModelStore` in `@intersoc/learn`.
 */

export const MODELS_STEP = `
  CREATE TABLE ml_models (
    tenant text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    version integer NOT NULL,
    algorithm text NOT NULL,
    status text NOT NULL CHECK (status IN ('trained', 'deployed', 'retired')),
    created bigint NOT NULL,
    deployed bigint,
    doc text NOT NULL,
    PRIMARY KEY (tenant, name, version)
  );
  CREATE INDEX ml_models_by_status ON ml_models (tenant, status);
  CREATE UNIQUE INDEX ml_models_one_deployed ON ml_models (tenant, name) WHERE status = 'deployed';
  CREATE TABLE ml_revisions (
    tenant text COLLATE "C" PRIMARY KEY,
    revision bigint NOT NULL
  );`;
