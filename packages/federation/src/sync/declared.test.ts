import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { TLP_V2_MARKINGS } from '@intersoc/cti';
import { FederationConfigSchema } from '../config/config.js';
import { link, startTestNode, type TestNode } from '../internal/test-node.js';
import { testIndicator } from '../internal/testing.js';
import { FEDERATION_ROOT } from '../transport/peer-client.js';
import { Federation } from './federation.js';
import { outboxOf } from './share.js';

let a: TestNode;
let b: TestNode;
const ctx = systemContext('default');

beforeAll(async () => {
  a = await startTestNode('Alpha', { communities: ['energy'] });
  b = await startTestNode('Bravo', { communities: ['energy'] });
  link(a, b);
});
afterAll(async () => {
  await Promise.all([a, b].map((n) => n?.close()));
});

/** Shares indicators from A and returns what B's outbox at A holds for them, in order. */
function shareToB(ns: readonly number[]): Record<string, unknown>[] {
  const objects = ns.map((n) => testIndicator(n, { object_marking_refs: [TLP_V2_MARKINGS.clear] }));
  a.cti.put(ctx, objects, { source: 'local' });
  const before = a.taxii.queryObjects(FEDERATION_ROOT, outboxOf(b.fed.me), { limit: 10_000 }).length;
  a.fed.share(ctx, { ids: objects.map((o) => String(o['id'])), distribution: 'all' });
  return a.taxii
    .queryObjects(FEDERATION_ROOT, outboxOf(b.fed.me), { limit: 10_000 })
    .slice(before)
    .map((r) => JSON.parse(r.json) as Record<string, unknown>);
}

describe('declared batches between nodes', () => {
  it('queues one declaration ahead of the objects, which refer to it', () => {
    const [declaration, ...objects] = shareToB([0x301, 0x302, 0x303]);
    expect(declaration?.['type']).toBe('x-intersoc-batch');
    expect(objects.map((o) => o['id'])).toEqual([0x301, 0x302, 0x303].map((n) => testIndicator(n)['id']));
    for (const o of objects) expect((o['x_intersoc_provenance'] as { v: number }).v).toBe(2);
  });

  it('verifies objects whose declaration came in an earlier delivery, after a restart', () => {
    const [declaration, ...objects] = shareToB([0x311, 0x312]);
    expect(b.fed.receive(a.fed.me, [declaration])).toEqual([expect.objectContaining({ added: true })]);
    // A new engine on the same database: nothing in memory, the declaration is read back.
    const restarted = new Federation({
      ...b.fed.fx,
      config: FederationConfigSchema.parse({ syncIntervalSeconds: 3600 }),
      lookupSeed: new Uint8Array(32),
    });
    const outcomes = restarted.receive(a.fed.me, objects);
    expect(outcomes.map((x) => x.added)).toEqual([true, true]);
    const chain = restarted.provenance(ctx, String(objects[0]?.['id']))?.chain;
    expect(chain?.map((h) => h.n)).toEqual([a.fed.me]);
    expect(chain?.[0]?.p.length).toBeGreaterThan(0);
  });

  it('keeps the declaration of every stored chain, even one only its memory still held', () => {
    const [declaration, ...objects] = shareToB([0x321]);
    b.fed.receive(a.fed.me, [declaration]);
    // As if the delivery that stored it had been rolled back: only the verifier remembers it.
    b.db.prepare('DELETE FROM fed_batches').run();
    expect(b.fed.receive(a.fed.me, objects).map((x) => x.added)).toEqual([true]);
    expect(b.fed.provenance(ctx, String(objects[0]?.['id']))?.chain.map((h) => h.n)).toEqual([a.fed.me]);
  });

  it('refuses objects whose batch it was never told about', () => {
    const [, ...objects] = shareToB([0x331]);
    const [outcome] = b.fed.receive(a.fed.me, objects);
    expect(outcome?.added).toBe(false);
    expect(outcome?.error).toMatch(/^chain: .*not declared/);
  });
});
