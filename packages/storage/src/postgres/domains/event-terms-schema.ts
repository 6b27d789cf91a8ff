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
 *   - `grp = -1`: the block's marker and document. `ver` is the block version the rows were
 *     derived from; a marker whose `ver` is not the block's, or no marker, means "scan the block".
 *     `terms` is the block's plain tokens (as SQLite's `block_terms`), under a partial GIN index,
 *     or NULL when the block cannot be pruned (a document over the 1 MiB limit of a tsvector).
 *   - `grp >= 0`: group `grp` (events `grp * 64 ...`) as a tsvector of its plain tokens and its
 *     field-qualified tokens (`qualifier` in query/prune.ts), not indexed: search reads the groups
 *     of the blocks whose document matched by primary key and matches them there.
 *   Lexemes are built with `array_to_tsvector`: exactly the tokens of `events/terms.ts` (no
 *   parser, no stemming), matched by quoted tsquery literals.
 * - The migration creates the partitions of days that exist already; their blocks have no marker,
 *   so they are scanned until `indexPending` backfills them.
 *
 * Measured (`event-terms-measure.test.ts`, PostgreSQL 15, 2-core dev box shared with other jobs,
 * so times vary ~2x between runs; 100,000 synthetic Windows-like JSON events of 10 fields with
 * high-cardinality values (GUIDs, pids, addresses, free text) in 100 blocks of 1,000, 10 days):
 *   - First design, GIN over every group tsvector: index rows 138 MiB (95 MiB GIN) for 13.5 MiB
 *     of blocks, write 450 us/event against 28 without terms (16x). Rejected.
 *   - This design, GIN over block documents only: 70 MiB (18 MiB GIN; the rest is the group
 *     tsvectors), write 64 us/event against 18 without terms (+46 us/event, 3.6x);
 *     backfill by `indexPending` 92 us/event.
 *   - Search, limit 1000 over all 100 blocks, index vs full scan, blocks read:
 *     rare term (20 hits): 388 vs 1541 ms, 20 vs 100 blocks; field-qualified phrase of the rare
 *     value: 220 vs 901 ms, 20 vs 100; user:"CORP\\user17" (202 hits): 374 vs 1253 ms, 90 vs 100
 *     (group pruning saves the re-parse); AND of two words never together: 20 vs 1900 ms, 0 vs 100.
 *   - Where it does not pay off: a term in every block (`powershell.exe`, limit 10000) reads the
 *     same 33 blocks and costs more (814 vs 618 ms: the group tsvectors of every candidate block
 *     are read); `DestinationPort:3389 AND host:WKS-3` prunes no block (846 vs 614 ms); negations,
 *     ranges and infix wildcards (`Image:*katz*`) do not use the index (no wildcard expansion
 *     over a term dictionary here, unlike SQLite), so they cost what a scan costs.
 *   - The same tokens as one `text[]` per block under GIN: 31 MiB (25 MiB GIN), rare-term lookup
 *     66-116 ms; as an inverted (term, block) B-tree table: 65 MiB (27 MiB index), 121-145 ms,
 *     but 2 ms for a prefix. Neither holds field-qualified group tokens, which is what prunes the
 *     re-parse of field queries; the tsvector keeps AND / OR / prefix in one GIN lookup per day.
 *   - After ANALYZE the planner chose a sequential scan over a day's markers (a 0-hit query went
 *     from 31 to 464 ms), so the lookup runs with `enable_seqscan = off` (`event-terms.ts`); with
 *     it, on a busier run, 55 ms before ANALYZE and 58 ms after.
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
  CREATE INDEX ev_terms_gin ON ev_terms USING gin (terms) WHERE grp = -1;
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
