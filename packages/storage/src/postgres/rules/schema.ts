/**
 * @module
 * Migration step of the shared rule packs: every role of a scaled-out node reads its Sigma rules
 * from here, so `intersoc rules add` reaches all of them. `rule_revision` has one row, bumped in
 * the transaction of every change, which the roles poll to know when to reload.
 */

/** SQL of the `rules` step. */
export const RULES_STEP = `
  CREATE TABLE rule_packs (
    tenant text NOT NULL,
    name text NOT NULL,
    files jsonb NOT NULL,
    documents integer NOT NULL,
    added bigint NOT NULL,
    PRIMARY KEY (tenant, name)
  );
  CREATE TABLE rule_tuning (
    tenant text PRIMARY KEY,
    tuning jsonb NOT NULL,
    modified bigint NOT NULL
  );
  CREATE TABLE rule_revision (
    id integer PRIMARY KEY CHECK (id = 1),
    rev bigint NOT NULL
  );
  INSERT INTO rule_revision (id, rev) VALUES (1, 0);`;
