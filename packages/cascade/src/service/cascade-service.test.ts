import { describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { openDatabase } from '@intersoc/storage';
import type { Dependency, Entity, GraphData } from '../model/types.js';
import { graphFromStix } from '../import/stix.js';
import { warningToStix } from '../warning/warning.js';
import { CascadeService } from './cascade-service.js';

const E = 'e'.repeat(32);
const T = 'a'.repeat(32);
const F = 'f'.repeat(32);
const ctx = systemContext('default');
const org = (id: string, sector: string, peer: string): Entity => ({
  id,
  kind: 'organisation',
  sector,
  peer,
  minInputs: 1,
  buffers: {},
});
const ent = (id: string, o: string, extra: Partial<Entity> = {}): Entity => ({
  id,
  kind: 'asset',
  org: o,
  minInputs: 1,
  buffers: {},
  ...extra,
});
const dep = (source: string, target: string, extra: Partial<Dependency> = {}): Dependency => ({
  source,
  target,
  type: 'physical',
  strength: 1,
  ttiHours: 0,
  recoveryHours: 0,
  ...extra,
});

const ENERGY: GraphData = {
  entities: [
    org('energy-op', 'energy', E),
    org('telecom-op', 'telecom', T),
    ent('substation-1', 'energy-op', { asset: 'scada-01' }),
    ent('telecom-site-7', 'telecom-op', { buffers: { physical: 4 } }),
  ],
  dependencies: [dep('telecom-site-7', 'substation-1', { ttiHours: 0.5 })],
};
const TELECOM: GraphData = {
  entities: [
    org('energy-op', 'energy', E),
    org('telecom-op', 'telecom', T),
    org('finance-op', 'finance', F),
    ent('substation-1', 'energy-op', { asset: 'scada-01' }),
    ent('telecom-site-7', 'telecom-op', { buffers: { physical: 4 }, asset: 'bts-7' }),
    ent('payments-gw', 'finance-op'),
  ],
  dependencies: [
    dep('telecom-site-7', 'substation-1', { ttiHours: 0.5 }),
    dep('payments-gw', 'telecom-site-7', { type: 'cyber', ttiHours: 0.25, strength: 0.8 }),
  ],
};
const FINANCE: GraphData = {
  entities: [
    org('finance-op', 'finance', F),
    org('telecom-op', 'telecom', T),
    ent('telecom-site-7', 'telecom-op'),
    ent('payments-gw', 'finance-op'),
    { id: 'card-clearing', kind: 'service', org: 'finance-op', minInputs: 1, buffers: {} },
  ],
  dependencies: [
    dep('payments-gw', 'telecom-site-7', { type: 'cyber', ttiHours: 0.25 }),
    dep('card-clearing', 'payments-gw', { type: 'logical', ttiHours: 0.5 }),
  ],
};

function node(nodeId: string, data: GraphData, settings = {}): CascadeService {
  const s = new CascadeService({ db: openDatabase(':memory:'), nodeId, settings: { runs: 4000, ...settings } });
  s.store.put(ctx, 'main', data);
  return s;
}

const stix = (w: Parameters<typeof warningToStix>[0]) => warningToStix(w, { time: '2026-01-01T00:00:00.000Z' });

describe('cascade across SOCs: energy → telecom → finance', () => {
  it('an incident on a modelled asset gets its impact and warns the telecom SOC, which relays to finance', () => {
    const energy = node(E, ENERGY);
    const telecom = node(T, TELECOM);
    const finance = node(F, FINANCE);
    const start = Date.parse('2026-03-01T10:00:00Z');
    expect(energy.assessIncident(ctx, { id: 'inc-1', hosts: ['ws-9'], firstSeen: start })).toBeUndefined();
    const impact = energy.assessIncident(ctx, { id: 'inc-1', hosts: ['SCADA-01'], firstSeen: start });
    expect(impact?.graphs[0]?.timeline.map((f) => [f.id, f.at])).toEqual([
      ['substation-1', 0],
      ['telecom-site-7', 4.5],
    ]);
    expect(energy.incidentImpact(ctx, 'inc-1')).toEqual(impact);

    const toTelecom = energy.warningsOf(ctx, impact!, { key: 'inc-1' });
    expect(toTelecom).toHaveLength(1);
    expect(toTelecom[0]).toMatchObject({
      toPeer: T,
      toOrg: 'telecom-op',
      fromOrg: 'energy-op',
      fromSector: 'energy',
      failed: [{ entity: 'substation-1', hours: 0 }],
      threatened: [{ entity: 'telecom-site-7', hours: 4.5, probability: 1 }],
      confidence: 100,
      hops: 0,
      originTime: '2026-03-01T10:00:00.000Z',
    });

    // Finance cannot take a warning meant for telecom.
    expect(finance.receiveWarning(ctx, stix(toTelecom[0]!), E).reason).toBe('addressed to another node');
    const atTelecom = telecom.receiveWarning(ctx, stix(toTelecom[0]!), E);
    expect(atTelecom.record?.local?.graphs[0]?.timeline.map((f) => [f.id, f.at])).toEqual([
      ['telecom-site-7', 4.5],
      ['payments-gw', 4.75],
    ]);
    expect(telecom.receiveWarning(ctx, stix(toTelecom[0]!), E).reason).toBe('already received');
    expect(atTelecom.relay).toHaveLength(1);
    const toFinance = atTelecom.relay[0]!;
    expect(toFinance).toMatchObject({
      toPeer: F,
      toOrg: 'finance-op',
      fromOrg: 'telecom-op',
      hops: 1,
      path: ['energy-op', 'telecom-op'],
    });
    expect(toFinance.failed).toEqual([{ entity: 'telecom-site-7', hours: 4.5, org: 'telecom-op', sector: 'telecom' }]);
    expect(toFinance.threatened[0]?.hours).toBe(4.75);
    // 0.8 strength of the telecom → payments dependency, estimated over 4,000 runs.
    expect(Math.abs(toFinance.threatened[0]!.probability - 0.8)).toBeLessThan(0.03);

    const atFinance = finance.receiveWarning(ctx, stix(toFinance), T);
    const local = atFinance.record?.local?.graphs[0];
    expect(local?.timeline.map((f) => [f.id, f.at])).toEqual([
      ['payments-gw', 4.75],
      ['card-clearing', 5.25],
    ]);
    expect(local?.atRisk.map((f) => f.id)).toContain('card-clearing');
    // Nothing goes back up the path.
    expect(atFinance.relay).toEqual([]);
    expect(finance.warnings(ctx).map((w) => [w.direction, w.peer])).toEqual([['received', T]]);
  });

  it('under policy: no warnings when warning is off, below the probability floor, or to the origin', () => {
    const off = node(E, ENERGY, { warn: false });
    const i = off.assessIncident(ctx, { id: 'x', hosts: ['scada-01'], firstSeen: 0 })!;
    expect(off.warningsOf(ctx, i, { key: 'x' })).toEqual([]);
    const weak = node(
      E,
      { ...ENERGY, dependencies: [dep('telecom-site-7', 'substation-1', { strength: 0.02 })] },
      { minProbability: 0.1 },
    );
    const j = weak.assessIncident(ctx, { id: 'y', hosts: ['scada-01'], firstSeen: 0 })!;
    expect(weak.warningsOf(ctx, j, { key: 'y' })).toEqual([]);
  });

  it('shares each cross-organisation dependency with the SOCs on either side only, without inventory names', () => {
    const telecom = node(T, TELECOM);
    const shares = telecom.crossOrgEdges(ctx, 'main');
    expect([...shares.keys()].sort()).toEqual([E, F].sort());
    const toEnergy = graphFromStix(shares.get(E)!).data;
    expect(toEnergy.dependencies.map((d) => `${d.source}->${d.target}`)).toEqual(['telecom-site-7->substation-1']);
    const toFinance = graphFromStix(shares.get(F)!).data;
    expect(toFinance.dependencies.map((d) => `${d.source}->${d.target}`)).toEqual(['payments-gw->telecom-site-7']);
    expect(JSON.stringify([...shares.values()])).not.toContain('bts-7');
    expect(JSON.stringify([...shares.values()])).not.toContain('scada-01');
    // The receiving node merges them into its shared graph.
    const energy = node(E, ENERGY);
    expect(energy.mergeShared(ctx, shares.get(E)!)).toMatchObject({ name: 'shared', dependencies: 1 });
  });

  it('what-if refuses Monte Carlo work beyond the bound', () => {
    const s = node(E, ENERGY, { maxWork: 100 });
    expect(() => s.whatIf(ctx, 'main', { fail: ['substation-1'], runs: 1000 })).toThrow(/exceed the bound/);
    expect(s.whatIf(ctx, 'main', { fail: ['substation-1'], runs: 10 }).failed).toEqual([
      'substation-1',
      'telecom-site-7',
    ]);
  });
});
