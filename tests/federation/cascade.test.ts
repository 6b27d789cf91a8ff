/**
 * Cascading threats across SOCs, with three nodes as separate processes on loopback: an energy
 * operator, a telecom operator that draws power from it, and a bank whose payment gateway runs
 * over the telecom site. The telecom SOC shares each dependency that crosses organisations with
 * the SOC on the other side only; an incident at the energy SOC on a modelled asset gets its
 * cascade impact at once and sends a signed cascade warning to the telecom SOC, whose own
 * cascade relays a warning to the bank's SOC. TLP:AMBER to named recipients keeps every object
 * between the two organisations it concerns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, importObjects, indicator, link, startNode, stopAll, until, type NodeProc } from './harness.js';

let energy: NodeProc;
let telecom: NodeProc;
let finance: NodeProc;

const org = (id: string, sector: string, peer: string) => ({ id, kind: 'organisation', sector, peer });

interface Warning {
  direction: 'sent' | 'received';
  peer: string;
  warning: {
    id: string;
    fromOrg: string;
    toOrg: string;
    hops: number;
    confidence: number;
    failed: { entity: string; hours: number }[];
    threatened: { entity: string; hours: number; probability: number }[];
    path: string[];
  };
  local?: { graphs: { timeline: { id: string; at: number }[]; atRisk: { id: string }[] }[] };
}

async function warnings(n: NodeProc): Promise<Warning[]> {
  return (await api<{ items: Warning[] }>(n, '/api/cascade/warnings')).body.items;
}

async function putGraph(n: NodeProc, name: string, content: unknown): Promise<void> {
  const r = await api(n, `/api/cascade/graphs/${name}`, { method: 'PUT', body: { format: 'json', content } });
  if (r.status !== 200) throw new Error(`graph on ${n.name}: ${r.status} ${JSON.stringify(r.body)}`);
}

beforeAll(async () => {
  const eu = { country: 'BE', communities: ['eu-csirt'] };
  [energy, telecom, finance] = await Promise.all([
    startNode('energy', { sector: 'energy', ...eu }),
    startNode('telecom', { sector: 'telecommunications', ...eu }),
    startNode('finance', { sector: 'financial-services', ...eu }),
  ]);
  await link(energy, telecom);
  await link(telecom, finance);
  await link(energy, finance);
  await putGraph(energy, 'grid', {
    entities: [
      org('energy-op', 'energy', energy.nodeId),
      org('telecom-op', 'telecom', telecom.nodeId),
      { id: 'substation-1', kind: 'asset', org: 'energy-op', asset: 'scada-01' },
      { id: 'telecom-site-7', kind: 'asset', org: 'telecom-op', buffers: { physical: 4 } },
    ],
    dependencies: [{ source: 'telecom-site-7', target: 'substation-1', type: 'physical', ttiHours: 0.5 }],
  });
  await putGraph(telecom, 'network', {
    entities: [
      org('energy-op', 'energy', energy.nodeId),
      org('telecom-op', 'telecom', telecom.nodeId),
      org('finance-op', 'finance', finance.nodeId),
      { id: 'substation-1', kind: 'asset', org: 'energy-op' },
      { id: 'telecom-site-7', kind: 'asset', org: 'telecom-op', buffers: { physical: 4 }, asset: 'bts-7' },
      { id: 'core-router', kind: 'asset', org: 'telecom-op' },
      { id: 'payments-gw', kind: 'service', org: 'finance-op' },
    ],
    dependencies: [
      { source: 'telecom-site-7', target: 'substation-1', type: 'physical', ttiHours: 0.5 },
      { source: 'core-router', target: 'telecom-site-7', type: 'cyber' },
      { source: 'payments-gw', target: 'telecom-site-7', type: 'cyber', ttiHours: 0.25, strength: 0.9 },
    ],
  });
  await putGraph(finance, 'payments', {
    entities: [
      org('finance-op', 'finance', finance.nodeId),
      org('telecom-op', 'telecom', telecom.nodeId),
      { id: 'telecom-site-7', kind: 'asset', org: 'telecom-op' },
      { id: 'payments-gw', kind: 'service', org: 'finance-op', asset: 'pay-01' },
      { id: 'card-clearing', kind: 'service', org: 'finance-op' },
    ],
    dependencies: [
      { source: 'payments-gw', target: 'telecom-site-7', type: 'cyber', ttiHours: 0.25 },
      { source: 'card-clearing', target: 'payments-gw', type: 'logical', ttiHours: 0.5 },
    ],
  });
}, 300_000);

afterAll(async () => {
  await stopAll([energy, telecom, finance]);
});

describe('cascading threats across three SOCs', () => {
  it('shares each cross-organisation dependency with the SOC on the other side only', async () => {
    const r = await api<{ peers: Record<string, number> }>(telecom, '/api/cascade/graphs/network/share', {
      method: 'POST',
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.peers).sort()).toEqual([energy.nodeId, finance.nodeId].sort());
    const shared = async (n: NodeProc) => {
      const g = await api<{ dependencies: { source: string; target: string }[] }>(n, '/api/cascade/graphs/shared');
      return g.status === 200 ? g.body.dependencies.map((d) => `${d.source}->${d.target}`).sort() : undefined;
    };
    expect(await until(() => shared(energy), 60_000, 'the shared graph at energy')).toEqual([
      'telecom-site-7->substation-1',
    ]);
    expect(await until(() => shared(finance), 60_000, 'the shared graph at finance')).toEqual([
      'payments-gw->telecom-site-7',
    ]);
    // No inventory names leave the telecom SOC.
    const g = await api(finance, '/api/cascade/graphs/shared');
    expect(JSON.stringify(g.body)).not.toContain('bts-7');
  });

  it('an incident on a modelled asset carries its cascade impact and warns telecom, which warns finance', async () => {
    const ioc = indicator(0x715, '203.0.113.71', { name: 'grid C2' });
    await importObjects(energy, [ioc]);
    let k = 0;
    const incident = await until(
      async () => {
        const event = {
          '@timestamp': new Date().toISOString(),
          destination: { ip: '203.0.113.71' },
          source: { ip: '10.1.2.3' },
          host: { name: 'scada-01' },
          message: `outbound ${k++}`,
        };
        await fetch(`${energy.url}/api/ingest?format=json`, {
          method: 'POST',
          headers: { authorization: `Bearer ${energy.token}`, 'content-type': 'application/x-ndjson' },
          body: `${JSON.stringify(event)}\n`,
        });
        await new Promise((r) => setTimeout(r, 1500));
        const list = await api<{ items: { id: string; hosts: string[] }[] }>(energy, '/api/incidents');
        return list.body.items.find((i) => i.hosts.includes('scada-01'));
      },
      90_000,
      'an incident on scada-01',
    );
    const impact = await until(
      async () => {
        const r = await api<{ graphs: { graph: string; timeline: { id: string; at: number }[] }[] }>(
          energy,
          `/api/cascade/incidents/${incident.id}`,
        );
        return r.status === 200 ? r.body : undefined;
      },
      30_000,
      'the impact of the incident',
    );
    expect(impact.graphs[0]?.timeline.map((f) => [f.id, f.at])).toEqual([
      ['substation-1', 0],
      ['telecom-site-7', 4.5],
    ]);

    const atTelecom = await until(
      async () => (await warnings(telecom)).find((w) => w.direction === 'received'),
      90_000,
      'the warning at telecom',
    );
    expect(atTelecom.peer).toBe(energy.nodeId);
    expect(atTelecom.warning).toMatchObject({ fromOrg: 'energy-op', toOrg: 'telecom-op', hops: 0, confidence: 100 });
    expect(atTelecom.warning.failed).toEqual([expect.objectContaining({ entity: 'substation-1', hours: 0 })]);
    expect(atTelecom.warning.threatened).toEqual([expect.objectContaining({ entity: 'telecom-site-7', hours: 4.5 })]);
    expect(atTelecom.local?.graphs[0]?.timeline.map((f) => f.id)).toEqual([
      'telecom-site-7',
      'core-router',
      'payments-gw',
    ]);

    const atFinance = await until(
      async () => (await warnings(finance)).find((w) => w.direction === 'received'),
      90_000,
      'the warning at finance',
    );
    expect(atFinance.peer).toBe(telecom.nodeId);
    expect(atFinance.warning).toMatchObject({
      fromOrg: 'telecom-op',
      toOrg: 'finance-op',
      hops: 1,
      path: ['energy-op', 'telecom-op'],
    });
    expect(atFinance.warning.threatened[0]).toMatchObject({ entity: 'payments-gw', hours: 4.75 });
    expect(atFinance.warning.confidence).toBeGreaterThan(80);
    expect(atFinance.warning.confidence).toBeLessThanOrEqual(95);
    expect(atFinance.local?.graphs[0]?.atRisk.map((f) => f.id)).toContain('card-clearing');

    // The energy SOC's own warning never reached finance: TLP:AMBER to the named recipient only.
    const sent = (await warnings(energy)).filter((w) => w.direction === 'sent');
    expect(sent.map((w) => w.peer)).toEqual([telecom.nodeId]);
    const there = await api(finance, `/api/intel/objects/${sent[0]?.warning.id ?? ''}`);
    expect(there.status).toBe(404);
    expect((await warnings(finance)).filter((w) => w.peer === energy.nodeId)).toEqual([]);
  });
});
