import { describe, expect, it } from 'vitest';
import type { SimRecord } from '../types.js';
import { summary } from './summary.js';

const rec = (time: number, format: SimRecord['format'], label: string, scenario?: string): SimRecord => ({
  time,
  format,
  source: `demo/h/${format}`,
  host: 'h',
  record: '{}',
  label,
  ...(scenario === undefined ? {} : { scenario }),
});

describe('summary', () => {
  it('counts by label, format, source and story instance', () => {
    const s = summary([
      rec(1, 'windows', 'benign'),
      rec(2, 'windows', 'T1003.001', 'rdp-intrusion#1'),
      rec(3, 'zeek', 'T1048', 'rdp-intrusion#1'),
      rec(4, 'syslog', 'benign'),
    ]);
    expect(s.total).toBe(4);
    expect(s.benign).toBe(2);
    expect(s.byLabel).toEqual({ benign: 2, 'T1003.001': 1, T1048: 1 });
    expect(s.byFormat).toEqual({ windows: 2, syslog: 1, auditd: 0, zeek: 1 });
    expect(s.bySource['demo/h/windows']).toBe(2);
    expect(s.byScenario).toEqual({ 'rdp-intrusion#1': 2 });
    expect([s.first, s.last]).toEqual([1, 4]);
  });

  it('handles an empty stream', () => {
    const s = summary([]);
    expect(s.total).toBe(0);
    expect(s.first).toBeUndefined();
  });
});
