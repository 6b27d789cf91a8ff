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
