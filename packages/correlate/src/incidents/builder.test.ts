import { describe, expect, it } from 'vitest';
import { AssetIndex } from '../assets/asset-index.js';
import { makeAlert, MIN } from '../internal/fixtures.js';
import { IncidentBuilder } from './builder.js';

const T0 = Date.UTC(2025, 2, 4, 9);

function added(b: IncidentBuilder, a: ReturnType<typeof makeAlert>): string {
  const r = b.add(a);
  if (r.kind !== 'added') throw new Error(`not added: ${r.kind}`);
  return r.incident;
}

describe('IncidentBuilder: grouping by entity', () => {
  it('groups alerts of one account on one host and keeps other hosts apart', () => {
    const b = new IncidentBuilder();
    const a = added(b, makeAlert({ time: T0, entities: ['host=WKS-01.corp.example.com', 'user=CORP\\alice'] }));
    const c = added(b, makeAlert({ time: T0 + MIN, rule: 'r2', entities: ['host=wks-01', 'user=alice'] }));
    const d = added(b, makeAlert({ time: T0 + 2 * MIN, entities: ['host=WKS-02', 'user=bob'] }));
    expect(c).toBe(a);
    expect(d).not.toBe(a);
    const { incidents } = b.drain();
    const first = incidents.find((i) => i.id === a);
    expect(first?.alertCount).toBe(2);
    expect(first?.hosts).toEqual(['wks-01']);
    expect(first?.users).toEqual(['alice']);
  });

  it('links alerts by attacker infrastructure across hosts', () => {
    const b = new IncidentBuilder();
    const a = added(b, makeAlert({ time: T0, entities: ['host=A', 'user=u1', 'ip/destination=198.51.100.7'] }));
    const c = added(b, makeAlert({ time: T0 + MIN, entities: ['host=B', 'user=u2', 'ip/destination=198.51.100.7'] }));
    expect(c).toBe(a);
  });

  it('does not link by programs in system folders or by service accounts', () => {
    const b = new IncidentBuilder();
    const a = added(
      b,
      makeAlert({ time: T0, entities: ['host=A', 'user=SYSTEM', 'process=C:\\Windows\\System32\\cmd.exe'] }),
    );
    const c = added(
      b,
      makeAlert({ time: T0 + MIN, entities: ['host=B', 'user=SYSTEM', 'process=C:\\Windows\\System32\\cmd.exe'] }),
    );
    expect(c).not.toBe(a);
  });

  it('merges two incidents when a later alert links them', () => {
    const b = new IncidentBuilder();
    const a = added(b, makeAlert({ time: T0, entities: ['host=A', 'user=u1'] }));
    const c = added(b, makeAlert({ time: T0 + MIN, entities: ['host=B', 'user=u2', 'domain=evil.example.net'] }));
    expect(c).not.toBe(a);
    const r = b.add(makeAlert({ time: T0 + 2 * MIN, entities: ['host=A', 'user=u1', 'domain=evil.example.net'] }));
    expect(r.kind).toBe('added');
    if (r.kind !== 'added') return;
    expect(r.merged).toHaveLength(1);
    const changes = b.drain();
    expect(changes.merged).toHaveLength(1);
    const survivor = changes.incidents.find((i) => i.id === r.incident);
    expect(survivor?.alertCount).toBe(3);
    expect(survivor?.mergedFrom).toEqual(r.merged);
    expect(changes.incidents.some((i) => i.id === r.merged[0])).toBe(false);
  });

  it('attaches host-only alerts to the incident on that host without merging incidents', () => {
    const b = new IncidentBuilder();
    const a = added(b, makeAlert({ time: T0, entities: ['host=A', 'user=u1'] }));
    const c = added(b, makeAlert({ time: T0 + MIN, entities: ['host=A', 'user=u2', 'domain=x.example'] }));
    // u2 on A is a different actor from u1: not attached by the host alone.
    expect(c).not.toBe(a);
    const d = added(b, makeAlert({ time: T0 + 2 * MIN, entities: ['host=A', 'user=SYSTEM'] }));
    expect([a, c]).toContain(d);
    expect(b.drain().merged).toHaveLength(0);
  });

  it('follows lateral movement: a remote command naming the next host and account', () => {
    const assets = new AssetIndex([
      { kind: 'host', name: 'WKS-03', aliases: [], ips: ['10.0.0.3'], criticality: 'medium' },
      { kind: 'host', name: 'FS-01', aliases: [], ips: ['10.0.0.20'], criticality: 'high' },
    ]);
    const b = new IncidentBuilder({ assets: () => assets });
    const a = added(b, makeAlert({ time: T0, entities: ['host=WKS-03', 'user=rconti'] }));
    // An admin worked on FS-01 earlier (background), so the account on FS-01 is known there.
    const bg = added(b, makeAlert({ time: T0 + 5 * MIN, entities: ['host=FS-01', 'user=adm-x'] }));
    const w = added(
      b,
      makeAlert({
        time: T0 + 60 * MIN,
        tactics: ['execution'],
        entities: ['host=WKS-03', 'user=rconti', 'ip/target=10.0.0.20', 'user/target=CORP\\adm-x'],
      }),
    );
    expect(w).toBe(a);
    const r = b.add(makeAlert({ time: T0 + 60 * MIN + 1_000, entities: ['host=FS-01', 'user=adm-x'] }));
    expect(r.kind === 'added' && [a, bg].includes(r.incident)).toBe(true);
    // The move links the account on FS-01 to the story on WKS-03: the two incidents are one now.
    expect(r.kind === 'added' && r.merged.length).toBe(1);
  });

  it('treats an internal source address of another host as the place the activity came from', () => {
    const assets = new AssetIndex([
      { kind: 'host', name: 'FS-01', aliases: [], ips: ['10.0.0.20'], criticality: 'high' },
    ]);
    const b = new IncidentBuilder({ assets: () => assets });
    const a = added(b, makeAlert({ time: T0, entities: ['host=FS-01', 'user=administrator'] }));
    const c = added(b, makeAlert({ time: T0 + MIN, entities: ['host=DC-01', 'user=adm-y', 'ip/source=10.0.0.20'] }));
    expect(c).toBe(a);
    const inc = b.drain().incidents.find((i) => i.id === a);
    expect(inc?.graph.edges.some((e) => e.kind === 'lateral' && e.source === 'h:fs-01')).toBe(true);
  });

  it('puts network alerts on the host that owns the internal address', () => {
    const assets = new AssetIndex([
      { kind: 'host', name: 'web-01', aliases: [], ips: ['10.0.2.10'], criticality: 'high' },
    ]);
    const b = new IncidentBuilder({ assets: () => assets });
    const a = added(b, makeAlert({ time: T0, severity: 'high', entities: ['host=web-01', 'user=deploy'] }));
    const c = added(
      b,
      makeAlert({ time: T0 + MIN, entities: ['ip/source=10.0.2.10', 'ip/destination=203.0.113.9'], rule: 'net' }),
    );
    expect(c).toBe(a);
    const inc = b.drain().incidents[0];
    expect(inc?.sources).toEqual(['host', 'network']);
  });

  it('takes in host-only alerts that arrived before the story they belong to', () => {
    const b = new IncidentBuilder();
    // A correlation of failed logons, committed before the host's own alerts of that hour.
    const early = added(
      b,
      makeAlert({
        time: T0 + 45 * MIN,
        tactics: ['credential-access'],
        entities: ['host=WKS-4'],
        details: { correlation: 'value_count' },
      }),
    );
    const story = added(
      b,
      makeAlert({ time: T0, entities: ['host=WKS-4', 'user=kim', 'process=C:\\Users\\kim\\x.exe'] }),
    );
    expect(story).not.toBe(early);
    const changes = b.drain();
    expect(changes.merged).toEqual([{ tenant: 't1', from: early, into: story }]);
    expect(changes.incidents.find((i) => i.id === story)?.alertCount).toBe(2);
  });

  it('starts a new story when initial access follows a story that moved past it', () => {
    const b = new IncidentBuilder();
    const a = added(
      b,
      makeAlert({ time: T0, severity: 'high', tactics: ['exfiltration'], entities: ['host=A', 'user=SYSTEM'] }),
    );
    const c = added(
      b,
      makeAlert({ time: T0 + MIN, tactics: ['initial-access'], entities: ['host=A', 'file=C:\\x.docm'] }),
    );
    expect(c).not.toBe(a);
  });
});

describe('IncidentBuilder: repeats, suppression, windows', () => {
  it('collapses repeats of one finding into one timeline line and ignores replayed alerts', () => {
    const b = new IncidentBuilder();
    for (let i = 0; i < 5; i++) b.add(makeAlert({ time: T0 + i * MIN, entities: ['host=A', 'user=u'] }));
    const same = makeAlert({ id: 'dup', time: T0 + 9 * MIN, entities: ['host=A', 'user=u'] });
    b.add(same);
    expect(b.add(same).kind).toBe('duplicate');
    const inc = b.drain().incidents[0];
    expect(inc?.alertCount).toBe(6);
    expect(inc?.timeline).toHaveLength(1);
    expect(inc?.timeline[0]?.count).toBe(6);
  });

  it('leaves out suppressed alerts', () => {
    const b = new IncidentBuilder({ suppress: (a) => a.detector.ruleId === 'noisy' });
    expect(b.add(makeAlert({ time: T0, rule: 'noisy', entities: ['host=A'] })).kind).toBe('suppressed');
    expect(b.stats().suppressed).toBe(1);
    expect(b.drain().incidents).toHaveLength(0);
  });

  it('closes windows as time moves on, so memory holds only open incidents', () => {
    const b = new IncidentBuilder({ windowMs: 10 * MIN, sweepEvery: 10 });
    for (let i = 0; i < 1_000; i++) {
      b.add(makeAlert({ time: T0 + i * MIN, entities: [`host=H${i}`, `user=u${i}`] }));
    }
    const s = b.stats();
    expect(s.created).toBe(1_000);
    // Only the incidents of the last window (plus at most one sweep interval) remain in memory.
    expect(s.open).toBeLessThanOrEqual(25);
    expect(s.keys).toBeLessThanOrEqual(80);
    expect(b.drain().closed.length).toBeGreaterThanOrEqual(975);
  });

  it('does not link alerts further apart than the window', () => {
    const b = new IncidentBuilder({ windowMs: 10 * MIN });
    const a = added(b, makeAlert({ time: T0, entities: ['host=A', 'user=u'] }));
    const c = added(b, makeAlert({ time: T0 + 30 * MIN, entities: ['host=A', 'user=u'] }));
    expect(c).not.toBe(a);
  });

  it('restores an incident from its alerts and links new alerts to it', () => {
    const b = new IncidentBuilder();
    const old = makeAlert({ time: T0, entities: ['host=A', 'user=u'] });
    b.seed('t1', 'kept-id', T0, [old]);
    expect(added(b, makeAlert({ time: T0 + MIN, entities: ['host=A', 'user=u'] }))).toBe('kept-id');
    expect(b.drain().incidents[0]?.alertCount).toBe(2);
  });

  it('keeps tenants apart', () => {
    const b = new IncidentBuilder();
    const a = added(b, makeAlert({ tenant: 't1', time: T0, entities: ['host=A', 'user=u'] }));
    const c = added(b, makeAlert({ tenant: 't2', time: T0, entities: ['host=A', 'user=u'] }));
    expect(c).not.toBe(a);
  });
});

describe('IncidentBuilder: what an incident says', () => {
  it('titles, scores, orders tactics and classifies', () => {
    const assets = new AssetIndex([{ kind: 'host', name: 'DC-01', aliases: [], ips: [], criticality: 'critical' }]);
    const b = new IncidentBuilder({ assets: () => assets });
    b.add(
      makeAlert({
        time: T0,
        severity: 'medium',
        tactics: ['discovery'],
        techniques: ['T1087.002'],
        entities: ['host=DC-01', 'user=adm'],
        rule: 'd',
      }),
    );
    b.add(
      makeAlert({
        time: T0 + MIN,
        severity: 'critical',
        tactics: ['credential-access'],
        techniques: ['T1003.003'],
        entities: ['host=DC-01', 'user=adm'],
        rule: 'c',
      }),
    );
    b.add(
      makeAlert({
        time: T0 + 2 * MIN,
        severity: 'high',
        tactics: ['lateral-movement'],
        techniques: ['T1021.002'],
        entities: ['host=DC-01', 'user=adm'],
        rule: 'l',
      }),
    );
    const inc = b.drain().incidents[0];
    expect(inc?.tactics).toEqual(['credential-access', 'discovery', 'lateral-movement']);
    expect(inc?.title).toBe('Credential theft, discovery and lateral movement on dc-01 (adm)');
    expect(inc?.severity).toBe('critical');
    expect(inc?.scoreParts.criticality).toBe(1);
    expect(inc?.rsit).toMatchObject({ class: 'intrusions', type: 'privileged-account-compromise' });
  });

  it('keeps a lone high alert on an ordinary host at low severity', () => {
    const b = new IncidentBuilder();
    b.add(
      makeAlert({
        time: T0,
        severity: 'high',
        tactics: ['persistence'],
        techniques: ['T1547.001'],
        entities: ['host=WKS-9', 'user=x'],
      }),
    );
    b.add(makeAlert({ time: T0 + MIN, severity: 'low', rule: 'shell', entities: ['host=WKS-9', 'user=x'] }));
    const inc = b.drain().incidents[0];
    expect(inc?.severity).toBe('low');
    expect(inc?.maxAlertSeverity).toBe('high');
  });
});
