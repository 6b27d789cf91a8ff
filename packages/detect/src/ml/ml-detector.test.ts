import type { SocEvent } from '@intersoc/core';
import { fitSchema, toDataset, trainModel, type ModelDoc, type Table } from '@intersoc/learn';
import { describe, expect, it } from 'vitest';
import { MlDetector, type DeployedModel } from './ml-detector.js';

/** Flows: DoS ones are long with many forward packets; the rest benign. */
function table(rows: number): Table {
  const out: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const dos = i % 4 === 0;
    const duration = dos ? 5_000_000 + (i % 97) * 1000 : 1000 + ((i * 7919) % 900_000);
    const packets = dos ? 200 + (i % 50) : 2 + (i % 40);
    out.push([String(duration), String(packets), String([80, 443, 53][i % 3]), dos ? 'DoS' : 'BENIGN']);
  }
  return {
    format: 'cic-ids',
    header: ['Flow Duration', 'Total Fwd Packet', 'Dst Port', 'Label'],
    rows: out,
    hash: 'h',
  };
}

const t = table(2000);
const doc: ModelDoc = trainModel(
  toDataset(t, fitSchema(t)),
  { algorithm: 'gbdt', seed: 1, gbdt: { rounds: 30 } },
  { dataHash: 'h' },
).doc;

function event(id: string, tenant: string, fields: Record<string, string | number>): SocEvent {
  return {
    id,
    time: 1_700_000_000_000,
    ingested: 1_700_000_000_000,
    tenant,
    source: { format: 'cic-flow', kind: 'file', name: 'flows.csv' },
    raw: '',
    fields,
    ecs: { 'source.ip': '10.0.0.9', 'destination.ip': '10.0.0.1' },
  } as SocEvent;
}

describe('MlDetector', () => {
  it('scores only the tenant’s events that carry the features, with an explained alert', () => {
    const deployed = new Map<string, DeployedModel[]>([['a', [{ name: 'flows', version: 3, doc }]]]);
    const d = new MlDetector({ revision: () => 1, deployed: (tenant) => deployed.get(tenant) ?? [] });
    const dos = { 'Flow Duration': 5_500_000, 'Total Fwd Packet': 230, 'Dst Port': 80 };
    const benign = { 'Flow Duration': 3000, 'Total Fwd Packet': 4, 'Dst Port': 443 };
    const alerts = d.detect([event('e1', 'a', dos), event('e2', 'a', benign), event('e3', 'a', { message: 'x' })]);
    expect(alerts.map((a) => a.eventIds[0])).toEqual(['e1']);
    const a = alerts[0];
    expect(a?.detector).toEqual({ kind: 'ml', ruleId: 'ml:flows', ruleTitle: 'model flows', ruleVersion: '3' });
    const det = a?.details as {
      score: number;
      threshold: number;
      label: string;
      model: { name: string; version: number };
      features: { feature: string; value: unknown }[];
    };
    expect(det.score).toBeGreaterThanOrEqual(det.threshold);
    expect(det.label).toBe('DoS');
    expect(det.model).toMatchObject({ name: 'flows', version: 3 });
    expect(det.features.length).toBeGreaterThan(0);
    expect(det.features.length).toBeLessThanOrEqual(5);
    expect(['Flow Duration', 'Total Fwd Packet']).toContain(det.features[0]?.feature);
    expect(a?.entities).toContainEqual({ type: 'ip', value: '10.0.0.9', role: 'source' });
    // Pcap flows carry the same features under `cic.`.
    const pcap = { 'cic.Flow Duration': 5_500_000, 'cic.Total Fwd Packet': 230, 'cic.Dst Port': 80 };
    expect(d.detect([event('e4', 'a', pcap)]).length).toBe(1);
    // Tenant b has no deployed model: its DoS flow is not scored by a's model.
    expect(d.detect([event('e5', 'b', dos)])).toEqual([]);
  });

  it('reloads when the registry’s revision changes, checked at most every checkEveryMs', () => {
    let revision = 1;
    let now = 0;
    let models: DeployedModel[] = [];
    let loads = 0;
    const d = new MlDetector(
      {
        revision: () => revision,
        deployed: () => {
          loads++;
          return models;
        },
      },
      { checkEveryMs: 1000, now: () => now },
    );
    expect(d.models('a')).toEqual([]);
    models = [{ name: 'flows', version: 1, doc }];
    revision = 2;
    now = 500;
    expect(d.models('a')).toEqual([]);
    now = 1500;
    expect(d.models('a')).toEqual([{ name: 'flows', version: 1 }]);
    // No change: no reload.
    now = 3000;
    d.models('a');
    expect(loads).toBe(2);
  });
});
