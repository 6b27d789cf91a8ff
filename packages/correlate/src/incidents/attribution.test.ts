import { describe, expect, it } from 'vitest';
import { makeAlert, MIN } from '../internal/fixtures.js';
import { IncidentBuilder } from './builder.js';
import type { Incident } from './types.js';

const T0 = Date.UTC(2025, 2, 4, 13);

/** Feeds the alerts to a fresh builder and returns the incidents. */
function incidentsOf(alerts: readonly ReturnType<typeof makeAlert>[]): readonly Incident[] {
  const b = new IncidentBuilder();
  for (const a of alerts) b.add(a);
  return b.drain().incidents;
}

function only(incidents: readonly Incident[]): Incident {
  expect(incidents).toHaveLength(1);
  return incidents[0] as Incident;
}

// The alert shapes below are those the node's starter pack raises on the demo's stories.
const beacon = (time: number) =>
  makeAlert({
    time,
    rule: 'beacon',
    tactics: ['command-and-control'],
    techniques: ['T1071.001'],
    entities: [
      'host=WKS-03',
      'user=CORP\\rconti',
      'ip/source=10.10.20.223',
      'ip/destination=198.51.100.92',
      'process=C:\\Users\\rconti\\AppData\\Roaming\\updater.exe',
      'domain=update-check.example.org',
    ],
  });

const upload = (time: number, from: string, to: string) =>
  makeAlert({
    time,
    rule: 'large-upload',
    severity: 'high',
    tactics: ['exfiltration'],
    techniques: ['T1041', 'T1048'],
    entities: [`ip/source=${from}`, `ip/destination=${to}`],
  });

describe('techniques an incident claims', () => {
  it('an upload to the incident’s C2 endpoint is exfiltration over C2 (T1041), not over another protocol', () => {
    const inc = only(
      incidentsOf([beacon(T0), beacon(T0 + MIN), upload(T0 + 60 * MIN, '10.10.20.223', '198.51.100.92')]),
    );
    expect(inc.alertCount).toBe(3);
    expect(inc.techniques).toContain('T1041');
    expect(inc.techniques).not.toContain('T1048');
  });

  it('an upload elsewhere is exfiltration over another protocol (T1048), not over C2', () => {
    const inc = only(incidentsOf([upload(T0, '10.10.1.20', '203.0.113.33')]));
    expect(inc.techniques).toEqual(['T1048']);
  });

  it('spraying from an address that also guessed one account over and over is guessing', () => {
    const guess = makeAlert({
      time: T0,
      rule: 'brute-one-account',
      severity: 'high',
      tactics: ['credential-access'],
      techniques: ['T1110.001'],
      entities: ['ip=203.0.113.89', 'user=admin'],
    });
    const spray = makeAlert({
      time: T0 + 3 * MIN,
      rule: 'spray-one-address',
      severity: 'high',
      tactics: ['credential-access'],
      techniques: ['T1110.003'],
      entities: ['ip=203.0.113.89'],
    });
    const inc = only(incidentsOf([spray, guess]));
    expect(inc.alertCount).toBe(2);
    expect(inc.techniques).toEqual(['T1110.001']);
  });

  it('spraying from an address that guessed no single account stays spraying', () => {
    const spray = makeAlert({
      time: T0,
      rule: 'spray-one-address',
      severity: 'high',
      tactics: ['credential-access'],
      techniques: ['T1110.003'],
      entities: ['ip=10.10.20.223'],
    });
    expect(only(incidentsOf([spray])).techniques).toEqual(['T1110.003']);
  });

  it('a low-severity alert of the system’s own account on the host is context: shown, but claims nothing beside evidence', () => {
    const task = makeAlert({
      time: T0 + 30 * MIN,
      rule: 'task-registered',
      severity: 'low',
      tactics: ['persistence'],
      techniques: ['T1053.005'],
      entities: ['host=WKS-03', 'user/subject=SYSTEM'],
    });
    const inc = only(incidentsOf([beacon(T0), task]));
    expect(inc.alertCount).toBe(2);
    expect(inc.timeline.map((e) => e.ruleId)).toContain('task-registered');
    expect(inc.techniques).toEqual(['T1071.001']);
    expect(inc.tactics).toEqual(['command-and-control']);
    // Alone, the same alert still says what it saw.
    const alone = only(incidentsOf([{ ...task, id: 'alone' }]));
    expect(alone.techniques).toEqual(['T1053.005']);
    expect(alone.tactics).toEqual(['persistence']);
  });

  it('a low-severity alert that names no account may be the actor’s, and claims its techniques', () => {
    const discovery = makeAlert({
      time: T0 + 20 * MIN,
      rule: 'linux-discovery',
      severity: 'low',
      tactics: ['discovery'],
      techniques: ['T1033'],
      entities: ['host=WKS-03'],
    });
    const inc = only(incidentsOf([beacon(T0), discovery]));
    expect(inc.techniques).toEqual(['T1033', 'T1071.001']);
  });

  it('claims survive a merge', () => {
    const b = new IncidentBuilder();
    b.add(beacon(T0));
    // Another host's upload to the same C2 address: linked by the address, so one incident.
    b.add(upload(T0 + 10 * MIN, '10.10.20.50', '198.51.100.92'));
    const inc = only(b.drain().incidents.filter((i) => i.status === 'open'));
    expect(inc.techniques).toEqual(['T1041', 'T1071.001']);
  });
});
