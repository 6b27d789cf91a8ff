/**
 * @module
 * Provenance chains of received objects, kept beside the CTI store: the store holds the object
 * as its originator signed it (clean STIX, validated like any other), this table the chain that
 * proves where it came from, which relays extend and the API shows.
 */
import type { SqliteDb } from '@intersoc/storage';
import { stmt } from '../internal/sql.js';
import { encodeProvenance, parseProvenance, type Hop } from '../signing/provenance.js';

/** Records the chain an object version arrived with (the first one wins); `wire` is its validated wire form. */
export function recordChains(
  db: SqliteDb,
  rows: readonly { tenant: string; id: string; version: string; chain: readonly Hop[]; wire?: unknown }[],
): void {
  const st = stmt(db, 'INSERT OR IGNORE INTO fed_chains (tenant, id, version, chain) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const r of rows) st.run(r.tenant, r.id, r.version, JSON.stringify(r.wire ?? encodeProvenance(r.chain)));
  })();
}

/** The chain of an object version, when it came from a peer. */
export function chainOf(db: SqliteDb, tenant: string, id: string, version: string): Hop[] | undefined {
  const r = stmt(db, 'SELECT chain FROM fed_chains WHERE tenant = ? AND id = ? AND version = ?').get(
    tenant,
    id,
    version,
  ) as { chain: string } | undefined;
  if (!r) return undefined;
  const p = parseProvenance(JSON.parse(r.chain));
  return p.ok ? [...p.value.chain] : undefined;
}
