/**
 * @module
 * Analysts' incident category corrections on PostgreSQL (migration step 19), mirroring the SQLite
 * `text-incident-labels` schema of `@intersoc/text`: one row per tenant and incident, with the RSIT
 * class/type and tactic the analyst gave and what the classifier saw (`input`, JSON as `text`: it
 * is only read back whole). The store class is `PgIncidentLabels` in `@intersoc/text`.
 *
 * Incident ids compare byte-wise (`COLLATE "C"`), as SQLite orders them; times are epoch ms in
 * `bigint`. `by` is a reserved word in PostgreSQL, so that column is quoted (the same name as in
 * SQLite). `text_incident_labels_at` serves the training read (a tenant's corrections, oldest first).
 */

export const INCIDENT_LABELS_STEP = `
  CREATE TABLE text_incident_labels (
    tenant text COLLATE "C" NOT NULL,
    incident text COLLATE "C" NOT NULL,
    category text NOT NULL,
    tactic text NOT NULL,
    input text NOT NULL,
    "by" text NOT NULL,
    at bigint NOT NULL,
    PRIMARY KEY (tenant, incident)
  );
  CREATE INDEX text_incident_labels_at ON text_incident_labels (tenant, at, incident);`;
