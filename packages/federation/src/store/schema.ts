/**
 * @module
 * Tables of the federation in the node database (migration set `federation`): peers and their
 * trust, community keys, sharing groups, the share ledger, the decision journal, sync cursors,
 * request nonces, rejections, per-peer reports of received objects, analyst review of
 * quarantined intelligence, exchanges, sightings (local and returned), and lookup tags.
 */
import { migrate, type SqliteDb } from '@intersoc/storage';

/** The migration steps, in order (exported for the upgrade test). */
export const MIGRATIONS = [
  `CREATE TABLE fed_peers (
     node_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, name TEXT NOT NULL, sector TEXT NOT NULL,
     country TEXT NOT NULL, communities TEXT NOT NULL, endpoint TEXT, reliability TEXT NOT NULL,
     confirmations INTEGER NOT NULL DEFAULT 0, false_positives INTEGER NOT NULL DEFAULT 0,
     status TEXT NOT NULL, added INTEGER NOT NULL, changed INTEGER NOT NULL,
     last_contact INTEGER, last_error TEXT);
   CREATE TABLE fed_communities (name TEXT PRIMARY KEY, key TEXT NOT NULL, added INTEGER NOT NULL);
   CREATE TABLE fed_groups (name TEXT PRIMARY KEY, members TEXT NOT NULL, changed INTEGER NOT NULL);
   CREATE TABLE fed_ledger (
     tenant TEXT NOT NULL, id TEXT NOT NULL, version TEXT NOT NULL, terms TEXT NOT NULL,
     explicit INTEGER NOT NULL, time INTEGER NOT NULL, PRIMARY KEY (tenant, id, version));
   CREATE TABLE fed_decisions (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, run TEXT NOT NULL, tenant TEXT NOT NULL,
     object_id TEXT NOT NULL, version TEXT NOT NULL, peer TEXT NOT NULL, allowed INTEGER NOT NULL,
     reason TEXT NOT NULL, tlp TEXT NOT NULL, distribution TEXT NOT NULL, hops INTEGER NOT NULL);
   CREATE INDEX fed_decisions_run ON fed_decisions (run);
   CREATE TABLE fed_cursors (peer TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (peer, kind));
   CREATE TABLE fed_nonces (peer TEXT NOT NULL, nonce TEXT NOT NULL, expires INTEGER NOT NULL, PRIMARY KEY (peer, nonce));
   CREATE TABLE fed_rejections (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, peer TEXT NOT NULL, object_id TEXT NOT NULL,
     code TEXT NOT NULL, reason TEXT NOT NULL);
   CREATE TABLE fed_reports (
     tenant TEXT NOT NULL, object_id TEXT NOT NULL, version TEXT NOT NULL, origin TEXT NOT NULL, sender TEXT NOT NULL,
     confidence INTEGER, hops INTEGER NOT NULL, value_key TEXT NOT NULL, received INTEGER NOT NULL,
     PRIMARY KEY (tenant, object_id, version, origin, sender));
   CREATE INDEX fed_reports_key ON fed_reports (tenant, value_key);
   CREATE TABLE fed_review (
     tenant TEXT NOT NULL, object_id TEXT NOT NULL, decision TEXT NOT NULL, by TEXT NOT NULL, time INTEGER NOT NULL,
     PRIMARY KEY (tenant, object_id));
   CREATE TABLE fed_exchanges (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, peer TEXT NOT NULL, direction TEXT NOT NULL,
     mode TEXT NOT NULL, objects INTEGER NOT NULL, rejected INTEGER NOT NULL);
   CREATE TABLE fed_landed (
     tenant TEXT NOT NULL, indicator TEXT NOT NULL, peer TEXT NOT NULL, count INTEGER NOT NULL,
     first INTEGER NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (tenant, indicator, peer));
   CREATE TABLE fed_local_sightings (
     tenant TEXT NOT NULL, indicator TEXT NOT NULL, origin TEXT NOT NULL, via TEXT NOT NULL, count INTEGER NOT NULL,
     first INTEGER NOT NULL, last INTEGER NOT NULL, context TEXT NOT NULL, dirty INTEGER NOT NULL,
     PRIMARY KEY (tenant, indicator));
   CREATE TABLE fed_lookup_tags (input TEXT PRIMARY KEY, tag BLOB NOT NULL);`,
  // Provenance chains of received objects, beside the CTI store (which keeps the objects clean).
  `CREATE TABLE fed_chains (
     tenant TEXT NOT NULL, id TEXT NOT NULL, version TEXT NOT NULL, chain TEXT NOT NULL,
     PRIMARY KEY (tenant, id, version));`,
  // Decisions grouped per run, peer and outcome: every object is still named, in one row per
  // group instead of one row per object and peer (a share of 100,000 objects stays cheap).
  `DROP TABLE fed_decisions;
   CREATE TABLE fed_decisions (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, run TEXT NOT NULL, tenant TEXT NOT NULL,
     peer TEXT NOT NULL, allowed INTEGER NOT NULL, reason TEXT NOT NULL, tlp TEXT NOT NULL,
     distribution TEXT NOT NULL, hops INTEGER NOT NULL, count INTEGER NOT NULL, objects TEXT NOT NULL);
   CREATE INDEX fed_decisions_run ON fed_decisions (run);
   CREATE INDEX fed_decisions_peer ON fed_decisions (peer, seq);`,
  // The ledger names each shared object once; its terms are kept once per run.
  `DROP TABLE fed_ledger;
   CREATE TABLE fed_runs (run TEXT PRIMARY KEY, terms TEXT NOT NULL, explicit INTEGER NOT NULL, time INTEGER NOT NULL);
   CREATE TABLE fed_ledger (
     tenant TEXT NOT NULL, id TEXT NOT NULL, version TEXT NOT NULL, run TEXT NOT NULL,
     PRIMARY KEY (tenant, id, version));`,
  // Batch declarations received: version 2 chains refer to them instead of repeating them.
  `CREATE TABLE fed_batches (signer TEXT NOT NULL, root TEXT NOT NULL, batch TEXT NOT NULL, PRIMARY KEY (signer, root));`,
  // Tables whose key is most of the row keep it once (WITHOUT ROWID) instead of in a second
  // B-tree: one row per object shared or received, so this halves what those writes cost.
  `CREATE TABLE fed_reports_k (
     tenant TEXT NOT NULL, object_id TEXT NOT NULL, version TEXT NOT NULL, origin TEXT NOT NULL, sender TEXT NOT NULL,
     confidence INTEGER, hops INTEGER NOT NULL, value_key TEXT NOT NULL, received INTEGER NOT NULL,
     PRIMARY KEY (tenant, object_id, version, origin, sender)) WITHOUT ROWID;
   INSERT INTO fed_reports_k SELECT tenant, object_id, version, origin, sender, confidence, hops, value_key, received FROM fed_reports;
   DROP TABLE fed_reports;
   ALTER TABLE fed_reports_k RENAME TO fed_reports;
   CREATE INDEX fed_reports_key ON fed_reports (tenant, value_key);
   CREATE TABLE fed_ledger_k (
     tenant TEXT NOT NULL, id TEXT NOT NULL, version TEXT NOT NULL, run TEXT NOT NULL,
     PRIMARY KEY (tenant, id, version)) WITHOUT ROWID;
   INSERT INTO fed_ledger_k SELECT tenant, id, version, run FROM fed_ledger;
   DROP TABLE fed_ledger;
   ALTER TABLE fed_ledger_k RENAME TO fed_ledger;
   CREATE TABLE fed_chains_k (
     tenant TEXT NOT NULL, id TEXT NOT NULL, version TEXT NOT NULL, chain TEXT NOT NULL,
     PRIMARY KEY (tenant, id, version)) WITHOUT ROWID;
   INSERT INTO fed_chains_k SELECT tenant, id, version, chain FROM fed_chains;
   DROP TABLE fed_chains;
   ALTER TABLE fed_chains_k RENAME TO fed_chains;`,
];

/** Creates or upgrades the federation tables. */
export function migrateFederation(db: SqliteDb): void {
  migrate(db, 'federation', MIGRATIONS);
}
