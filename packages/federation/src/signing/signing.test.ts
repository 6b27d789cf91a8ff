import { describe, expect, it } from 'vitest';
import { testIndicator, testKeys } from '../internal/testing.js';
import type { SharingTerms } from '../policy/terms.js';
import { attest } from './attest.js';
import { encodeProvenance, parseProvenance, PROVENANCE_PROPERTY, type Hop } from './provenance.js';
import { ChainVerifier, type KnownKey } from './verify.js';

const a = testKeys('A');
const b = testKeys('B');
const c = testKeys('C');
const terms: SharingTerms = { distribution: 'all' };
const NOW = Date.parse('2025-01-01T00:00:00Z');
const clock = () => NOW;

function verifier(me: string, keys: Record<string, KnownKey> = {}, now = clock) {
  return new ChainVerifier({ me, keyOf: (id) => keys[id], now });
}
const pinned = (...ks: (typeof a)[]) =>
  Object.fromEntries(ks.map((k) => [k.identity.nodeId, { publicKey: k.identity.publicKey, revoked: false }]));

const batch = Array.from({ length: 11 }, (_, i) => ({ core: testIndicator(i) }));

function chainOf(o: Record<string, unknown> | undefined): readonly Hop[] {
  const p = parseProvenance(o?.[PROVENANCE_PROPERTY]);
  if (!p.ok) throw new Error(p.reason);
  return p.value.chain;
}

describe('signing and verification', () => {
  const toB = attest(a, batch, { terms, ttlSeconds: 86_400, now: clock }).for(b.identity.nodeId);
  const vB = verifier(b.identity.nodeId, pinned(a));

  it('verifies every object of a batch signed for the recipient', () => {
    for (const o of toB) {
      const r = vB.verify(o, a.identity.nodeId);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.value.origin).toBe(a.identity.nodeId);
        expect(r.value.terms).toEqual(terms);
        expect(r.value.core[PROVENANCE_PROPERTY]).toBeUndefined();
      }
    }
  });

  it('keeps the chain verifiable across a relay, and binds each hop to the previous one', () => {
    const received = toB.map((o) => vB.verify(o, a.identity.nodeId)).flatMap((r) => (r.ok ? [r.value] : []));
    const toC = attest(
      b,
      received.map((v) => ({ core: v.core, chain: v.chain, digest: v.digest })),
      { ttlSeconds: 86_400, now: clock },
    ).for(c.identity.nodeId);
    const vC = verifier(c.identity.nodeId, pinned(b));
    for (const o of toC) {
      const r = vC.verify(o, b.identity.nodeId);
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.value.chain.map((h) => h.n)).toEqual([a.identity.nodeId, b.identity.nodeId]);
    }
    // Grafting B's hop of one object onto another object breaks it.
    const p0 = chainOf(toC[0]);
    const p1 = chainOf(toC[1]);
    const grafted = { ...toC[0], [PROVENANCE_PROPERTY]: encodeProvenance([p0[0] as Hop, p1[1] as Hop]) };
    expect(vC.verify(grafted, b.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'bad-signature' } });
  });

  it('encodes chains compactly and parses them back exactly', () => {
    const o = toB[4] as Record<string, unknown>;
    const chain = chainOf(o);
    expect(encodeProvenance(chain)).toEqual(o[PROVENANCE_PROPERTY]);
    const wire = o[PROVENANCE_PROPERTY] as { chain: string[] };
    expect(parseProvenance({ ...wire, chain: [`${wire.chain[0]}.x`] }).ok).toBe(false);
    expect(parseProvenance({ ...wire, extra: 1 }).ok).toBe(false);
    expect(parseProvenance({ ...wire, chain: [wire.chain[0]?.replace(/\.[0-9a-z]+\./, '.-1.')] }).ok).toBe(false);
  });

  it('rejects tampered, unsigned, misaddressed and wrongly delivered objects', () => {
    const o = toB[3] as Record<string, unknown>;
    expect(vB.verify({ ...o, pattern: "[ipv4-addr:value = '203.0.113.1']" }, a.identity.nodeId)).toMatchObject({
      ok: false,
      reason: { code: 'bad-signature' },
    });
    expect(vB.verify(testIndicator(3), a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'unsigned' } });
    expect(vB.verify(o, c.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'chain' } });
    const vC = verifier(c.identity.nodeId, pinned(a));
    expect(vC.verify(o, a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'misaddressed' } });
    const hop = chainOf(o)[0] as Hop;
    const badTerms = { ...o, [PROVENANCE_PROPERTY]: { ...encodeProvenance([hop]), terms: { distribution: 'group' } } };
    expect(vB.verify(badTerms, a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'malformed' } });
    const widened = {
      ...o,
      [PROVENANCE_PROPERTY]: encodeProvenance([{ ...hop, terms: { distribution: 'all', tlp: 'clear' } }]),
    };
    expect(vB.verify(widened, a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'bad-signature' } });
  });

  it('rejects a key that is not the pinned one, a revoked key and an id that is not the fingerprint', () => {
    const o = toB[0] as Record<string, unknown>;
    const impostor = testKeys('A-impostor');
    const spoof = attest(impostor, [{ core: testIndicator(0) }], { terms, ttlSeconds: 3600, now: clock }).for(
      b.identity.nodeId,
    )[0] as Record<string, unknown>;
    const hop = chainOf(spoof)[0] as Hop;
    const claimed = { ...spoof, [PROVENANCE_PROPERTY]: encodeProvenance([{ ...hop, n: a.identity.nodeId }]) };
    expect(vB.verify(claimed, a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'chain' } });
    const withKey = {
      ...spoof,
      [PROVENANCE_PROPERTY]: encodeProvenance([{ ...hop, n: a.identity.nodeId, pk: a.identity.publicKey }]),
    };
    expect(vB.verify(withKey, a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'bad-signature' } });
    const revoked = verifier(b.identity.nodeId, {
      [a.identity.nodeId]: { publicKey: a.identity.publicKey, revoked: true },
    });
    expect(revoked.verify(o, a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'revoked' } });
  });

  it('rejects expired attestations, and signatures from the future', () => {
    const later = verifier(b.identity.nodeId, pinned(a), () => NOW + 2 * 86_400_000);
    expect(later.verify(toB[0], a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'expired' } });
    const earlier = verifier(b.identity.nodeId, pinned(a), () => NOW - 3_600_000);
    expect(earlier.verify(toB[0], a.identity.nodeId)).toMatchObject({ ok: false, reason: { code: 'chain' } });
  });
});
