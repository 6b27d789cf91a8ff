import { describe, expect, it } from 'vitest';
import { dayLabel, dayOf, parseTime } from './time.js';

describe('parseTime', () => {
  it('reads ISO-8601 with and without a zone (no zone is UTC)', () => {
    expect(parseTime('2020-09-14T00:44:20.000Z')).toBe(Date.UTC(2020, 8, 14, 0, 44, 20));
    expect(parseTime('2020-09-14T00:44:20')).toBe(Date.UTC(2020, 8, 14, 0, 44, 20));
    expect(parseTime('2020-09-14 00:44:20.123456')).toBe(Date.UTC(2020, 8, 14, 0, 44, 20, 123));
    expect(parseTime('2020-09-14T02:44:20+02:00')).toBe(Date.UTC(2020, 8, 14, 0, 44, 20));
  });
  it('reads epoch seconds and milliseconds', () => {
    expect(parseTime(1600044260)).toBe(1600044260000);
    expect(parseTime('1600044260.5')).toBe(1600044260500);
    expect(parseTime(1600044260123)).toBe(1600044260123);
  });
  it('rejects junk', () => {
    for (const v of ['', 'yesterday', '2020-13-45T99:99:99Z', -1, Number.NaN, {}, null]) {
      expect(parseTime(v)).toBeUndefined();
    }
  });
  it('partitions by UTC day', () => {
    const t = Date.UTC(2021, 0, 2, 23, 59, 59);
    expect(dayLabel(dayOf(t))).toBe('2021-01-02');
  });
});
