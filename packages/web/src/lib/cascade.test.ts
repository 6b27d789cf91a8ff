import { describe, expect, it } from 'vitest';
import { hoursText, moments, statesAt } from './cascade';

describe('cascade view helpers', () => {
  const timeline = [
    { id: 'substation', at: 0 },
    { id: 'telecom', at: 4.5 },
    { id: 'bank', at: 4.75 },
    { id: 'shop', at: 4.75 },
  ];

  it('splits the timeline into failed and pending at a moment', () => {
    expect([...statesAt(timeline, 4.5)]).toEqual([
      ['substation', 'failed'],
      ['telecom', 'failed'],
      ['bank', 'pending'],
      ['shop', 'pending'],
    ]);
    expect(statesAt(timeline, 0).get('telecom')).toBe('pending');
  });

  it('stops at each distinct failure time', () => {
    expect(moments(timeline)).toEqual([0, 4.5, 4.75]);
  });

  it('says hours in words', () => {
    expect(hoursText(0)).toBe('at once');
    expect(hoursText(0.75)).toBe('+45 min');
    expect(hoursText(4.5)).toBe('+4.5 h');
    expect(hoursText(51)).toBe('+2 d 3 h');
  });
});
