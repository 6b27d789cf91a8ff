/**
 * @module
 * The TAXII 2.1 server's tables on PostgreSQL (migration step 22), mirroring the SQLite `taxii`
 * set of `@intersoc/cti` (`taxii/backend.ts`): API roots, collections with their ACL, the
 * objects of each collection with their `date_added` (epoch µs), and status resources with
 * their owner. The SQLite backend keeps its own tables rather than reading `cti_objects`
 * (a collection is not a tenant's store: the same object can sit in several collections with
 * its own `date_added`), so these are new tables beside step 9's `cti_objects`.
 *
 * `taxii_clock` is one row: writers lock it (`FOR UPDATE`) for the whole insert transaction, so
 * `date_added` strictly increases across processes AND commits happen in `date_added` order —
 * a reader paging by `added_after` never skips a row committed late with a smaller value.
 * Text keys that are ordered or compared with MIN/MAX are `COLLATE "C"`, as SQLite compares
 * bytes. The store is `PgTaxiiBackend` in `@intersoc/cti`.
 */

export const TAXII_STEP = `
  CREATE TABLE taxii_api_roots (
    name text COLLATE "C" PRIMARY KEY,
    title text NOT NULL,
    description text,
    max_content_length bigint NOT NULL
  );
  CREATE TABLE taxii_collections (
    api_root text NOT NULL,
    id text COLLATE "C" NOT NULL,
    title text NOT NULL,
    description text,
    alias text,
    media_types text NOT NULL,
    acl text NOT NULL,
    PRIMARY KEY (api_root, id)
  );
  CREATE TABLE taxii_objects (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    api_root text NOT NULL,
    collection text NOT NULL,
    id text NOT NULL,
    version text COLLATE "C" NOT NULL,
    type text NOT NULL,
    spec_version text COLLATE "C" NOT NULL,
    date_added bigint NOT NULL,
    tlp text NOT NULL,
    json text NOT NULL,
    UNIQUE (api_root, collection, id, version)
  );
  CREATE INDEX taxii_objects_added ON taxii_objects (api_root, collection, date_added, seq);
  CREATE TABLE taxii_status (
    api_root text NOT NULL,
    id text NOT NULL,
    created bigint NOT NULL,
    json text NOT NULL,
    owner text NOT NULL DEFAULT '',
    PRIMARY KEY (api_root, id)
  );
  CREATE INDEX taxii_status_created ON taxii_status (created);
  CREATE TABLE taxii_clock (
    id integer PRIMARY KEY CHECK (id = 1),
    last bigint NOT NULL
  );
  INSERT INTO taxii_clock (id, last) VALUES (1, 0);`;
