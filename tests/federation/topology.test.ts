/**
 * Four SOCs as separate processes on loopback, each with its own data folder and port: a
 * national SOC and three sector SOCs (energy, finance, telecom), fully peered. An indicator the
 * energy SOC shares becomes an alert at the others when matching events arrive there, and the
 * energy SOC receives their sightings, pseudonymised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  holds,
  importObjects,
  indicator,
  link,
  startNode,
  stopAll,
  TLP,
  until,
  type NodeProc,
} from './harness.js';

let national: NodeProc;
let energy: NodeProc;
let finance: NodeProc;
let telecom: NodeProc;
const all = () => [national, energy, finance, telecom];
const COMMUNITY_KEY = '5a'.repeat(32);

beforeAll(async () => {
  const eu = { country: 'FR', communities: ['eu-csirt'] };
  [national, energy, finance, telecom] = await Promise.all([
    startNode('national', { sector: 'government-national', ...eu }),
    startNode('energy', { sector: 'energy', ...eu }),
    startNode('finance', { sector: 'financial-services', ...eu }),
    startNode('telecom', { sector: 'telecommunications', ...eu }),
  ]);
  const nodes = all();
  for (let i = 0; i < nodes.length; i++)
    for (let j = i + 1; j < nodes.length; j++) await link(nodes[i] as NodeProc, nodes[j] as NodeProc);
  for (const n of nodes)
    await api(n, '/api/federation/communities/eu-csirt/key', { method: 'PUT', body: { key: COMMUNITY_KEY } });
}, 240_000);

afterAll(async () => {
  await stopAll([national, energy, finance, telecom]);
});

interface Alert {
  readonly detector: { readonly kind: string; readonly ruleId: string };
}

describe('four interconnected SOCs', () => {
  const c2 = indicator(0x501, '203.0.113.50', { object_marking_refs: [TLP.green], name: 'Energy C2' });
  const id = String(c2['id']);

  it('delivers the energy SOC’s indicator to every peer, with its provenance', async () => {
    await importObjects(energy, [c2]);
    const share = await api<{ queued: Record<string, number> }>(energy, '/api/federation/share', {
      method: 'POST',
      body: { ids: [id], distribution: 'all' },
    });
    expect(share.status).toBe(200);
    expect(Object.keys(share.body.queued).sort()).toEqual([national.nodeId, finance.nodeId, telecom.nodeId].sort());
    for (const n of [national, finance, telecom])
      await until(async () => ((await holds(n, id)) ? true : undefined), 30_000, `${n.name} to hold it`);
    const at = await api<{ object: { source: string } }>(telecom, `/api/intel/objects/${id}`);
    expect(at.body.object.source).toBe(`peer:${energy.nodeId}`);
  });

  it('turns it into alerts where matching events arrive', async () => {
    for (const n of [finance, telecom, national]) {
      let k = 0;
      const alerts = await until(
        async () => {
          const event = {
            '@timestamp': new Date().toISOString(),
            destination: { ip: '203.0.113.50' },
            source: { ip: '10.20.30.40' },
            host: { name: `ws-${n.name}-7.corp` },
            user: { name: `analyst-${n.name}` },
            message: `outbound connection ${k++}`,
          };
          await fetch(`${n.url}/api/ingest?format=json`, {
            method: 'POST',
            headers: { authorization: `Bearer ${n.token}`, 'content-type': 'application/x-ndjson' },
            body: `${JSON.stringify(event)}\n`,
          });
          await new Promise((r) => setTimeout(r, 1500));
          const r = await api<{ items: Alert[] }>(n, '/api/alerts');
          const hit = r.body.items.filter((a) => a.detector.kind === 'ioc' && a.detector.ruleId === id);
          return hit.length > 0 ? hit : undefined;
        },
        45_000,
        `an alert at ${n.name}`,
      );
      expect(alerts.length).toBeGreaterThan(0);
    }
  });

  it('returns the sightings to the originator, which sees where its intelligence landed', async () => {
    const landed = await until(
      async () => {
        const r = await api<{ items: { indicator: string; peer: string; count: number }[] }>(
          energy,
          '/api/federation/sightings',
        );
        const peers = new Set(r.body.items.filter((s) => s.indicator === id).map((s) => s.peer));
        return [national, finance, telecom].every((n) => peers.has(n.nodeId)) ? r.body.items : undefined;
      },
      45_000,
      'sightings at the energy SOC',
    );
    expect(landed.every((s) => s.count >= 1)).toBe(true);
    // The sightings carry context, pseudonymised: no internal host or user name left any SOC.
    const sightings = await api<{ items: { object: Record<string, unknown> }[] }>(
      energy,
      '/api/intel/objects?type=sighting&limit=100',
    );
    const text = JSON.stringify(sightings.body.items);
    expect(sightings.body.items.length).toBeGreaterThanOrEqual(3);
    for (const n of [national, finance, telecom]) {
      expect(text).not.toContain(`ws-${n.name}-7.corp`);
      expect(text).not.toContain(`analyst-${n.name}`);
    }
    expect(text).not.toContain('10.20.30.40');
    expect(text).toContain('pseudonym.invalid');
    const network = await api<{ configured: boolean }>(energy, '/api/soc-network');
    expect(network.status).toBe(200);
  });

  it('raises the trust of the originator at the SOCs it helped', async () => {
    const peers = await api<{ items: { nodeId: string; confirmations: number; trust: number }[] }>(
      finance,
      '/api/federation/peers',
    );
    const e = peers.body.items.find((p) => p.nodeId === energy.nodeId);
    expect(e?.confirmations).toBeGreaterThanOrEqual(1);
    expect(e?.trust).toBeGreaterThan(0.8);
  });
});
