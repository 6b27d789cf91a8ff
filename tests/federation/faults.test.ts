/**
 * Fault tests over three SOCs (separate processes) and a misbehaving peer played by the test:
 * a peer goes down mid-sync and comes back, a node restarts, bundles are tampered with or
 * replayed, a key is revoked, and a malicious peer sends oversized, malformed and invalid
 * bundles or floods. Bad input is refused and logged, nothing leaks, nothing is lost, and the
 * nodes keep serving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attest, cardOf, initIdentity, signRequest, type NodeKeys } from '@intersoc/federation';
import { NODE_DB_FILE, openDatabase } from '@intersoc/storage';
import {
  api,
  holds,
  importObjects,
  indicator,
  link,
  restartNode,
  startNode,
  stopAll,
  stopNode,
  syncRounds,
  TLP,
  until,
  type NodeProc,
} from './harness.js';

let alpha: NodeProc;
let bravo: NodeProc;
let charlie: NodeProc;
let mallory: NodeKeys;
let malloryDir: string;
const TAXII = 'application/taxii+json;version=2.1';

beforeAll(async () => {
  const meta = { sector: 'energy', country: 'FR', communities: ['eu'] };
  [alpha, bravo, charlie] = await Promise.all([
    startNode('alpha', meta, { pushBatch: 20 }),
    startNode('bravo', meta, { maxContentLength: 262_144, requestsPerMinute: 300 }),
    startNode('charlie', meta),
  ]);
  await link(alpha, bravo);
  await link(bravo, charlie);
  await link(alpha, charlie);
  // Mallory is a peer of bravo's that misbehaves; its keys live in the test.
  malloryDir = mkdtempSync(path.join(tmpdir(), 'intersoc-mallory-'));
  mallory = initIdentity(malloryDir, { name: 'mallory', sector: 'energy', country: 'FR', communities: ['eu'] });
  const r = await api(bravo, '/api/federation/peers', {
    method: 'POST',
    body: { card: cardOf(mallory.identity), reliability: 'C' },
  });
  expect(r.status).toBe(200);
}, 240_000);

afterAll(async () => {
  await stopAll([alpha, bravo, charlie]);
  if (malloryDir) rmSync(malloryDir, { recursive: true, force: true });
});

/** Indicators of a node's store, counted in its database: rows and distinct ids. */
function countIndicators(n: NodeProc, prefix: string): { rows: number; ids: number } {
  const db = openDatabase(path.join(n.dir, NODE_DB_FILE), { readonly: true });
  try {
    return db
      .prepare(
        "SELECT COUNT(*) AS rows, COUNT(DISTINCT id) AS ids FROM cti_objects WHERE type = 'indicator' AND id LIKE ?",
      )
      .get(`${prefix}%`) as { rows: number; ids: number };
  } finally {
    db.close();
  }
}

/** A request from mallory to bravo's TAXII server, signed (or with the given header). */
async function asMallory(
  method: 'GET' | 'POST',
  target: string,
  body?: string,
  o: { authorization?: string; contentType?: string } = {},
): Promise<{ status: number; text: string; authorization: string }> {
  const authorization =
    o.authorization ??
    signRequest(mallory.privateKey, {
      id: mallory.identity.nodeId,
      to: bravo.nodeId,
      method,
      target,
      ...(body === undefined ? {} : { body }),
    }).header;
  const res = await fetch(`${bravo.url}${target}`, {
    method,
    headers: {
      authorization,
      accept: TAXII,
      ...(body === undefined ? {} : { 'content-type': o.contentType ?? TAXII }),
    },
    ...(body === undefined ? {} : { body }),
  });
  return { status: res.status, text: await res.text(), authorization };
}

const inbox = () => `/taxii2/federation/collections/inbox-${mallory.identity.nodeId}/objects/`;
const signedFor = (objects: Record<string, unknown>[], terms = { distribution: 'all' as const }) =>
  attest(
    mallory,
    objects.map((core) => ({ core })),
    { terms, ttlSeconds: 86_400 },
  ).for(bravo.nodeId);

describe('faults', () => {
  it('catches up a peer that went down mid-sync, storing every object exactly once', async () => {
    const objects = Array.from({ length: 1500 }, (_, i) =>
      indicator(0xa0000 + i, `198.18.${i >> 8}.${i & 255}`, { object_marking_refs: [TLP.clear] }),
    );
    await importObjects(alpha, objects);
    const share = api(alpha, '/api/federation/share', {
      method: 'POST',
      body: { ids: objects.map((o) => o['id']), distribution: 'community' },
    });
    // Bravo crashes while alpha pushes in envelopes of 20: after the first ones landed. Polled
    // closely, so the kill falls mid-sync even when the 75 envelopes land within a fraction of
    // a second.
    let before = { rows: 0, ids: 0 };
    const deadline = Date.now() + 30_000;
    while (before.ids < 100) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the first envelopes');
      await new Promise((r) => setTimeout(r, 5));
      before = countIndicators(bravo, 'indicator--00000000-0000-4000-8000-0000000a');
    }
    await stopNode(bravo, 'SIGKILL');
    expect(before.ids).toBeLessThan(1500);
    expect((await share).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    await restartNode(bravo);
    const done = await until(
      async () => {
        const c = countIndicators(bravo, 'indicator--00000000-0000-4000-8000-0000000a');
        return c.ids === 1500 ? c : undefined;
      },
      90_000,
      'bravo to catch up',
    );
    expect(done.rows).toBe(1500);
    // Nothing was lost on the way to charlie either (community: no relay, but direct share).
    await until(
      async () =>
        countIndicators(charlie, 'indicator--00000000-0000-4000-8000-0000000a').ids === 1500 ? true : undefined,
      60_000,
      'charlie',
    );
  });

  it('keeps its cursors, keys and replay protection across a restart', async () => {
    await stopNode(alpha, 'SIGTERM');
    await restartNode(alpha);
    const o = indicator(0xb0001, '198.18.200.1', { object_marking_refs: [TLP.clear] });
    await importObjects(alpha, [o]);
    await api(alpha, '/api/federation/share', { method: 'POST', body: { ids: [o['id']], distribution: 'community' } });
    await until(
      async () => ((await holds(bravo, String(o['id']))) ? true : undefined),
      30_000,
      'delivery after restart',
    );
    // Nothing already delivered came again as new: still one row per object.
    expect(countIndicators(bravo, 'indicator--00000000-0000-4000-8000-0000000a').rows).toBe(1500);
  });

  it('refuses tampered objects and keeps the good ones of the same bundle', async () => {
    const good = indicator(0xc0001, '198.18.201.1', { object_marking_refs: [TLP.clear] });
    const bad = indicator(0xc0002, '198.18.201.2', { object_marking_refs: [TLP.clear] });
    const [g, b] = signedFor([good, bad]);
    const tampered = { ...b, pattern: "[ipv4-addr:value = '8.8.8.8']" };
    const r = await asMallory('POST', inbox(), JSON.stringify({ objects: [g, tampered] }));
    expect(r.status).toBe(202);
    const status = JSON.parse(r.text) as { success_count: number; failures: { id: string; message: string }[] };
    expect(status.success_count).toBe(1);
    expect(status.failures).toEqual([
      expect.objectContaining({ id: bad['id'], message: expect.stringMatching(/bad-signature/) }),
    ]);
    expect(await holds(bravo, String(good['id']))).toBe(true);
    expect(await holds(bravo, String(bad['id']))).toBe(false);
    // A bundle whose body differs from what the request signed is refused whole.
    const signedBody = JSON.stringify({ objects: signedFor([indicator(0xc0003, '198.18.201.3')]) });
    const header = signRequest(mallory.privateKey, {
      id: mallory.identity.nodeId,
      to: bravo.nodeId,
      method: 'POST',
      target: inbox(),
      body: signedBody,
    }).header;
    const swapped = await asMallory('POST', inbox(), JSON.stringify({ objects: [tampered] }), {
      authorization: header,
    });
    expect(swapped.status).toBe(401);
  });

  it('refuses a replayed request and never stores a replayed object twice', async () => {
    const o = indicator(0xd0001, '198.18.202.1', { object_marking_refs: [TLP.clear] });
    const body = JSON.stringify({ objects: signedFor([o]) });
    const first = await asMallory('POST', inbox(), body);
    expect(first.status).toBe(202);
    const replay = await asMallory('POST', inbox(), body, { authorization: first.authorization });
    expect(replay.status).toBe(401);
    const again = await asMallory('POST', inbox(), body);
    expect(again.status).toBe(202);
    expect((JSON.parse(again.text) as { successes: { message: string }[] }).successes[0]?.message).toBe(
      'already present',
    );
    expect(countIndicators(bravo, String(o['id'])).rows).toBe(1);
    const log = await api<{ items: { code: string; reason: string }[] }>(bravo, '/api/federation/rejections?limit=200');
    expect(log.body.items.some((x) => /replayed request/.test(x.reason))).toBe(true);
    expect(log.body.items.some((x) => x.code === 'bad-signature')).toBe(true);
  });

  it('refuses expired and unsigned submissions, with the reason logged', async () => {
    const old = indicator(0xd0002, '198.18.202.2');
    const [expired] = attest(mallory, [{ core: old }], {
      terms: { distribution: 'all' },
      ttlSeconds: 60,
      now: () => Date.now() - 3_600_000,
    }).for(bravo.nodeId);
    const unsigned = indicator(0xd0003, '198.18.202.3');
    const r = await asMallory('POST', inbox(), JSON.stringify({ objects: [expired, unsigned] }));
    const failures = (JSON.parse(r.text) as { failures: { message: string }[] }).failures.map((f) => f.message);
    expect(failures).toEqual([expect.stringMatching(/^expired/), expect.stringMatching(/^unsigned/)]);
  });

  it('stops everything a revoked key signs, directly or relayed, at once', async () => {
    const rv = await api(bravo, `/api/federation/peers/${charlie.nodeId}/revoke`, { method: 'POST' });
    expect(rv.status).toBe(200);
    const o = indicator(0xe0001, '198.18.203.1', { object_marking_refs: [TLP.clear] });
    await importObjects(charlie, [o]);
    await api(charlie, '/api/federation/share', { method: 'POST', body: { ids: [o['id']], distribution: 'all' } });
    await syncRounds([charlie, alpha, bravo], 3);
    expect(await holds(alpha, String(o['id']))).toBe(true);
    expect(await holds(bravo, String(o['id']))).toBe(false);
    const log = await api<{ items: { peer: string; code: string; reason: string }[] }>(
      bravo,
      '/api/federation/rejections?limit=500',
    );
    expect(log.body.items.some((x) => x.peer === charlie.nodeId && /not an active peer/.test(x.reason))).toBe(true);
    expect(log.body.items.some((x) => x.peer === alpha.nodeId && x.code === 'revoked')).toBe(true);
  });

  it('survives a malicious peer: oversized, malformed, invalid, misdirected, and floods', async () => {
    const big = JSON.stringify({ objects: [{ type: 'note', id: 'note--1', pad: 'x'.repeat(400_000) }] });
    expect((await asMallory('POST', inbox(), big)).status).toBe(413);
    expect((await asMallory('POST', inbox(), '{"objects": [')).status).toBe(400);
    expect((await asMallory('POST', inbox(), JSON.stringify({ type: 'bundle', objects: [] }))).status).toBe(422);
    const invalid = signedFor([
      { ...indicator(0xf0001, '198.18.204.1', { object_marking_refs: [TLP.clear] }), pattern: '[ipv4-addr:value = ' },
    ]);
    const r = await asMallory('POST', inbox(), JSON.stringify({ objects: invalid }));
    expect((JSON.parse(r.text) as { failures: { message: string }[] }).failures[0]?.message).toMatch(/^schema/);
    // Another peer's outbox, and the users' collections, are out of reach.
    expect((await asMallory('GET', `/taxii2/federation/collections/outbox-${alpha.nodeId}/objects/`)).status).toBe(404);
    expect((await asMallory('GET', '/taxii2/default/collections/intel-default/objects/')).status).toBe(404);
    expect((await fetch(`${bravo.url}/taxii2/federation/collections/`, { headers: { accept: TAXII } })).status).toBe(
      401,
    );
    // A flood: past the per-peer allowance, requests are refused with 429.
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, () => asMallory('GET', '/taxii2/federation/collections/').then((x) => x.status)),
      );
      statuses.push(...batch);
      if (statuses.includes(429)) break;
    }
    expect(statuses).toContain(429);
    // Bravo keeps serving everyone else.
    expect((await fetch(`${bravo.url}/api/health`)).status).toBe(200);
    const o = indicator(0xf0002, '198.18.204.2', { object_marking_refs: [TLP.clear] });
    await importObjects(alpha, [o]);
    await api(alpha, '/api/federation/share', { method: 'POST', body: { ids: [o['id']], distribution: 'community' } });
    await until(
      async () => ((await holds(bravo, String(o['id']))) ? true : undefined),
      30_000,
      'a legitimate delivery',
    );
    // Nothing mallory sent that was bad got in.
    expect(await holds(bravo, String(invalid[0]?.['id']))).toBe(false);
    expect(await holds(bravo, 'note--1')).toBe(false);
  });
});

describe('peering needs the out-of-band exchange', () => {
  it('refuses requests from a node that is not a peer', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-stranger-'));
    try {
      const stranger = initIdentity(dir, { name: 'stranger', sector: 'energy', country: 'FR' });
      const target = `/taxii2/federation/collections/inbox-${stranger.identity.nodeId}/objects/`;
      const body = JSON.stringify({
        objects: attest(stranger, [{ core: indicator(0xf1001, '198.18.205.1') }], {
          terms: { distribution: 'all' },
          ttlSeconds: 600,
        }).for(bravo.nodeId),
      });
      const auth = signRequest(stranger.privateKey, {
        id: stranger.identity.nodeId,
        to: bravo.nodeId,
        method: 'POST',
        target,
        body,
      }).header;
      const res = await fetch(`${bravo.url}${target}`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': TAXII, accept: TAXII },
        body,
      });
      expect(res.status).toBe(401);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
