/**
 * @module
 * Where the api role's incident builder stands (migration step 7): `incident_feed` holds the
 * last alert it took, as (created, id) in the order it reads `ev_alerts`, and
 * `incident_feed_tenants` each tenant's newest alert time (open windows are restored from it on
 * start, as the embedded stage does from `incident_stage_tenants`). One row per feed name, so a
 * builder that finds the row moved under it knows another instance took those alerts.
 */

export const INCIDENT_FEED_STEP = `
  CREATE TABLE incident_feed (
    name text PRIMARY KEY,
    created bigint NOT NULL,
    alert_id text COLLATE "C" NOT NULL
  );
  CREATE TABLE incident_feed_tenants (
    tenant text PRIMARY KEY,
    watermark bigint NOT NULL
  );
  CREATE INDEX ev_alerts_by_created ON ev_alerts (created, id);`;
