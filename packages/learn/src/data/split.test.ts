import { describe, expect, it } from 'vitest';
import { timeSplit } from './split.js';
import type { Table } from './table.js';

describe('timeSplit', () => {
  it('holds out the latest rows of every class, after all of that class’s training rows', () => {
    const rows: string[][] = [];
    for (let i = 0; i < 10; i++) rows.push([`2017-07-0${1 + (i % 3)} 10:0${9 - i}:00`, 'a', String(i)]);
    for (let i = 0; i < 4; i++) rows.push([`2017-07-05 1${i}:00:00`, 'b', String(i)]);
    rows.push(['2017-07-05 12:00:00', 'c', '0']);
    const t: Table = { format: 'csv', header: ['Timestamp', 'Label', 'v'], rows, hash: 'h' };
    const { train, test } = timeSplit(t, 'Label', 'Timestamp', 0.3);
    expect(train.rows.length + test.rows.length).toBe(15);
    for (const cls of ['a', 'b']) {
      const tr = train.rows.filter((r) => r[1] === cls).map((r) => Date.parse((r[0] as string).replace(' ', 'T')));
      const te = test.rows.filter((r) => r[1] === cls).map((r) => Date.parse((r[0] as string).replace(' ', 'T')));
      expect(te.length).toBe(cls === 'a' ? 3 : 1);
      expect(Math.min(...te)).toBeGreaterThanOrEqual(Math.max(...tr));
    }
    // A class of one row stays in training.
    expect(test.rows.some((r) => r[1] === 'c')).toBe(false);
    // Input order is kept on each side.
    const bIdx = train.rows.filter((r) => r[1] === 'b').map((r) => r[2]);
    expect(bIdx).toEqual(['0', '1', '2']);
  });
});
