import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditPath, buildTree, leafHash, MerkleVerifier, rootFromPath } from './merkle.js';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`object ${i}`)));

/** The RFC 9162 definition, recursively, as an independent reference. */
function mth(d: Buffer[]): Buffer {
  if (d.length === 1) return d[0] as Buffer;
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k))]))
    .digest();
}

describe('Merkle trees', () => {
  it('matches the RFC 9162 tree hash for every size up to 40', () => {
    for (let n = 1; n <= 40; n++) {
      const d = leaves(n);
      expect(buildTree(d).root.equals(mth(d))).toBe(true);
    }
  });

  it('verifies every audit path and rejects wrong leaves, indexes and paths', () => {
    for (const n of [1, 2, 3, 5, 8, 13, 100]) {
      const d = leaves(n);
      const tree = buildTree(d);
      for (let i = 0; i < n; i++) {
        const path = auditPath(tree, i);
        expect(rootFromPath(d[i] as Buffer, i, n, path)?.equals(tree.root)).toBe(true);
        const other = d[(i + 1) % n] as Buffer;
        if (n > 1) expect(rootFromPath(other, i, n, path)?.equals(tree.root) ?? false).toBe(false);
        // The leaf at another position (the tree size itself is bound by the signed statement).
        if (n > 1) expect(rootFromPath(d[i] as Buffer, (i + 1) % n, n, path)?.equals(tree.root) ?? false).toBe(false);
      }
      if (n > 1) {
        const path = auditPath(tree, 0);
        const tampered = [Buffer.alloc(32, 7), ...path.slice(1)];
        expect(rootFromPath(d[0] as Buffer, 0, n, tampered)?.equals(tree.root) ?? false).toBe(false);
      }
    }
    expect(rootFromPath(leafHash(Buffer.from('x')), 5, 3, [])).toBeUndefined();
  });

  it('remembers proven nodes without accepting forged leaves afterwards', () => {
    const d = leaves(37);
    const tree = buildTree(d);
    const v = new MerkleVerifier();
    for (let i = 0; i < d.length; i++)
      expect(v.verify(tree.root, 37, d[i] as Buffer, i, auditPath(tree, i))).toBe(true);
    // A forged leaf with a real path must still fail, even with every interior node remembered.
    const forged = leafHash(Buffer.from('forged'));
    for (let i = 0; i < d.length; i++) expect(v.verify(tree.root, 37, forged, i, auditPath(tree, i))).toBe(false);
    // A real leaf moved to another position fails too.
    expect(v.verify(tree.root, 37, d[0] as Buffer, 1, auditPath(tree, 0))).toBe(false);
  });
});
