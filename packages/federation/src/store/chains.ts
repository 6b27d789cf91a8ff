/**
 * @module
 * Provenance chains of received objects, kept beside the CTI store: the store holds the object
 * as its originator signed it (clean STIX, validated like any other), this table the chain that
 * proves where it came from, which relays extend and the API shows. A version 2 chain refers to
 * a batch declaration, kept once per batch in `fed_batches` after it verified.
 */
import type { SqliteDb } from '@intersoc/storage';
import { stmt } from '../internal/sql.js';
import { batchResolver, parseBatch, type DeclaredBatch } from '../signing/batch.js';
import { encodeProvenance, parseProvenance, type Hop } from '../signing/provenance.js';

/** A chain to record: an object version, its hops, and its validated wire form when there is one. */
export interface ChainInput {
  readonly tenant: string;
  readonly id: string;
  readonly version: string;
  readonly chain: readonly Hop[];
  readonly wire?: unknown;
}

/** The stored text of a chain: its wire form as it arrived, else the hops encoded. */
export function chainText(r: ChainInput): string {
  return JSON.stringify(r.wire ?? encodeProvenance(r.chain));
}

/** How many hops a stored chain has. */
export function chainLengthOf(text: string): number | undefined {
  const chain = (JSON.parse(text) as { chain?: unknown }).chain;
  return Array.isArray(chain) ? chain.length : undefined;
}

/** A stored batch declaration's text, parsed again (it verified when it was recorded). */
export function batchFrom(text: string): DeclaredBatch | undefined {
  const b = parseBatch(JSON.parse(text));
  return typeof b === 'object' ? b : undefined;
}

/** A stored chain's hops, batch references resolved by `batch` (undefined when it no longer parses). */
export function chainFrom(
  text: string,
  batch: (signer: string, root: string) => DeclaredBatch | undefined,
): Hop[] | undefined {
  const p = parseProvenance(JSON.parse(text), batchResolver(batch));
  return p.ok ? [...p.value.chain] : undefined;
}

/** One batch map shared by many `chainOf` calls: a batch's declaration is read and rebuilt once. */
export function cachedBatches(
  batches: Map<string, DeclaredBatch | undefined>,
  read: (signer: string, root: string) => DeclaredBatch | undefined,
): (signer: string, root: string) => DeclaredBatch | undefined {
  return (n, root) => {
    const key = `${n}.${root}`;
    if (!batches.has(key)) batches.set(key, read(n, root));
    return batches.get(key);
  };
}

/**
 * Records the chain an object version arrived with (the first one wins, unless `replace`: a
 * shorter chain that came later); `wire` is its validated wire form.
 */
export function recordChains(db: SqliteDb, rows: readonly ChainInput[], replace = false): void {
  const st = stmt(
    db,
    `INSERT OR ${replace ? 'REPLACE' : 'IGNORE'} INTO fed_chains (tenant, id, version, chain) VALUES (?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const r of rows) st.run(r.tenant, r.id, r.version, chainText(r));
  })();
}

/** How many hops the stored chain of an object version has. */
export function chainLength(db: SqliteDb, tenant: string, id: string, version: string): number | undefined {
  const r = stmt(db, 'SELECT chain FROM fed_chains WHERE tenant = ? AND id = ? AND version = ?').get(
    tenant,
    id,
    version,
  ) as { chain: string } | undefined;
  return r ? chainLengthOf(r.chain) : undefined;
}

/** Records verified batch declarations (once each). */
export function recordBatches(db: SqliteDb, batches: readonly DeclaredBatch[]): void {
  const st = stmt(db, 'INSERT OR IGNORE INTO fed_batches (signer, root, batch) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const b of batches) st.run(b.hop.n, b.hop.r, JSON.stringify(b.wire));
  })();
}

/** A stored batch declaration (it verified when it was recorded). */
export function batchOf(db: SqliteDb, signer: string, root: string): DeclaredBatch | undefined {
  const r = stmt(db, 'SELECT batch FROM fed_batches WHERE signer = ? AND root = ?').get(signer, root) as
    { batch: string } | undefined;
  return r ? batchFrom(r.batch) : undefined;
}

/**
 * The chain of an object version, when it came from a peer. Pass one `batches` map to calls
 * for many objects: objects of one batch then share its declaration, read and rebuilt once.
 */
export function chainOf(
  db: SqliteDb,
  tenant: string,
  id: string,
  version: string,
  batches = new Map<string, DeclaredBatch | undefined>(),
): Hop[] | undefined {
  const r = stmt(db, 'SELECT chain FROM fed_chains WHERE tenant = ? AND id = ? AND version = ?').get(
    tenant,
    id,
    version,
  ) as { chain: string } | undefined;
  return r
    ? chainFrom(
        r.chain,
        cachedBatches(batches, (n, root) => batchOf(db, n, root)),
      )
    : undefined;
}
