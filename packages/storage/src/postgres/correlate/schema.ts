/**
 * @module
 * Migration step of the correlate partitions (issue 19): who owns each partition and how far it
 * got, and the Sigma correlation windows of each partition.
 *
 * - `corr_partitions`: per partition, the highest lease epoch that claimed it (the fencing token:
 *   a commit under a lower epoch is refused) and the stream sequence of the last message whose
 *   effects are committed (a redelivered message at or below it is skipped).
 * - `corr_state`: the windows, one row per (partition, tenant, correlation, group), as the engine
 *   serialises them.
 * - `corr_settings`: the partition count the deployment started with; roles with another count
 *   are refused, since the windows would sit in the wrong partitions.
 */
export const CORRELATE_STEP = `
  CREATE TABLE corr_settings (name text PRIMARY KEY, value text NOT NULL);
  CREATE TABLE corr_partitions (
    partition integer PRIMARY KEY,
    epoch bigint NOT NULL,
    last_seq bigint NOT NULL DEFAULT 0,
    holder text NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE corr_state (
    partition integer NOT NULL,
    scope text NOT NULL,
    correlation text NOT NULL,
    grp text NOT NULL,
    state text NOT NULL,
    expires bigint NOT NULL,
    PRIMARY KEY (partition, scope, correlation, grp)
  );`;
