/**
 * @module
 * The federation state suite: the same tests on every `FederationStateStore` (`store/state.test.ts`
 * on SQLite, `store/pg-state.test.ts` on PostgreSQL). `open` returns the store, a second handle on the same
 * database (another process) and the peer registry of that database (trust weighs reports).
 */
import { describe, expect, it } from 'vitest';
import { cardOf } from '../../identity/identity.js';
import { testIndicator, testKeys } from '../../internal/testing.js';
import type { SharingTerms } from '../../policy/terms.js';
import { attest } from '../../signing/attest.js';
import { BATCH_PROPERTY, parseBatch } from '../../signing/batch.js';
import { parseProvenance, PROVENANCE_PROPERTY, type Hop } from '../../signing/provenance.js';
import type { ReportInput } from '../intel-state.js';
import type { PeerRegistry } from '../peers.js';
import type { FederationStateStore } from '../state-model.js';

/** What `open` returns. */
export interface StateHandles {
  readonly state: FederationStateStore;
  readonly other: FederationStateStore;
  readonly peers: PeerRegistry;
  close(): Promise<void>;
}

const terms: SharingTerms = { distribution: 'all' };
const NOW = Date.parse('2025-01-01T00:00:00Z');
const report = (o: Partial<ReportInput> & { objectId: string; origin: string }): ReportInput => ({
  tenant: 'acme',
  version: 'v1',
  sender: o.origin,
  confidence: 80,
  hops: 0,
  valueKey: `id:${o.objectId}`,
  ...o,
});

export function stateSuite(name: string, open: () => Promise<StateHandles>): void {
  describe(`federation state (${name})`, () => {
    const a = testKeys('alpha');
    const b = testKeys('bravo');
    const zulu = testKeys('zulu');

    it('fuses reports per value across originators, weighs them by trust, and lets a review override', async () => {
      const h = await open();
      try {
        h.peers.add(cardOf(a.identity), { reliability: 'A' });
        h.peers.add(cardOf(b.identity), { reliability: 'A' });
        const A = a.identity.nodeId;
        const B = b.identity.nodeId;
        h.state.recordReports(
          [
            report({ objectId: 'o1', origin: A, valueKey: 'ipv4:198.51.100.1' }),
            report({ objectId: 'o2', origin: B, valueKey: 'ipv4:198.51.100.1', confidence: undefined }),
            // An originator that is no peer, relayed by B: discounted; an unknown sender: no weight.
            report({ objectId: 'o3', origin: 'stranger', sender: B, hops: 1 }),
            report({ objectId: 'o4', origin: 'stranger', sender: 'nobody', hops: 1 }),
            report({ objectId: 'o5', origin: A, tenant: 'beta' }),
          ],
          1000,
        );
        // Idempotent, from any process.
        h.other.recordReports([report({ objectId: 'o1', origin: A, valueKey: 'ipv4:198.51.100.1' })], 2000);
        const s = h.other.readIntelState('acme');
        expect([...s.keys()].sort()).toEqual(['o1', 'o2', 'o3', 'o4']);
        expect(s.get('o1')).toEqual(s.get('o2'));
        expect(s.get('o1')?.reports).toBe(2);
        expect(s.get('o1')?.quarantined).toBe(false);
        expect(s.get('o4')).toMatchObject({ quarantined: true, reports: 1 });
        expect(s.get('o3')?.quarantined).toBe(false);
        expect([...h.state.readIntelState('beta').keys()]).toEqual(['o5']);
        expect([...h.state.readIntelState('acme', undefined, ['id:o3', 'id:o3']).keys()]).toEqual(['o3']);
        expect(h.state.readIntelState('acme', undefined, []).size).toBe(0);

        h.state.reviewIntel('acme', 'o4', 'released', 'ann', 3000);
        h.other.reviewIntel('acme', 'o1', 'released', 'ann', 3000);
        h.state.reviewIntel('acme', 'o1', 'rejected', 'bob', 4000);
        const r = h.other.readIntelState('acme');
        expect(r.get('o4')).toMatchObject({ review: 'released', quarantined: false });
        expect(r.get('o1')).toMatchObject({ review: 'rejected', quarantined: true });
        expect(r.get('o2')?.review).toBeUndefined();
        // A revoked peer's word counts no more.
        h.peers.revoke(B);
        expect(h.other.readIntelState('acme').get('o3')?.quarantined).toBe(true);

        h.state.recordReports([report({ objectId: 'o1', origin: A, sender: B, hops: 1 })], 5000);
        expect(h.other.reportersOf('acme', 'o1').sort((x, y) => x.sender.localeCompare(y.sender))).toEqual(
          [
            { origin: A, sender: A },
            { origin: A, sender: B },
          ].sort((x, y) => x.sender.localeCompare(y.sender)),
        );
        expect(h.other.reportersOf('beta', 'o1')).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it('keeps chains (first wins unless replaced) and batch declarations, and rebuilds chains through them', async () => {
      const h = await open();
      try {
        const [o1, o2] = attest(a, [{ core: testIndicator(1) }, { core: testIndicator(2) }], {
          terms,
          ttlSeconds: 3600,
          now: () => NOW,
        }).for(zulu.identity.nodeId);
        const hops = (o: Record<string, unknown> | undefined): Hop[] => {
          const p = parseProvenance(o?.[PROVENANCE_PROPERTY]);
          if (!p.ok) throw new Error(p.reason);
          return [...p.value.chain];
        };
        const id = String(testIndicator(1)['id']);
        h.state.recordChains([
          { tenant: 'acme', id, version: 'v1', chain: hops(o1) },
          { tenant: 'acme', id, version: 'v1', chain: [...hops(o1), ...hops(o2)] },
        ]);
        expect(h.other.chainLength('acme', id, 'v1')).toBe(1);
        h.other.recordChains([{ tenant: 'acme', id, version: 'v1', chain: [...hops(o1), ...hops(o2)] }]);
        expect(h.state.chainLength('acme', id, 'v1')).toBe(1);
        expect(h.state.chainOf('acme', id, 'v1')?.map((x) => x.n)).toEqual([a.identity.nodeId]);
        h.other.recordChains([{ tenant: 'acme', id, version: 'v1', chain: [...hops(o1), ...hops(o2)] }], true);
        expect(h.state.chainLength('acme', id, 'v1')).toBe(2);
        expect(h.state.chainLength('beta', id, 'v1')).toBeUndefined();
        expect(h.state.chainOf('acme', id, 'v2')).toBeUndefined();

        const [declaration, ...objects] = attest(
          b,
          [3, 4, 5].map((n) => ({ core: testIndicator(n) })),
          { terms, ttlSeconds: 3600, now: () => NOW },
        ).declare(zulu.identity.nodeId);
        const batch = parseBatch(declaration?.[BATCH_PROPERTY]);
        if (typeof batch === 'string') throw new Error(batch);
        const id3 = String(testIndicator(3)['id']);
        h.state.recordChains([
          { tenant: 'acme', id: id3, version: 'v1', chain: [], wire: objects[0]?.[PROVENANCE_PROPERTY] },
        ]);
        // Not declared yet: the chain cannot be rebuilt.
        expect(h.other.chainOf('acme', id3, 'v1')).toBeUndefined();
        expect(h.other.batchOf(batch.hop.n, batch.hop.r)).toBeUndefined();
        h.state.recordBatches([batch, batch]);
        h.other.recordBatches([batch]);
        expect(h.other.batchOf(batch.hop.n, batch.hop.r)?.wire).toEqual(batch.wire);
        const cache = new Map();
        expect(h.other.chainOf('acme', id3, 'v1', cache)?.map((x) => x.n)).toEqual([b.identity.nodeId]);
        expect(cache.size).toBe(1);
        expect(h.other.chainLength('acme', id3, 'v1')).toBe(1);
      } finally {
        await h.close();
      }
    });

    it('aggregates local sightings until returned, and keeps the largest landed counts', async () => {
      const h = await open();
      try {
        const s = (indicator: string, count: number, first: number, last: number, value: string) => ({
          tenant: 'acme',
          indicator,
          origin: 'peer-a',
          via: 'peer-b',
          count,
          first,
          last,
          context: [{ type: 'host', value }],
        });
        expect(h.state.recordLocalSighting(s('i1', 2, 100, 200, 'h1'))).toBe(true);
        expect(h.other.recordLocalSighting(s('i1', 3, 50, 150, 'h2'))).toBe(false);
        expect(h.state.recordLocalSighting(s('i1', 1, 120, 130, 'h1'))).toBe(false);
        expect(h.other.recordLocalSighting(s('i2', 1, 10, 20, 'h3'))).toBe(true);
        expect(h.other.recordLocalSighting({ ...s('i3', 1, 10, 20, 'h4'), tenant: 'beta' })).toBe(true);
        const pending = h.other.pendingSightings('acme');
        expect(pending.map((p) => [p.indicator, p.count, p.first, p.last, p.context.map((c) => c.value)])).toEqual([
          ['i2', 1, 10, 20, ['h3']],
          ['i1', 6, 50, 200, ['h1', 'h2']],
        ]);
        h.state.markSightingsSent('acme', ['i1', 'i2']);
        h.state.markSightingsSent('acme', []);
        expect(h.other.pendingSightings('acme')).toEqual([]);
        expect(h.other.pendingSightings('beta').map((p) => p.indicator)).toEqual(['i3']);
        h.other.recordLocalSighting(s('i1', 1, 300, 300, 'h5'));
        expect(h.state.pendingSightings('acme').map((p) => [p.indicator, p.count])).toEqual([['i1', 7]]);
        const context = Array.from({ length: 30 }, (_, i) => ({ type: 'host', value: `x${i}` }));
        h.state.recordLocalSighting({ ...s('i4', 1, 1, 1, 'x'), context });
        expect(h.other.pendingSightings('acme').find((p) => p.indicator === 'i4')?.context).toHaveLength(20);

        h.state.recordLanded('acme', { indicator: 'i1', peer: 'p1', count: 5, first: 100, last: 200 });
        h.other.recordLanded('acme', { indicator: 'i1', peer: 'p1', count: 3, first: 50, last: 150 });
        h.state.recordLanded('acme', { indicator: 'i2', peer: 'p1', count: 1, first: 300, last: 400 });
        h.state.recordLanded('beta', { indicator: 'i9', peer: 'p1', count: 1, first: 1, last: 1 });
        expect(h.other.landedSightings('acme')).toEqual([
          { indicator: 'i2', peer: 'p1', count: 1, first: 300, last: 400 },
          { indicator: 'i1', peer: 'p1', count: 5, first: 50, last: 200 },
        ]);
        expect(h.other.landedSightings('acme', 1).map((l) => l.indicator)).toEqual(['i2']);
      } finally {
        await h.close();
      }
    });

    it('caches lookup tags as bytes', async () => {
      const h = await open();
      try {
        expect(h.state.lookupTag('ipv4:198.51.100.1')).toBeUndefined();
        h.state.setLookupTag('ipv4:198.51.100.1', Buffer.from([1, 2, 3, 255]));
        h.other.setLookupTag('domain:example.org', Buffer.from([9]));
        h.other.setLookupTag('domain:example.org', Buffer.from([7, 7]));
        const tag = h.other.lookupTag('ipv4:198.51.100.1');
        expect(Buffer.isBuffer(tag)).toBe(true);
        expect([...(tag ?? [])]).toEqual([1, 2, 3, 255]);
        expect([...(h.state.lookupTag('domain:example.org') ?? [])]).toEqual([7, 7]);
      } finally {
        await h.close();
      }
    });
  });
}
