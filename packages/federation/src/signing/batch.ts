/**
 * @module
 * Batch declarations: what every object of a signed batch shares travels once, as one record
 * placed before the objects in the recipient's outbox: the hop's statement fields, its Ed25519
 * signature, the originator's terms and the batch's leaf hashes (salted, so a recipient learns
 * nothing about the objects it does not get). Each object then carries only `node.root.index.salt`
 * (version 2 of the chain), and its audit path is derived from the leaves: every object stays
 * verifiable on its own, at a fraction of the bytes, and a batch is verified with one signature
 * check and one tree instead of one audit path per object.
 *
 * A declaration is a custom STIX object (`x-intersoc-batch`) so that it rides in the same TAXII
 * collections, in order; it never enters a CTI store.
 */
import { b64u, fromB64u } from '../internal/bytes.js';
import { uuidv5 } from '../internal/uuid.js';
import type { SharingTerms } from '../policy/terms.js';
import { auditPath, buildTree, type MerkleTree } from './merkle.js';
import { batchHopOf, encodeBatchHop, parseTerms, type BatchHop, type BatchResolver, type Hop } from './provenance.js';

/** STIX type of a declaration. */
export const BATCH_TYPE = 'x-intersoc-batch';
/** The property holding the declaration. */
export const BATCH_PROPERTY = 'x_intersoc_batch';
/** Most leaves one declaration may list. */
export const MAX_BATCH = 4096;

/** The declaration as it travels and is stored. */
export interface BatchWire {
  readonly v: 2;
  /** `n.pk.to.t.x.r.c.g.e` (see `encodeBatchHop`). */
  readonly hop: string;
  /** The originator's terms (an originator's batch only). */
  readonly terms?: SharingTerms;
  /** Every leaf hash of the batch, in order, as one base64url run. */
  readonly leaves: string;
}

/** A declared batch: its hop's shared fields, and its tree rebuilt from the leaves. */
export interface DeclaredBatch {
  readonly hop: BatchHop;
  readonly tree: MerkleTree;
  readonly wire: BatchWire;
}

/** True for a declaration (by its type). */
export function isBatchObject(o: unknown): boolean {
  return !!o && typeof o === 'object' && (o as { type?: unknown }).type === BATCH_TYPE;
}

/** The declaration record of a signed batch for one recipient. */
export function batchObject(hop: BatchHop, leaves: readonly Uint8Array[]): Record<string, unknown> {
  const time = new Date(hop.t * 1000).toISOString();
  const wire: BatchWire = {
    v: 2,
    hop: encodeBatchHop(hop),
    ...(hop.terms ? { terms: hop.terms } : {}),
    leaves: b64u(Buffer.concat(leaves)),
  };
  return {
    type: BATCH_TYPE,
    spec_version: '2.1',
    id: `${BATCH_TYPE}--${uuidv5(`batch:${hop.n}:${hop.to}:${hop.r}`)}`,
    created: time,
    modified: time,
    [BATCH_PROPERTY]: wire,
  };
}

/**
 * Reads a declaration's wire form and rebuilds its tree; the reason when it is malformed or its
 * leaves do not make its root. Signatures are the verifier's business (`ChainVerifier.declare`).
 */
export function parseBatch(input: unknown): DeclaredBatch | string {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return 'batch: not an object';
  const w = input as { v?: unknown; hop?: unknown; terms?: unknown; leaves?: unknown };
  if (w.v !== 2) return 'batch: unsupported version';
  for (const k in w) if (k !== 'v' && k !== 'hop' && k !== 'terms' && k !== 'leaves') return `batch: ${k} unknown`;
  if (typeof w.hop !== 'string' || w.hop.length > 512 || typeof w.leaves !== 'string') return 'batch: malformed';
  const f = w.hop.split('.');
  if (f.length !== 9) return 'batch: 9 hop fields expected';
  const hop = batchHopOf(f as [string, string, string, string, string, string, string, string, string], 'batch');
  if (typeof hop === 'string') return hop;
  if (hop.c > MAX_BATCH || w.leaves.length !== Math.ceil((hop.c * 32 * 4) / 3)) return 'batch: leaves malformed';
  const bytes = fromB64u(w.leaves);
  if (!bytes || bytes.length !== hop.c * 32) return 'batch: leaves malformed';
  let terms: SharingTerms | undefined;
  if (w.terms !== undefined) {
    const t = parseTerms(w.terms);
    if (typeof t === 'string') return `batch: ${t}`;
    terms = t;
  }
  const leaves: Buffer[] = [];
  for (let k = 0; k < hop.c; k++) leaves.push(bytes.subarray(32 * k, 32 * k + 32));
  const tree = buildTree(leaves);
  if (b64u(tree.root) !== hop.r) return 'batch: leaves do not make the root';
  const full = terms ? { ...hop, terms } : hop;
  return { hop: full, tree, wire: { v: 2, hop: w.hop, ...(terms ? { terms } : {}), leaves: w.leaves } };
}

/** The leaf hash of object `i` of a batch. */
export function leafOf(b: DeclaredBatch, i: number): Buffer | undefined {
  return b.tree.levels[0]?.[i];
}

/**
 * A resolver of batch references over `lookup`: an originator's batch (with terms) serves only
 * the first hop, a relay's only later ones.
 */
export function batchResolver(lookup: (signer: string, root: string) => DeclaredBatch | undefined): BatchResolver {
  return (ref, j): Hop | string => {
    const b = lookup(ref.n, ref.r);
    if (!b) return `chain.${j}: batch ${ref.r} of ${ref.n} was not declared`;
    if ((j === 0) !== (b.hop.terms !== undefined)) return `chain.${j}: batch of the wrong kind`;
    if (ref.i >= b.hop.c) return `chain.${j}: index outside the batch`;
    // The audit path is derived when something reads it (a relay re-emitting the hop whole, the
    // API): verifying against the declared leaves needs none.
    const h = b.hop;
    let path: string | undefined;
    return {
      n: h.n,
      pk: h.pk,
      to: h.to,
      t: h.t,
      x: h.x,
      r: h.r,
      c: h.c,
      g: h.g,
      ...(h.e ? { e: h.e } : {}),
      ...(h.terms ? { terms: h.terms } : {}),
      i: ref.i,
      s: ref.s,
      get p(): string {
        return (path ??= b64u(Buffer.concat(auditPath(b.tree, ref.i))));
      },
    };
  };
}
