/**
 * @module
 * The incident tables on PostgreSQL (migration step 4), mirroring the SQLite `incidents` set of
 * `@intersoc/correlate` after all its steps: the same columns, keys and indexes. Ids are
 * `COLLATE "C"` so listings and cursors order exactly as SQLite's byte comparison does. The
 * store classes live with their domain (`PgIncidentStore` in `@intersoc/correlate`); the schema
 * lives here so `intersoc db migrate` creates every table in one versioned sequence.
 */

export const INCIDENTS_STEP = `
  CREATE TABLE incidents (
    tenant text NOT NULL,
    id text COLLATE "C" NOT NULL,
    status text NOT NULL,
    severity text NOT NULL,
    score integer NOT NULL,
    first_seen bigint NOT NULL,
    last_seen bigint NOT NULL,
    updated bigint NOT NULL,
    case_id text,
    merged_into text COLLATE "C",
    closed_reason text,
    search text NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, id)
  );
  CREATE INDEX incidents_by_time ON incidents (tenant, last_seen, id);
  CREATE INDEX incidents_by_merged_into ON incidents (tenant, merged_into) WHERE merged_into IS NOT NULL;
  CREATE TABLE incident_alerts (
    tenant text NOT NULL,
    alert_id text COLLATE "C" NOT NULL,
    incident text COLLATE "C" NOT NULL,
    time bigint NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, alert_id)
  );
  CREATE INDEX incident_alerts_by_incident ON incident_alerts (tenant, incident, time);
  CREATE TABLE incident_observables (
    tenant text NOT NULL,
    value text NOT NULL,
    incident text COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, value, incident)
  );
  CREATE INDEX incident_observables_by_incident ON incident_observables (tenant, incident);
  CREATE TABLE incident_links (
    tenant text NOT NULL,
    incident text COLLATE "C" NOT NULL,
    peer text NOT NULL,
    ref text NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, incident, peer, ref)
  );`;
