import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { TLP_V2_MARKINGS } from '@intersoc/cti';
import { startTestNode, type TestNode } from '../internal/test-node.js';
import { testIndicator } from '../internal/testing.js';

// A reaches B directly and through C; B alone reaches D:  A ─ B ─ D,  A ─ C ─ B.
let a: TestNode;
let b: TestNode;
let c: TestNode;
let d: TestNode;
const ctx = systemContext('default');

beforeAll(async () => {
  a = await startTestNode('Alpha', { communities: ['energy'] });
  b = await startTestNode('Bravo', { communities: ['energy'] });
  c = await startTestNode('Charlie', { communities: ['energy'] });
  d = await startTestNode('Delta', { communities: ['energy'] });
  for (const [x, y] of [
    [a, b],
    [a, c],
    [c, b],
    [b, d],
  ] as const) {
    x.peer(y);
    y.peer(x);
  }
});
afterAll(async () => {
  await Promise.all([a, b, c, d].map((n) => n?.close()));
});

describe('relaying, whatever order copies arrive in', () => {
  it('relays a copy that arrives by a shorter path after a longer one', async () => {
    const o = testIndicator(0x401, { object_marking_refs: [TLP_V2_MARKINGS.clear] });
    a.cti.put(ctx, [o], { source: 'local' });
    // "connected": one hop beyond A's direct peers, so B (a direct peer) may pass it to D.
    a.fed.share(ctx, { ids: [String(o['id'])], distribution: 'connected' });
    // The copy through C reaches B first: at two hops, B may not relay it.
    await a.fed.syncPeer(a.fed.fx.peers.require(c.fed.me));
    await c.fed.syncPeer(c.fed.fx.peers.require(b.fed.me));
    expect(b.cti.get(ctx, String(o['id']))).toHaveLength(1);
    // Then A's own copy arrives at B: one hop, which entitles B to pass it on.
    await a.fed.syncPeer(a.fed.fx.peers.require(b.fed.me));
    await b.fed.syncPeer(b.fed.fx.peers.require(d.fed.me));
    expect(d.cti.get(ctx, String(o['id']))).toHaveLength(1);
    // B keeps the shorter chain, and D's names A then B.
    expect(b.fed.provenance(ctx, String(o['id']))?.chain.map((h) => h.n)).toEqual([a.fed.me]);
    expect(d.fed.provenance(ctx, String(o['id']))?.chain.map((h) => h.n)).toEqual([a.fed.me, b.fed.me]);
  });
});
