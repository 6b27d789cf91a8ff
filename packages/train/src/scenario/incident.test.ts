import { describe, expect, it } from 'vitest';
import { readExercise } from '../exercise/levels.js';
import { resolveKeys } from '../service/keys.js';
import { checkAnswer } from '../answers/check.js';
import { exerciseFromIncident } from './incident.js';
import { prepareReplay } from './replay.js';

const INCIDENT = {
  id: 'inc-1',
  title: 'PsExec from WKS-03 to SRV-DB',
  status: 'closed',
  hosts: ['WKS-03', 'SRV-DB'],
  users: ['dwalsh'],
  techniques: ['T1566.001', 'T1569.002'],
  firstHost: 'WKS-03',
};
const RECORDS = [
  {
    format: 'json',
    record: '{"@timestamp":"2026-11-30T10:00:00Z","host":{"name":"WKS-03"},"user":{"name":"dwalsh"}}',
    label: 'T1566.001',
  },
  {
    format: 'json',
    record: '{"@timestamp":"2026-11-30T10:05:00Z","host":{"name":"SRV-DB"},"message":"psexec by CORP\\\\dwalsh"}',
  },
];

describe('an exercise from a closed incident', () => {
  it("turns the incident's events into the scenario and its confirmed facts into the answers, renamed per trainee", () => {
    const ex = readExercise(exerciseFromIncident(INCIDENT, RECORDS));
    expect(ex.levels.map((l) => [l.type, 'target' in l ? l.target : ''])).toEqual([
      ['info', ''],
      ['find', 'first-host'],
      ['find', 'attack-hosts'],
      ['find', 'attack-users'],
      ['find', 'initial-technique'],
    ]);
    const now = Date.UTC(2026, 11, 7, 12);
    const replay = prepareReplay(ex.scenario ?? { kind: 'simulator', seed: 1, hours: 1 }, 'run-x', now);
    const text = [...replay.records()].map((r) => r.record).join('\n');
    expect(text).not.toMatch(/WKS-03|SRV-DB|dwalsh/i);
    expect(text).toContain('"2026-12-07T11:55:00Z"');
    expect(text).toContain('"2026-12-07T12:00:00Z"');
    const { keys } = resolveKeys(ex, replay.truth);
    const host = replay.truth.first_host ?? '';
    expect(host).toMatch(/^WKS-\d{3}$/);
    expect(checkAnswer(keys['2'] ?? { kind: 'none' }, host).correct).toBe(true);
    expect(checkAnswer(keys['2'] ?? { kind: 'none' }, 'WKS-03').correct).toBe(false);
    expect(checkAnswer(keys['3'] ?? { kind: 'none' }, replay.truth.attack_hosts.join('\n')).correct).toBe(true);
    expect(checkAnswer(keys['5'] ?? { kind: 'none' }, 'attack.t1566.001').correct).toBe(true);
  });

  it('refuses an open incident or one without events', () => {
    expect(() => exerciseFromIncident({ ...INCIDENT, status: 'open' }, RECORDS)).toThrow(/not closed/);
    expect(() => exerciseFromIncident(INCIDENT, [])).toThrow(/no events/);
  });
});
