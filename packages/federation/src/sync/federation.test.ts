import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { TLP_V2_MARKINGS } from '@intersoc/cti';
import { link, startTestNode, type TestNode } from '../internal/test-node.js';
import { testIndicator } from '../internal/testing.js';
import { PROVENANCE_PROPERTY } from '../signing/provenance.js';
import { signRequest } from '../transport/request-auth.js';
import { FEDERATION_ROOT } from '../transport/peer-client.js';
import { inboxOf, place, termsFor } from './share.js';

let a: TestNode;
let b: TestNode;
let c: TestNode;
const ctx = systemContext('default');

beforeAll(async () => {
  a = await startTestNode('Alpha', { communities: ['energy'] });
  b = await startTestNode('Bravo', { communities: ['energy'] });
  c = await startTestNode('Charlie', { communities: ['energy'] });
  // A line: A – B – C. A and C only reach each other through B.
  link(a, b);
  link(b, c);
});
afterAll(async () => {
  await Promise.all([a, b, c].map((n) => n?.close()));
});

const has = (n: TestNode, id: string) => n.cti.get(ctx, id).length > 0;
const marked = (n: number, level: keyof typeof TLP_V2_MARKINGS) =>
  testIndicator(n, { object_marking_refs: [TLP_V2_MARKINGS[level]] });

describe('federation between in-process nodes', () => {
  it('pushes a CLEAR indicator to a peer and relays it one hop further, with a verifiable chain', async () => {
    a.cti.put(ctx, [marked(1, 'clear')], { source: 'local' });
    const r = a.fed.share(ctx, { ids: [String(testIndicator(1)['id'])], distribution: 'all' });
    expect(r.queued[b.fed.me]).toBe(1);
    await a.fed.syncAll();
    expect(has(b, String(testIndicator(1)['id']))).toBe(true);
    expect(b.changes).toContain('default');
    await b.fed.syncAll();
    const [atC] = c.cti.get(ctx, String(testIndicator(1)['id']));
    const chain = c.fed.provenance(ctx, String(testIndicator(1)['id']))?.chain.map((h) => h.n);
    expect(chain).toEqual([a.fed.me, b.fed.me]);
    // The store keeps the object as its originator signed it; the chain lives beside it.
    expect(atC?.object[PROVENANCE_PROPERTY]).toBeUndefined();
    expect(atC?.provenance).toEqual({ source: `peer:${a.fed.me}`, via: `peer:${b.fed.me}` });
  });

  it('never relays AMBER, nor community-distributed objects, beyond the first hop', async () => {
    a.cti.put(ctx, [marked(2, 'amber'), marked(3, 'clear')], { source: 'local' });
    a.fed.share(ctx, { ids: [String(testIndicator(2)['id'])], distribution: 'all', recipients: [b.fed.me] });
    a.fed.share(ctx, { ids: [String(testIndicator(3)['id'])], distribution: 'community' });
    await a.fed.syncAll();
    await b.fed.syncAll();
    await c.fed.syncAll();
    expect(has(b, String(testIndicator(2)['id']))).toBe(true);
    expect(has(b, String(testIndicator(3)['id']))).toBe(true);
    expect(has(c, String(testIndicator(2)['id']))).toBe(false);
    expect(has(c, String(testIndicator(3)['id']))).toBe(false);
    const denied = b.fed.fx.journal.decisions({ objectId: String(testIndicator(2)['id']) });
    expect(denied.some((d) => d.peer === c.fed.me && !d.allowed && /TLP:AMBER/.test(d.reason))).toBe(true);
  });

  it('pulls what a peer holds when pushes could not reach us, and resumes from its cursor', async () => {
    a.cti.put(ctx, [marked(4, 'clear')], { source: 'local' });
    a.fed.share(ctx, { ids: [String(testIndicator(4)['id'])], distribution: 'all' });
    // B pulls from A before A pushes.
    const [res] = await b.fed.syncAll().then((rs) => rs.filter((x) => x.peer === a.fed.me));
    expect(res?.pulled.added).toBe(1);
    const again = await b.fed.syncPeer(b.fed.fx.peers.require(a.fed.me));
    expect(again.pulled.added).toBe(0);
    // A's later push delivers only duplicates: nothing is stored twice.
    await a.fed.syncAll();
    expect(b.cti.get(ctx, String(testIndicator(4)['id']), 'all').length).toBe(1);
  });

  it('refuses tampered objects and replayed requests, and logs why', async () => {
    a.cti.put(ctx, [marked(5, 'clear')], { source: 'local' });
    a.fed.share(ctx, { ids: [String(testIndicator(5)['id'])], distribution: 'all' });
    // What B's outbox holds: the batch's declaration, then the object that refers to it.
    const outbox = a.taxii
      .queryObjects(FEDERATION_ROOT, `outbox-${b.fed.me}`, { limit: 100 })
      .map((r) => JSON.parse(r.json) as Record<string, unknown>);
    const at = outbox.findIndex((o) => o['id'] === testIndicator(5)['id']);
    const [declaration, signed] = outbox.slice(at - 1, at + 1);
    expect(declaration?.['type']).toBe('x-intersoc-batch');
    const tampered = { ...signed, pattern: "[ipv4-addr:value = '203.0.113.66']" };
    const body = JSON.stringify({ objects: [declaration, tampered] });
    const path = `/taxii2/${FEDERATION_ROOT}/collections/${inboxOf(a.fed.me)}/objects/`;
    const post = async (auth: string) =>
      fetch(`${b.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: auth,
          'content-type': 'application/taxii+json;version=2.1',
          accept: 'application/taxii+json;version=2.1',
        },
        body,
      });
    const { header } = signRequest(a.fed.fx.keys.privateKey, {
      id: a.fed.me,
      to: b.fed.me,
      method: 'POST',
      target: path,
      body,
    });
    const first = await post(header);
    expect(first.status).toBe(202);
    const status = (await first.json()) as { failure_count: number; failures: { message: string }[] };
    expect(status.failure_count).toBe(1);
    expect(status.failures[0]?.message).toMatch(/bad-signature/);
    expect((await post(header)).status).toBe(401);
    const log = b.fed.fx.journal.rejections(10).map((r) => r.reason);
    expect(log.some((r) => /replayed request/.test(r))).toBe(true);
    expect(has(b, String(testIndicator(5)['id']))).toBe(false);
  });

  it('validates received objects one by one: an invalid one is refused with its reason, the rest stored', async () => {
    // A peer that signs an object its own store would refuse (an injected timestamp query).
    const bad: Record<string, unknown> = { ...marked(7, 'clear'), created: { $gt: 1 } };
    const good = marked(8, 'clear');
    place(
      a.fed.fx,
      [bad, good].map((core) => ({ kind: 'original', core, terms: termsFor(a.fed.fx, { distribution: 'all' }) })),
      {
        actor: 'test',
        explicit: true,
        peers: [a.fed.fx.peers.require(b.fed.me)],
        ledger: false,
        action: 'test.share',
      },
    );
    await a.fed.syncAll();
    expect(has(b, String(good['id']))).toBe(true);
    expect(has(b, String(bad['id']))).toBe(false);
    const log = b.fed.fx.journal.rejections(20);
    expect(log.some((r) => r.objectId === bad['id'] && /created.*not a STIX timestamp/.test(r.reason))).toBe(true);
  });

  it('stops accepting anything from a revoked peer at once', async () => {
    b.fed.revokePeer(ctx, c.fed.me);
    c.cti.put(ctx, [marked(6, 'clear')], { source: 'local' });
    c.fed.share(ctx, { ids: [String(testIndicator(6)['id'])], distribution: 'all' });
    const results = await c.fed.syncAll();
    expect(results.find((r) => r.peer === b.fed.me)?.error).toMatch(/401|not an active peer|TAXII/);
    expect(has(b, String(testIndicator(6)['id']))).toBe(false);
  });

  it('answers private lookups without seeing the value', async () => {
    a.cti.put(ctx, [testIndicator(7, { pattern: "[domain-name:value = 'c2.evil.example']" })], { source: 'local' });
    a.fed.lookups.invalidate();
    const seen = await b.fed.lookup(ctx, 'domain', 'C2.EVIL.example');
    expect(seen.find((x) => x.peer === a.fed.me)?.seen).toBe(true);
    const unseen = await b.fed.lookup(ctx, 'domain', 'benign.example');
    expect(unseen.find((x) => x.peer === a.fed.me)?.seen).toBe(false);
    // Values B received from A are not B's own sightings: B's set never echoes them.
    const echo = await a.fed.lookup(ctx, 'ip', '198.51.0.1');
    expect(echo.find((x) => x.peer === b.fed.me)?.seen).toBe(false);
  });

  it('returns sightings of a peer indicator to its originator, pseudonymised', async () => {
    const id = String(testIndicator(1)['id']);
    b.fed.fx.journal.setCommunityKey('energy', 'ab'.repeat(16));
    b.fed.onAlerts([
      {
        id: 'alert-1',
        tenant: 'default',
        created: Date.now(),
        time: Date.now(),
        detector: { kind: 'ioc', ruleId: id, ruleTitle: 't' },
        severity: 'high',
        tactics: [],
        techniques: [],
        entities: [
          { type: 'ip', value: '198.51.0.1', role: 'destination' },
          { type: 'host', value: 'ws-9.corp', role: 'host' },
          { type: 'user', value: 'mallory', role: 'actor' },
        ],
        eventIds: ['e1', 'e2'],
        summary: 's',
      },
    ]);
    await b.fed.syncAll();
    const landed = a.fed.status(ctx).landed;
    expect(landed).toEqual([expect.objectContaining({ indicator: id, peer: b.fed.me, count: 2 })]);
    const [sighting] = a.cti.query(ctx, { types: ['sighting'] }).objects;
    const text = JSON.stringify(sighting?.object);
    expect(text).not.toContain('ws-9.corp');
    expect(text).not.toContain('mallory');
    expect(b.fed.fx.peers.require(a.fed.me).confirmations).toBe(1);
  });
});
