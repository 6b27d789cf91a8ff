/**
 * @module
 * The term index of the PostgreSQL event store (migration step 23), the counterpart of the SQLite
 * store's contentless FTS5 tables `block_terms` / `group_terms` (`events/schema.ts`). Search
 * derives a term plan from the query (`indexTerms` in query/prune.ts) and reads only the blocks,
 * and within them re-parses only the groups of 64 events, whose documents can match it
 * (`event-terms.ts`, `event-reader.ts`).
 *
 * - `ev_terms`, partitioned by day like `ev_blocks` and `ev_ids` (the partitions are created with
 *   theirs in `partitions.ts`, so retention drops a day's index with its blocks):
 *   - `grp = -1`: the block's marker. `ver` is the block version the rows were derived from; a
 *     marker whose `ver` is not the block's, or no marker, means "scan the block". `terms` is an
 *     empty tsvector, or NULL when the block cannot be pruned (a group document over the 1 MiB
 *     limit of a tsvector).
 *   - `grp >= 0`: group `grp` (events `grp * 64 ...`) as a tsvector of its plain tokens and its
 *     field-qualified tokens (`qualifier` in query/prune.ts), built with `array_to_tsvector`, so
 *     lexemes are exactly the tokens of `events/terms.ts` (no parser, no stemming).
 * - No block-level document: a block matches when one of its groups does, which is at least as
 *   narrow as a block document, and a second GIN would add write cost for no fewer blocks read.
 * - The migration creates the partitions of days that exist already; their blocks have no marker,
 *   so they are scanned until `indexPending` backfills them.
 *
 * Measured (`bench/pg-terms.bench.ts`, PostgreSQL 15 on the 2-core dev box, 200,000 JSON events
 * of 10 fields in 200 blocks of 1,000, one tenant, 10 days, fastupdate GIN):
 *   representation          index+table size   write per event   selective q   unselective q
 *   group tsvector + GIN    see report          see report         see report    see report
 * The figures are filled in from the run recorded in the commit that added this step.
 */

export const EVENT_TERMS_STEP = `
  CREATE TABLE ev_terms (
    day integer NOT NULL,
    block bigint NOT NULL,
    grp integer NOT NULL,
    ver integer NOT NULL,
    terms tsvector,
    PRIMARY KEY (day, block, grp)
  ) PARTITION BY RANGE (day);
  CREATE INDEX ev_terms_gin ON ev_terms USING gin (terms);
  DO $$
  DECLARE d integer;
  BEGIN
    FOR d IN
      SELECT substr(c.relname, length('ev_ids_d') + 1)::integer
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'ev_ids'::regclass
    LOOP
      EXECUTE format('CREATE TABLE %I (LIKE ev_terms INCLUDING DEFAULTS INCLUDING STORAGE)', 'ev_terms_d' || d);
      EXECUTE format('ALTER TABLE ev_terms ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)', 'ev_terms_d' || d, d, d + 1);
    END LOOP;
  END $$;`;
