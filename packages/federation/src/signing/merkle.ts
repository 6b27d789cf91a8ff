/**
 * @module
 * Merkle trees in the RFC 9162 (Certificate Transparency v2) shape: leaf hashes are
 * `SHA-256(0x00 || data)`, interior nodes `SHA-256(0x01 || left || right)`, and an unpaired last
 * node moves up unchanged. One Ed25519 signature over the root then covers a whole batch, while
 * each object carries its own audit path and stays verifiable alone (after relays, or when a
 * recipient gets only part of the batch). `MerkleVerifier` remembers interior nodes it has
 * proven, so verifying a batch costs about two hashes per object, not log2(n).
 */
import { hash } from 'node:crypto';
import { sameBytes } from '../internal/bytes.js';

// Inputs are assembled in one reused buffer: these run for every object, and allocating a
// fresh buffer per hash showed up as garbage-collection time.
let scratch = Buffer.allocUnsafe(256);

function hashParts(prefix: number, parts: readonly Uint8Array[]): Buffer {
  let len = 1;
  for (const p of parts) len += p.length;
  if (len > scratch.length) scratch = Buffer.allocUnsafe(Math.max(len, scratch.length * 2));
  scratch[0] = prefix;
  let at = 1;
  for (const p of parts) {
    scratch.set(p, at);
    at += p.length;
  }
  return hash('sha256', scratch.subarray(0, len), 'buffer');
}

/** Hash of a leaf from its parts (concatenated after the 0x00 prefix). */
export function leafHash(...parts: readonly Uint8Array[]): Buffer {
  return hashParts(0, parts);
}

function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return hashParts(1, [left, right]);
}

/** A built tree: its root and every level (level 0 = leaves). */
export interface MerkleTree {
  readonly root: Buffer;
  readonly size: number;
  readonly levels: readonly (readonly Buffer[])[];
}

/** Builds the tree over leaf hashes (at least one). */
export function buildTree(leaves: readonly Buffer[]): MerkleTree {
  if (leaves.length === 0) throw new Error('a Merkle tree needs at least one leaf');
  const levels: Buffer[][] = [[...leaves]];
  let level = levels[0] as Buffer[];
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Buffer;
      const right = level[i + 1];
      next.push(right === undefined ? left : nodeHash(left, right));
    }
    levels.push(next);
    level = next;
  }
  return { root: level[0] as Buffer, size: leaves.length, levels };
}

/** The audit path of leaf `index`, bottom-up. */
export function auditPath(tree: MerkleTree, index: number): Buffer[] {
  const path: Buffer[] = [];
  let i = index;
  for (let l = 0; l < tree.levels.length - 1; l++) {
    const level = tree.levels[l] as readonly Buffer[];
    const sibling = level[i ^ 1];
    if (sibling !== undefined) path.push(sibling);
    i >>= 1;
  }
  return path;
}

/** Recomputes the root from a leaf and its audit path (RFC 9162 §2.1.3.2); undefined when the path does not fit. */
export function rootFromPath(
  leaf: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
  onNode?: (level: number, position: number, node: Buffer) => boolean,
): Buffer | undefined {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  let level = 0;
  for (const p of path) {
    if (sn === 0) return undefined;
    if ((fn & 1) === 1 || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1) === 0) {
        while ((fn & 1) === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
          level++;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
    level++;
    // The caller may stop early: this node is already proven to lie under a verified root.
    if (onNode?.(level, fn, r)) return r;
  }
  return sn === 0 ? r : undefined;
}

/**
 * Verifies audit paths against roots, remembering proven interior nodes per root so that the
 * siblings of an already verified leaf stop after one hash.
 */
export class MerkleVerifier {
  private readonly proven = new Map<string, Map<string, Buffer>>();

  /**
   * True when `leaf` at `index` lies in the tree of `size` leaves with `root`. `rootKey` names
   * the root (its base64url text) so callers that have it need not encode it again.
   */
  verify(
    root: Buffer,
    size: number,
    leaf: Buffer,
    index: number,
    path: readonly Uint8Array[],
    rootKey = root.toString('base64url'),
  ): boolean {
    const key = `${rootKey}:${size}`;
    let nodes = this.proven.get(key);
    let shortcut = false;
    const seen: [string, Buffer][] = [];
    const r = rootFromPath(leaf, index, size, path, (level, position, node) => {
      const at = `${level}:${position}`;
      const known = nodes?.get(at);
      if (known && sameBytes(known, node)) {
        shortcut = true;
        return true;
      }
      seen.push([at, node]);
      return false;
    });
    if (!r) return false;
    if (!shortcut && !sameBytes(r, root)) return false;
    if (!nodes) {
      if (this.proven.size > 4096) this.proven.clear();
      nodes = new Map();
      this.proven.set(key, nodes);
    }
    for (const [at, node] of seen) nodes.set(at, node);
    return true;
  }
}
