/**
 * @module
 * The CTI object table on PostgreSQL (migration step 9), mirroring the SQLite `cti` set of
 * `@intersoc/cti`: one row per object version, keyed (tenant, id, version), `seq` from an
 * identity orders storage for stable paging. Versions are `COLLATE "C"` so "latest" and
 * "first" (max and min of the timestamp text) agree with SQLite's byte comparison. The store is
 * `PgCtiStore` in `@intersoc/cti`.
 */

export const CTI_STEP = `
  CREATE TABLE cti_objects (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant text NOT NULL,
    id text NOT NULL,
    version text COLLATE "C" NOT NULL,
    type text NOT NULL,
    spec_version text NOT NULL,
    revoked boolean NOT NULL DEFAULT false,
    tlp text NOT NULL,
    markings text NOT NULL,
    source text NOT NULL,
    via text,
    added bigint NOT NULL,
    json text NOT NULL,
    UNIQUE (tenant, id, version)
  );
  CREATE INDEX cti_objects_type ON cti_objects (tenant, type, seq);
  CREATE INDEX cti_objects_added ON cti_objects (tenant, added);`;
