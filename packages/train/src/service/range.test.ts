/**
 * The decisions of hands-on levels and alert marks, on what a training tenant holds: which alerts
 * are the attack's, which case holds them, which playbook ran, what a Sigma rule matched. (The
 * node's test checks them against its real case service, respond engine and Sigma engine.)
 */
import { describe, expect, it } from 'vitest';
import { checkAlertMarks, checkCase, checkPlaybookRun, checkSigma, labelIsAttack, type RangeAlert } from './range.js';

const ALERTS: RangeAlert[] = [
  { id: 'a1', rule: 'PowerShell encoded', attack: true },
  { id: 'a2', rule: 'Mimikatz', attack: true },
  { id: 'b1', rule: 'Admin share', attack: false },
  { id: 'u1', rule: 'Unlabelled', attack: undefined },
];

describe('labels', () => {
  it('a sub-technique counts for its parent; benign is never the attack; no label is unknown', () => {
    expect(labelIsAttack('T1059.001', ['T1059'])).toBe(true);
    expect(labelIsAttack('T1003', ['T1059'])).toBe(false);
    expect(labelIsAttack('T1003', [])).toBe(true);
    expect(labelIsAttack('benign', [])).toBe(false);
    expect(labelIsAttack(undefined, [])).toBeUndefined();
  });
});

describe('alert marks', () => {
  it("the attack's alerts and the false positives, against the labels", () => {
    expect(checkAlertMarks(ALERTS, 'attack', 'a1, A2', 1).correct).toBe(true);
    expect(checkAlertMarks(ALERTS, 'attack', 'a1 a2 b1', 1).correct).toBe(false);
    expect(checkAlertMarks(ALERTS, 'attack', 'a1', 0.9)).toMatchObject({ correct: false, recall: 0.5 });
    expect(checkAlertMarks(ALERTS, 'benign', 'b1', 1).correct).toBe(true);
    expect(checkAlertMarks(ALERTS, 'benign', 'a1', 1).correct).toBe(false);
    expect(checkAlertMarks([], 'benign', 'x', 1)).toMatchObject({ correct: false, note: /no false positives/ });
  });
});

describe('hands-on checks', () => {
  const c = (number: number, alerts: string[]) => ({ id: `c${number}`, number, created: 1, createdBy: 'tim', alerts });
  it('a case is right when it holds the attack, not mostly false positives', () => {
    expect(checkCase([c(1, ['b1'])], ALERTS, '').correct).toBe(false);
    expect(checkCase([c(1, ['b1']), c(2, ['a1', 'b1'])], ALERTS, '').correct).toBe(true);
    expect(checkCase([c(1, ['b1']), c(2, ['a1'])], ALERTS, '#1').correct).toBe(false);
    expect(checkCase([c(1, ['b1']), c(2, ['a1'])], ALERTS, '2').correct).toBe(true);
    expect(checkCase([c(3, ['a1', 'b1', 'u1']), c(4, ['b1', 'b1', 'a2'])], ALERTS, '4').correct).toBe(false);
    expect(checkCase([], ALERTS, '')).toMatchObject({ correct: false, note: /no case/ });
  });
  it('the right playbook, not failed', () => {
    const run = (playbook: string, name: string, status: string) => ({ id: 'r', playbook, name, status, created: 1 });
    expect(checkPlaybookRun([run('playbook--1', 'Isolate host', 'succeeded')], 'isolate host').correct).toBe(true);
    expect(checkPlaybookRun([run('playbook--1', 'Isolate host', 'waiting')], 'playbook--1').correct).toBe(true);
    expect(checkPlaybookRun([run('playbook--1', 'Isolate host', 'failed')], 'playbook--1').correct).toBe(false);
    expect(checkPlaybookRun([run('playbook--2', 'Reset password', 'succeeded')], 'playbook--1').correct).toBe(false);
  });
  it('a Sigma rule must find the attack events and no benign event', () => {
    const out = { ok: true as const, title: 'r', attack: 4, benign: 10 };
    expect(checkSigma({ ...out, attackMatched: 4, benignMatched: 0 }, 1).correct).toBe(true);
    expect(checkSigma({ ...out, attackMatched: 4, benignMatched: 1 }, 1).correct).toBe(false);
    expect(checkSigma({ ...out, attackMatched: 3, benignMatched: 0 }, 1).correct).toBe(false);
    expect(checkSigma({ ...out, attackMatched: 3, benignMatched: 0 }, 0.75).correct).toBe(true);
    expect(checkSigma({ ok: false, reason: 'bad YAML' }, 1)).toMatchObject({ correct: false, note: /bad YAML/ });
  });
});
