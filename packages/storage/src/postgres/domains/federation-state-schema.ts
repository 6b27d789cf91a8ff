/**
 * @module
 * The rest of the federation state on PostgreSQL (migration step 11), mirroring the final shape of
 * the SQLite `federation` schema (`packages/federation/src/store/schema.ts`, after all its steps):
 * community keys, sharing groups, share runs and the ledger, the decision journal, sync cursors,
 * request nonces, rejections, exchanges, per-peer reports of received objects, analyst review,
 * provenance chains and batch declarations, landed and local sightings, and lookup tags.
 *
 * Choices, and why:
 * - Flags SQLite keeps as 0/1 (`explicit`, `allowed`, `dirty`) stay `smallint` 0/1, so both stores
 *   share one row type and one row → object mapper.
 * - Times and running counts are `bigint` (the bridge parses int8 as a number); per-row sizes
 *   (hops, object counts of one exchange) are `integer`.
 * - Text keys are `COLLATE "C"`: listings ordered by name compare byte-wise, as SQLite does.
 * - Journal sequences (`seq`) are identity columns: newest-first listings order by them, as by
 *   SQLite's AUTOINCREMENT rowid.
 * - JSON (terms, decision objects, chains, batches, sighting context) stays `text`: it is written
 *   and read whole, never queried inside.
 * - `fed_nonces` has an index on `expires` for pruning; `fed_landed` one on `(tenant, last)` for
 *   the newest-first listing. Neither exists in SQLite (small files there), both pay off when
 *   several processes share one store for months.
 * The store classes are in `@intersoc/federation` (`PgJournal`, …).
 */

export const FEDERATION_STATE_STEP = `
  CREATE TABLE fed_communities (
    name text COLLATE "C" PRIMARY KEY,
    key text NOT NULL,
    added bigint NOT NULL
  );
  CREATE TABLE fed_groups (
    name text COLLATE "C" PRIMARY KEY,
    members text NOT NULL,
    changed bigint NOT NULL
  );
  CREATE TABLE fed_runs (
    run text COLLATE "C" PRIMARY KEY,
    terms text NOT NULL,
    explicit smallint NOT NULL,
    time bigint NOT NULL
  );
  CREATE TABLE fed_ledger (
    tenant text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    version text COLLATE "C" NOT NULL,
    run text COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, id, version)
  );
  CREATE TABLE fed_decisions (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time bigint NOT NULL,
    run text COLLATE "C" NOT NULL,
    tenant text COLLATE "C" NOT NULL,
    peer text COLLATE "C" NOT NULL,
    allowed smallint NOT NULL,
    reason text NOT NULL,
    tlp text NOT NULL,
    distribution text NOT NULL,
    hops integer NOT NULL,
    count integer NOT NULL,
    objects text NOT NULL
  );
  CREATE INDEX fed_decisions_run ON fed_decisions (run);
  CREATE INDEX fed_decisions_peer ON fed_decisions (peer, seq);
  CREATE TABLE fed_cursors (
    peer text COLLATE "C" NOT NULL,
    kind text COLLATE "C" NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (peer, kind)
  );
  CREATE TABLE fed_nonces (
    peer text COLLATE "C" NOT NULL,
    nonce text COLLATE "C" NOT NULL,
    expires bigint NOT NULL,
    PRIMARY KEY (peer, nonce)
  );
  CREATE INDEX fed_nonces_expires ON fed_nonces (expires);
  CREATE TABLE fed_rejections (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time bigint NOT NULL,
    peer text NOT NULL,
    object_id text NOT NULL,
    code text NOT NULL,
    reason text NOT NULL
  );
  CREATE TABLE fed_exchanges (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time bigint NOT NULL,
    peer text NOT NULL,
    direction text NOT NULL,
    mode text NOT NULL,
    objects integer NOT NULL,
    rejected integer NOT NULL
  );
  CREATE TABLE fed_reports (
    tenant text COLLATE "C" NOT NULL,
    object_id text COLLATE "C" NOT NULL,
    version text COLLATE "C" NOT NULL,
    origin text COLLATE "C" NOT NULL,
    sender text COLLATE "C" NOT NULL,
    confidence integer,
    hops integer NOT NULL,
    value_key text COLLATE "C" NOT NULL,
    received bigint NOT NULL,
    PRIMARY KEY (tenant, object_id, version, origin, sender)
  );
  CREATE INDEX fed_reports_key ON fed_reports (tenant, value_key);
  CREATE TABLE fed_review (
    tenant text COLLATE "C" NOT NULL,
    object_id text COLLATE "C" NOT NULL,
    decision text NOT NULL,
    "by" text NOT NULL,
    time bigint NOT NULL,
    PRIMARY KEY (tenant, object_id)
  );
  CREATE TABLE fed_chains (
    tenant text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    version text COLLATE "C" NOT NULL,
    chain text NOT NULL,
    PRIMARY KEY (tenant, id, version)
  );
  CREATE TABLE fed_batches (
    signer text COLLATE "C" NOT NULL,
    root text COLLATE "C" NOT NULL,
    batch text NOT NULL,
    PRIMARY KEY (signer, root)
  );
  CREATE TABLE fed_landed (
    tenant text COLLATE "C" NOT NULL,
    indicator text COLLATE "C" NOT NULL,
    peer text COLLATE "C" NOT NULL,
    count bigint NOT NULL,
    first bigint NOT NULL,
    last bigint NOT NULL,
    PRIMARY KEY (tenant, indicator, peer)
  );
  CREATE INDEX fed_landed_last ON fed_landed (tenant, last);
  CREATE TABLE fed_local_sightings (
    tenant text COLLATE "C" NOT NULL,
    indicator text COLLATE "C" NOT NULL,
    origin text NOT NULL,
    via text NOT NULL,
    count bigint NOT NULL,
    first bigint NOT NULL,
    last bigint NOT NULL,
    context text NOT NULL,
    dirty smallint NOT NULL,
    PRIMARY KEY (tenant, indicator)
  );
  CREATE INDEX fed_local_sightings_dirty ON fed_local_sightings (tenant, last) WHERE dirty = 1;
  CREATE TABLE fed_lookup_tags (
    input text COLLATE "C" PRIMARY KEY,
    tag bytea NOT NULL
  );`;
