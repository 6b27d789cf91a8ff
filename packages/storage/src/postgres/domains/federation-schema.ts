/**
 * @module
 * The federation peer registry on PostgreSQL (migration step 10), mirroring `fed_peers` of the
 * SQLite `federation` schema: keys and endpoints exchanged out of band, the operator's grade,
 * feedback counts and status. Names and node ids compare byte-wise (`COLLATE "C"`), as SQLite
 * orders the listing. The store class is `PgPeerStore` in `@intersoc/federation`; the rest of the
 * federation state is step 11 (`federation-state-schema.ts`: `PgJournal`, `PgFederationState`).
 */

export const FEDERATION_PEERS_STEP = `
  CREATE TABLE fed_peers (
    node_id text COLLATE "C" PRIMARY KEY,
    public_key text NOT NULL,
    name text COLLATE "C" NOT NULL,
    sector text NOT NULL,
    country text NOT NULL,
    communities text NOT NULL,
    endpoint text,
    reliability text NOT NULL,
    confirmations integer NOT NULL DEFAULT 0,
    false_positives integer NOT NULL DEFAULT 0,
    status text NOT NULL,
    added bigint NOT NULL,
    changed bigint NOT NULL,
    last_contact bigint,
    last_error text
  );`;
