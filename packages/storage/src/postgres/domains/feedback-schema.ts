/**
 * @module
 * False-positive feedback of closed cases on PostgreSQL (migration step 13), mirroring
 * `rule_feedback` and `rule_suggestions` of the SQLite `rule-feedback` schema: the counts per rule
 * and the suppression / tuning suggestions, each a JSON document as in SQLite (read whole, never
 * queried inside). Keys compare byte-wise (`COLLATE "C"`), as SQLite orders them. The index serves
 * the accepted suppressions the incident builder reads per tenant. The store class is
 * `PgFeedbackStore` in `@intersoc/cases`.
 */

export const FEEDBACK_STEP = `
  CREATE TABLE rule_feedback (
    tenant text COLLATE "C" NOT NULL,
    rule_id text COLLATE "C" NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, rule_id)
  );
  CREATE TABLE rule_suggestions (
    tenant text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    rule_id text COLLATE "C" NOT NULL,
    status text NOT NULL CHECK (status IN ('suggested', 'accepted', 'dismissed')),
    doc text NOT NULL,
    PRIMARY KEY (tenant, id)
  );
  CREATE INDEX rule_suggestions_by_status ON rule_suggestions (tenant, status);`;
