/**
 * @module
 * The analyst's triage state of alerts on PostgreSQL (migration step 15), mirroring `alert_status`
 * of the SQLite event database: one row per alert that left `new`, beside `ev_alerts` (step 1),
 * which the pipeline's writer fills and never touches this table. `tenant` keeps the default
 * collation and `alert_id` is `COLLATE "C"`, as `ev_alerts.tenant` and `ev_alerts.id`, so the join
 * compares like with like and can use the primary key. The store class is `PgAlertTriage`.
 */

export const ALERT_TRIAGE_STEP = `
  CREATE TABLE alert_status (
    tenant text NOT NULL,
    alert_id text COLLATE "C" NOT NULL,
    status text NOT NULL,
    reason text,
    actor text NOT NULL,
    changed bigint NOT NULL,
    PRIMARY KEY (tenant, alert_id)
  );
  CREATE INDEX alert_status_by_status ON alert_status (tenant, status);`;
