/**
 * @module
 * The respond store's schema, as migration steps (applied once each, in order, by `migrate`).
 */

/** Migration steps of the `respond` schema. Never edit a step once released: append one. */
export const RESPOND_SCHEMA: readonly string[] = [
  `CREATE TABLE respond_playbooks (
     tenant TEXT NOT NULL,
     id TEXT NOT NULL,
     version TEXT NOT NULL,
     name TEXT NOT NULL,
     digest TEXT NOT NULL,
     source TEXT NOT NULL,
     tlp TEXT,
     signed_by TEXT NOT NULL,
     added_by TEXT NOT NULL,
     added_at INTEGER NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, id, version)
   ) WITHOUT ROWID;
   CREATE TABLE respond_runs (
     tenant TEXT NOT NULL,
     id TEXT NOT NULL,
     playbook_id TEXT NOT NULL,
     playbook_version TEXT NOT NULL,
     playbook_name TEXT NOT NULL,
     status TEXT NOT NULL,
     dry_run INTEGER NOT NULL,
     requested_by TEXT NOT NULL,
     trigger TEXT NOT NULL,
     parent_run TEXT,
     created INTEGER NOT NULL,
     updated INTEGER NOT NULL,
     reason TEXT,
     PRIMARY KEY (tenant, id)
   ) WITHOUT ROWID;
   CREATE INDEX respond_runs_by_created ON respond_runs (tenant, created);
   CREATE INDEX respond_runs_by_status ON respond_runs (status);
   CREATE TABLE respond_transitions (
     tenant TEXT NOT NULL,
     run TEXT NOT NULL,
     seq INTEGER NOT NULL,
     time INTEGER NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (tenant, run, seq)
   ) WITHOUT ROWID;
   CREATE TABLE respond_waits (
     tenant TEXT NOT NULL,
     run TEXT NOT NULL,
     branch TEXT NOT NULL,
     doc TEXT NOT NULL,
     expires INTEGER,
     PRIMARY KEY (tenant, run, branch)
   ) WITHOUT ROWID;
   CREATE TABLE respond_actions (
     tenant TEXT NOT NULL,
     run TEXT NOT NULL,
     seq INTEGER NOT NULL,
     state TEXT NOT NULL,
     expires INTEGER,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, run, seq)
   ) WITHOUT ROWID;
   CREATE INDEX respond_actions_by_expiry ON respond_actions (state, expires);`,
  // Requests from processes that do not drive runs (the CLI beside a serving node) to the one that does.
  `CREATE TABLE respond_requests (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     tenant TEXT NOT NULL,
     caller TEXT NOT NULL,
     op TEXT NOT NULL,
     args TEXT NOT NULL,
     created INTEGER NOT NULL,
     done INTEGER NOT NULL DEFAULT 0,
     result TEXT,
     error TEXT
   );
   CREATE INDEX respond_requests_open ON respond_requests (done, id);`,
  // Runs by what triggered them (an incident's or a case's runs).
  `ALTER TABLE respond_runs ADD COLUMN trigger_ref TEXT;
   CREATE INDEX respond_runs_by_trigger ON respond_runs (tenant, trigger_ref);`,
  // Transitions in commit order. Keyed by run and seq, the transitions of the hundreds of runs
  // that move in one group commit landed on as many pages of the table (each rewritten to the WAL
  // at every commit, about one 4 KiB page per step); appended in commit order they fill the
  // table's last pages, and only a small index of integers, (run number, seq), is spread over
  // the runs. Runs get a number for it (in creation order).
  `ALTER TABLE respond_runs ADD COLUMN no INTEGER;
   UPDATE respond_runs SET no = n.rn
     FROM (SELECT tenant, id, row_number() OVER (ORDER BY created, tenant, id) AS rn FROM respond_runs) AS n
     WHERE n.tenant = respond_runs.tenant AND n.id = respond_runs.id;
   CREATE UNIQUE INDEX respond_runs_by_no ON respond_runs (no);
   CREATE TABLE respond_log (
     id INTEGER PRIMARY KEY,
     run_no INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     time INTEGER NOT NULL,
     body TEXT NOT NULL
   );
   INSERT INTO respond_log (run_no, seq, time, body)
     SELECT r.no, t.seq, t.time, t.body FROM respond_transitions t
     JOIN respond_runs r ON r.tenant = t.tenant AND r.id = t.run ORDER BY r.no, t.seq;
   DROP TABLE respond_transitions;
   CREATE UNIQUE INDEX respond_log_by_run ON respond_log (run_no, seq);`,
];
