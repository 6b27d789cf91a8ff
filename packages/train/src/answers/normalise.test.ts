import { describe, expect, it } from 'vitest';
import { checkAnswer, chosenOptions } from './check.js';
import { canonicalIp, normalise } from './normalise.js';

describe('answer normalisation', () => {
  it('hosts: case, domain suffix, DOMAIN\\host, machine accounts and UNC prefixes', () => {
    for (const v of ['WKS-03', 'wks-03.corp.example.com', 'CORP\\WKS-03', 'WKS-03$', '\\\\wks-03']) {
      expect(normalise('host', v)).toBe('wks-03');
    }
    expect(normalise('host', '10.0.0.5')).toBe('10.0.0.5');
  });

  it('users: DOMAIN\\user, user@domain, case', () => {
    for (const v of ['CORP\\DWalsh', 'dwalsh@corp.example.com', ' dwalsh '])
      expect(normalise('user', v)).toBe('dwalsh');
  });

  it('IPs: IPv4 leading zeros, IPv6 compressed and bracketed forms', () => {
    expect(normalise('ip', '010.001.000.005')).toBe('10.1.0.5');
    expect(normalise('ip', '[2001:DB8:0:0:0:0:0:1]')).toBe('2001:db8::1');
    expect(canonicalIp('300.1.1.1')).toBeUndefined();
    expect(canonicalIp('not-an-ip')).toBeUndefined();
  });

  it('hashes: case and algorithm prefixes', () => {
    expect(normalise('hash', 'SHA256:ABCDEF0123')).toBe('abcdef0123');
    expect(normalise('hash', 'md5=FFEE')).toBe('ffee');
  });

  it('techniques: attack.t-tags, missing T, slash sub-technique separator', () => {
    for (const v of ['attack.t1059.001', 'T1059.001', '1059.001', 't1059/001']) {
      expect(normalise('technique', v)).toBe('T1059.001');
    }
    expect(normalise('technique', 'T1059')).toBe('T1059');
    expect(normalise('technique', 'T1059')).not.toBe(normalise('technique', 'T1059.001'));
  });

  it('exact compares as KYPO does (only surrounding white space)', () => {
    expect(checkAnswer({ kind: 'values', answerKind: 'exact', values: ['IhateMyJob'] }, ' IhateMyJob ').correct).toBe(
      true,
    );
    expect(checkAnswer({ kind: 'values', answerKind: 'exact', values: ['IhateMyJob'] }, 'ihatemyjob').correct).toBe(
      false,
    );
  });

  it('free answers are checked after normalisation for their kind', () => {
    const key = { kind: 'values', answerKind: 'host', values: ['WKS-03'] } as const;
    expect(checkAnswer(key, 'wks-03.corp.local').correct).toBe(true);
    expect(checkAnswer(key, 'wks-04').correct).toBe(false);
    expect(checkAnswer(key, '').correct).toBe(false);
  });

  it('multiple choice: numbers, letters or text; the chosen set must equal the correct set', () => {
    const key = { kind: 'choice', options: ['445', '22', '139'], correct: [2, 0] } as const;
    expect(chosenOptions(key.options, 'a, c')).toEqual([0, 2]);
    expect(checkAnswer(key, '1,3').correct).toBe(true);
    expect(checkAnswer(key, 'A C').correct).toBe(true);
    expect(checkAnswer(key, '1').correct).toBe(false);
    expect(checkAnswer(key, '1,2,3').correct).toBe(false);
    expect(checkAnswer(key, 'z').correct).toBe(false);
  });

  it('set answers pass at the F1 tolerance', () => {
    const key = { kind: 'set', answerKind: 'host', values: ['a1', 'b1', 'c1', 'd1'], tolerance: 0.85 } as const;
    expect(checkAnswer(key, 'A1 b1 c1 d1').correct).toBe(true);
    // 3 of 4 found, nothing wrong: F1 = 0.857
    expect(checkAnswer(key, 'a1, b1, c1').correct).toBe(true);
    // 2 of 4: F1 = 0.667
    expect(checkAnswer(key, 'a1 b1').correct).toBe(false);
  });

  it('passkeys are compared as typed', () => {
    expect(checkAnswer({ kind: 'passkey', value: 'start' }, 'start').correct).toBe(true);
    expect(checkAnswer({ kind: 'passkey', value: 'start' }, 'Start').correct).toBe(false);
  });
});
