import { describe, expect, it } from 'vitest';
import { testIndicator, testKeys } from '../internal/testing.js';
import type { SharingTerms } from '../policy/terms.js';
import { attest, coreDigest, hopLeaf } from './attest.js';
import { BATCH_PROPERTY, BATCH_TYPE, parseBatch, type DeclaredBatch } from './batch.js';
import { rootFromPath } from './merkle.js';
import { pathOf, PROVENANCE_PROPERTY } from './provenance.js';
import { ChainVerifier, type KnownKey } from './verify.js';

const a = testKeys('A');
const b = testKeys('B');
const c = testKeys('C');
const terms: SharingTerms = { distribution: 'all', communities: ['eu-csirt'] };
const NOW = Date.parse('2025-01-01T00:00:00Z');
const clock = () => NOW;
const pinned = (...ks: (typeof a)[]): Record<string, KnownKey> =>
  Object.fromEntries(ks.map((k) => [k.identity.nodeId, { publicKey: k.identity.publicKey, revoked: false }]));

function verifier(me: string, keys: Record<string, KnownKey>, stored?: Map<string, DeclaredBatch>) {
  return new ChainVerifier({
    me,
    keyOf: (id) => keys[id],
    now: clock,
    ...(stored ? { batchOf: (n: string, r: string) => stored.get(`${n}.${r}`) } : {}),
  });
}

const items = Array.from({ length: 40 }, (_, i) => ({ core: testIndicator(i) }));
const signed = attest(a, items, { terms, ttlSeconds: 86_400, now: clock });
/** B gets every other object: the declaration first, then the objects that refer to it. */
const [declaration, ...objects] = signed.declare(
  b.identity.nodeId,
  items.map((_, i) => i).filter((i) => i % 2 === 0),
) as [Record<string, unknown>, ...Record<string, unknown>[]];

describe('batch declarations (version 2 chains)', () => {
  it('verifies each object against the declared batch, and costs far fewer bytes than whole hops', () => {
    const v = verifier(b.identity.nodeId, pinned(a));
    expect(declaration['type']).toBe(BATCH_TYPE);
    expect(v.declare(declaration, a.identity.nodeId).ok).toBe(true);
    for (const o of objects) {
      const r = v.verify(o, a.identity.nodeId);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.value.terms).toEqual(terms);
        expect(r.value.origin).toBe(a.identity.nodeId);
      }
    }
    const whole = signed.for(b.identity.nodeId, [0])[0] as Record<string, unknown>;
    const size = (o: Record<string, unknown>) => JSON.stringify(o[PROVENANCE_PROPERTY]).length;
    expect(size(objects[0] as Record<string, unknown>) * 4).toBeLessThan(size(whole));
  });

  it('gives every object its own audit path to the signed root', () => {
    const v = verifier(b.identity.nodeId, pinned(a));
    v.declare(declaration, a.identity.nodeId);
    for (const o of objects) {
      const r = v.verify(o, a.identity.nodeId);
      if (!r.ok) throw new Error(r.reason.message);
      const hop = r.value.chain[0];
      if (!hop) throw new Error('no hop');
      const leaf = hopLeaf(Buffer.from(hop.s, 'base64url'), coreDigest(r.value.core));
      const root = rootFromPath(leaf, hop.i, hop.c, pathOf(hop));
      expect(root?.toString('base64url')).toBe(hop.r);
    }
  });

  it('refuses objects whose batch was never declared, and tampered objects', () => {
    const v = verifier(b.identity.nodeId, pinned(a));
    expect(v.verify(objects[0], a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'chain' } });
    v.declare(declaration, a.identity.nodeId);
    const tampered = { ...objects[1], pattern: "[ipv4-addr:value = '203.0.113.9']" };
    expect(v.verify(tampered, a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'bad-signature' } });
    // An object of the batch that B was not given cannot be passed off under another index.
    const other = signed.declare(b.identity.nodeId, [1])[1] as Record<string, unknown>;
    const p = other[PROVENANCE_PROPERTY] as { chain: string[] };
    const moved = { ...other, [PROVENANCE_PROPERTY]: { ...p, chain: [p.chain[0]?.replace(/\.1\./, '.2.')] } };
    expect(v.verify(moved, a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'bad-signature' } });
  });

  it('refuses forged, misaddressed and wrongly delivered declarations', () => {
    const v = verifier(b.identity.nodeId, pinned(a));
    const wire = declaration[BATCH_PROPERTY] as { leaves: string; hop: string; terms: SharingTerms };
    const leaves = Buffer.from(wire.leaves, 'base64url');
    leaves[0] = (leaves[0] as number) ^ 1;
    const forgedLeaves = { ...declaration, [BATCH_PROPERTY]: { ...wire, leaves: leaves.toString('base64url') } };
    expect(v.declare(forgedLeaves, a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'malformed' } });
    const widened = { ...declaration, [BATCH_PROPERTY]: { ...wire, terms: { ...terms, tlp: 'clear' } } };
    expect(v.declare(widened, a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'bad-signature' } });
    expect(v.declare(declaration, c.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'chain' } });
    const vC = verifier(c.identity.nodeId, pinned(a));
    expect(vC.declare(declaration, a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'misaddressed' } });
    const revoked = verifier(b.identity.nodeId, {
      [a.identity.nodeId]: { publicKey: a.identity.publicKey, revoked: true },
    });
    expect(revoked.declare(declaration, a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'revoked' } });
  });

  it('verifies objects of a batch declared in an earlier delivery from storage', () => {
    const parsed = parseBatch(declaration[BATCH_PROPERTY]);
    if (typeof parsed === 'string') throw new Error(parsed);
    const stored = new Map([[`${parsed.hop.n}.${parsed.hop.r}`, parsed]]);
    const v = verifier(b.identity.nodeId, pinned(a), stored);
    for (const o of objects) expect(v.verify(o, a.identity.nodeId).ok).toBe(true);
  });

  it('relays declared objects with whole earlier hops, verifiable at the next node', () => {
    const vB = verifier(b.identity.nodeId, pinned(a));
    vB.declare(declaration, a.identity.nodeId);
    const received = objects.map((o) => vB.verify(o, a.identity.nodeId)).flatMap((r) => (r.ok ? [r.value] : []));
    const [relayDeclaration, ...relayed] = attest(
      b,
      received.map((x) => ({ core: x.core, chain: x.chain, digest: x.digest })),
      { ttlSeconds: 3600, now: clock },
    ).declare(c.identity.nodeId);
    const vC = verifier(c.identity.nodeId, pinned(b));
    expect(vC.declare(relayDeclaration, b.identity.nodeId).ok).toBe(true);
    for (const o of relayed) {
      const r = vC.verify(o, b.identity.nodeId);
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.value.chain.map((h) => h.n)).toEqual([a.identity.nodeId, b.identity.nodeId]);
    }
  });
});
