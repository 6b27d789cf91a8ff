import { describe, expect, it } from 'vitest';
import { parseTime } from '@intersoc/core';
import { eventTime } from './time.js';

describe('eventTime', () => {
  it.each([
    '2020-06-10T02:50:56.537Z',
    '2020-06-10T02:50:56.537123Z',
    '2020-06-10T02:50:56Z',
    '2020-06-10 02:50:54.631',
    '2020-06-10T02:50:56',
    '2017-05-18T14:54:39.041553+0000',
    '2021-03-04T10:11:12.5-05:30',
    '2020-06-09 22:50:54',
    '1700000000',
    'Jun 14 2024',
    'not a time',
    '2020-13-10T02:50:56Z',
  ])('agrees with core parseTime on %s', (s) => {
    expect(eventTime(s)).toBe(parseTime(s));
  });

  it('reads numbers and rejects other types', () => {
    expect(eventTime(1700000000.5)).toBe(1700000000500);
    expect(eventTime(null)).toBeUndefined();
  });
});
