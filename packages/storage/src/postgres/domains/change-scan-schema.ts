/**
 * @module
 * Indexes for reading incidents and cases by the time they last changed (migration step 24), across
 * tenants: how the `respond` role finds the subjects whose playbook triggers it must check, since
 * it hears no bus. `updated` is the wall clock of the writer, unlike `last_seen` (event time, years
 * old for a replayed capture).
 */

export const CHANGE_SCAN_STEP = `
  CREATE INDEX incidents_by_updated ON incidents (updated);
  CREATE INDEX cases_by_updated ON cases (updated);`;

/**
 * The detect roles' indicator mark (migration step 26, `roles/intel-watch.ts`): count and newest
 * `seq` of the indicators of every tenant, read every 2 s by each detect role. A partial index on
 * the indicators alone makes that an index-only scan of the indicators, not a scan of every STIX
 * object (the per-tenant `cti_objects_type` index cannot serve a query over all tenants).
 */
export const INDICATOR_MARK_STEP = `
  CREATE INDEX cti_objects_indicator_seq ON cti_objects (seq) WHERE type = 'indicator';`;
