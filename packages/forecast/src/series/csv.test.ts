import { describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import { formatTime, parseSeriesCsv, seasonsFor } from './csv.js';

const csv = (rows: string[]): string => ['timestamp,value', ...rows].join('\n');

describe('parseSeriesCsv', () => {
  it('reads an hourly series and prints times back in its style', () => {
    const s = parseSeriesCsv(csv(['2024-01-01 00:00:00,1', '2024-01-01 01:00:00,2', '2024-01-01 02:00:00,3']));
    expect(s.step).toBe(3_600_000);
    expect([...s.values]).toEqual([1, 2, 3]);
    expect(formatTime(s.start + 3 * s.step, s.style)).toBe('2024-01-01 03:00:00');
    expect(seasonsFor(s.step, 1000)).toEqual([24, 168]);
    expect(seasonsFor(s.step, 1000, 24)).toEqual([24, 168]);
    expect(seasonsFor(86_400_000, 100)).toEqual([7]);
  });

  it('fills a few missing steps by interpolation', () => {
    const s = parseSeriesCsv(
      csv([
        '2024-01-01T00:00:00Z,0',
        '2024-01-01T01:00:00Z,1',
        '2024-01-01T03:00:00Z,3',
        '2024-01-01T04:00:00Z,4',
        '2024-01-01T05:00:00Z,5',
      ]),
    );
    expect([...s.values]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(s.filled).toBe(1);
    expect(formatTime(s.start, s.style)).toBe('2024-01-01T00:00:00.000Z');
  });

  it('takes very irregular rows in order and says so', () => {
    const rows = [0, 5, 10, 200, 205, 400, 405].map(
      (m, i) => `${new Date(Date.UTC(2024, 0, 1, 0, m)).toISOString()},${i}`,
    );
    const s = parseSeriesCsv(csv(rows));
    expect([...s.values]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(s.irregular).toMatch(/in order/);
  });

  it('refuses bad input with a validation error naming the line', () => {
    const cases: [string, RegExp][] = [
      ['a,b\n1,2', /header/],
      [csv(['2024-01-01 00:00:00,1', 'nonsense,2', '2024-01-01 02:00:00,3']), /line 3: bad timestamp/],
      [csv(['2024-01-01 00:00:00,1', '2024-01-01 01:00:00,x', '2024-01-01 02:00:00,3']), /line 3: bad value/],
      [csv(['2024-01-01 00:00:00,1']), /at least 3/],
      [csv(['2024-01-01 00:00:00,1', '2024-01-01 00:00:00,1', '2024-01-01 00:00:00,1']), /do not advance/],
    ];
    for (const [text, msg] of cases) {
      try {
        parseSeriesCsv(text);
        expect.fail(`accepted ${text}`);
      } catch (err) {
        expect(isAppError(err) && err.code === 'VALIDATION').toBe(true);
        expect((err as Error).message).toMatch(msg);
      }
    }
  });
});
