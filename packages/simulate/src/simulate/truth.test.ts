import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../catalogue/scenarios.js';
import { simulate, simulation } from './simulate.js';

const START = Date.UTC(2025, 2, 3, 0, 0, 0);

describe('simulation ground truth', () => {
  const run = simulation({ seed: 5, hours: 24, start: START, intensity: 0.3 });
  const records = [...run.records];
  const truth = run.truth();

  it('yields exactly the records simulate() yields', () => {
    const plain = [...simulate({ seed: 5, hours: 24, start: START, intensity: 0.3 })];
    expect(records.length).toBe(plain.length);
    expect(records.map((r) => r.record).join('\n')).toBe(plain.map((r) => r.record).join('\n'));
  });

  it('describes every story instance with hosts, accounts, techniques and ISO times', () => {
    expect(truth.chains.map((c) => c.id).sort()).toEqual(SCENARIOS.map((s) => `${s.id}#1`).sort());
    for (const c of truth.chains) {
      const mine = records.filter((r) => r.scenario === c.id);
      expect(c.start).toBe(new Date(Math.min(...mine.map((r) => r.time))).toISOString());
      expect(c.end).toBe(new Date(Math.max(...mine.map((r) => r.time))).toISOString());
      expect(c.techniques).toEqual([...new Set(mine.map((r) => r.label))].sort());
      expect(c.hosts.length).toBeGreaterThan(0);
      expect(c.users.length).toBeGreaterThan(0);
      expect(c.hosts).not.toContain('nsm-01');
    }
  });

  it('overlaps the chains in time and shares hosts between them', () => {
    const [a, b, c] = truth.chains;
    expect(a && b && c).toBeTruthy();
    const overlap = (x: typeof a, y: typeof a): boolean => !!x && !!y && x.start < y.end && y.start < x.end;
    expect(overlap(a, b) && overlap(b, c) && overlap(a, c)).toBe(true);
    const rdp = truth.chains.find((x) => x.id.startsWith('rdp-intrusion'));
    const phish = truth.chains.find((x) => x.id.startsWith('phishing-beacon'));
    expect(phish?.hosts.filter((h) => rdp?.hosts.includes(h))).toEqual(expect.arrayContaining(['FS-01']));
  });

  it('gives each story instance its own attacker infrastructure', () => {
    const external = (id: string): Set<string> => {
      const out = new Set<string>();
      for (const r of records) {
        if (r.scenario !== id || r.format !== 'zeek') continue;
        const o = JSON.parse(r.record) as Record<string, string>;
        for (const k of ['id.orig_h', 'id.resp_h']) if (!/^10\./.test(o[k] ?? '10.')) out.add(o[k] ?? '');
      }
      return out;
    };
    const sets = truth.chains.map((c) => external(c.id));
    for (let i = 0; i < sets.length; i++) {
      for (let j = i + 1; j < sets.length; j++) {
        expect([...(sets[i] ?? [])].filter((x) => sets[j]?.has(x))).toEqual([]);
      }
    }
  });

  it('lists the estate with criticalities for an inventory', () => {
    const dc = run.estate.hosts.find((h) => h.role === 'domain-controller');
    expect(dc).toMatchObject({ name: 'DC-01', criticality: 'critical', os: 'windows' });
    expect(run.estate.hosts.every((h) => /^10\./.test(h.ip))).toBe(true);
    expect(run.estate.accounts.some((a) => a.admin && a.name.startsWith('adm-'))).toBe(true);
  });
});
