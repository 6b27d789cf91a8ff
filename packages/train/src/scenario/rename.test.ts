import { describe, expect, it } from 'vitest';
import { checkAnswer } from '../answers/check.js';
import type { Scenario } from '../exercise/schema.js';
import { Renamer } from './rename.js';
import { prepareReplay } from './replay.js';

const SCENARIO: Scenario = {
  kind: 'records',
  origin: 'test',
  records: [
    {
      format: 'ecs',
      source: 'test',
      record:
        '{"@timestamp":"2020-09-14T00:44:20.000Z","host":{"name":"WKS-03.corp.example.com"},"user":{"name":"dwalsh"}}',
      label: 'T1059.001',
    },
    {
      format: 'ecs',
      source: 'test',
      record: '{"@timestamp":"2020-09-14T01:00:00.000Z","host":{"name":"DC-01"},"user":{"name":"CORP\\\\adm-dwalsh"}}',
      label: 'benign',
    },
  ],
  truth: {
    first_host: 'WKS-03',
    initial_technique: 'T1566.001',
    attack_hosts: ['WKS-03', 'DC-01'],
    attack_users: ['dwalsh'],
    techniques: ['T1059.001'],
  },
  names: { hosts: ['WKS-03', 'DC-01'], users: ['dwalsh', 'adm-dwalsh', 'Administrator'] },
};

describe('renaming per trainee', () => {
  it('keeps the shape of names and the case they are written in', () => {
    const r = new Renamer({ seed: 'run-1', hosts: ['WKS-03', 'DC-01'], users: ['dwalsh', 'adm-dwalsh', 'root'] });
    const wks = r.name('WKS-03');
    expect(wks).toMatch(/^WKS-\d{3}$/);
    expect(r.text('wks-03.corp')).toBe(`${wks.toLowerCase()}.corp`);
    const u = r.name('dwalsh');
    expect(u).toMatch(/^[a-z]+$/);
    expect(u).not.toBe('dwalsh');
    expect(r.text('adm-dwalsh')).toBe(`adm-${u}`);
    expect(r.name('root')).toBe('root');
    // Whole words only.
    expect(r.text('dwalshx')).toBe('dwalshx');
  });

  it('is deterministic per seed', () => {
    const a = new Renamer({ seed: 's', hosts: ['WKS-03'], users: ['dwalsh'] });
    const b = new Renamer({ seed: 's', hosts: ['WKS-03'], users: ['dwalsh'] });
    expect([...a.map]).toEqual([...b.map]);
  });

  it('renames hex-encoded auditd fields', () => {
    const r = new Renamer({ seed: 'x', hosts: [], users: ['dwalsh'] });
    const hex = Buffer.from('su\0dwalsh', 'latin1').toString('hex').toUpperCase();
    const out = r.record('auditd', `type=PROCTITLE proctitle=${hex}`);
    const decoded = Buffer.from(/proctitle=([0-9A-F]+)/.exec(out)?.[1] ?? '', 'hex').toString('latin1');
    expect(decoded).toBe(`su\0${r.name('dwalsh')}`);
  });

  it('two trainees of one scenario see different names, and each answer is checked against their own', () => {
    const now = Date.UTC(2026, 11, 7, 12);
    const a = prepareReplay(SCENARIO, 'run-a', now);
    const b = prepareReplay(SCENARIO, 'run-b', now);
    expect(a.truth.first_host).not.toBe(b.truth.first_host);
    expect(a.truth.attack_users).not.toEqual(b.truth.attack_users);
    const recA = [...a.records()];
    const recB = [...b.records()];
    expect(recA[0]?.record).toContain(a.truth.first_host);
    expect(recA[0]?.record).not.toContain('WKS-03');
    expect(recA[1]?.record).not.toContain('dwalsh');
    expect(recB[0]?.record).toContain(b.truth.first_host);
    const keyA = { kind: 'values', answerKind: 'host', values: [a.truth.first_host ?? ''] } as const;
    const keyB = { kind: 'values', answerKind: 'host', values: [b.truth.first_host ?? ''] } as const;
    expect(checkAnswer(keyA, a.truth.first_host ?? '?').correct).toBe(true);
    expect(checkAnswer(keyA, b.truth.first_host ?? '?').correct).toBe(false);
    expect(checkAnswer(keyB, b.truth.first_host ?? '?').correct).toBe(true);
    expect(checkAnswer(keyA, 'WKS-03').correct).toBe(false);
  });

  it('shifts the records so the last one is now', () => {
    const now = Date.UTC(2026, 11, 7, 12);
    const r = prepareReplay(SCENARIO, 'run-a', now);
    const recs = [...r.records()];
    expect(recs[1]?.record).toContain('"2026-12-07T12:00:00.000Z"');
    expect(recs[0]?.record).toContain('"2026-12-07T11:44:20.000Z"');
    expect(r.start).toBe(now - 15 * 60_000 - 40_000);
  });
});
