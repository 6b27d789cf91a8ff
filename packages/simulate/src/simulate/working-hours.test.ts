import { describe, expect, it } from 'vitest';
import { lastWorkingHour } from './working-hours.js';

const at = (iso: string): number => Date.parse(iso);

describe('lastWorkingHour', () => {
  it('is today at 14:00 UTC on a weekday afternoon, yesterday before 14:00', () => {
    expect(lastWorkingHour(at('2026-12-08T19:30:00Z'))).toBe(at('2026-12-08T14:00:00Z')); // Tuesday
    expect(lastWorkingHour(at('2026-12-08T14:00:00Z'))).toBe(at('2026-12-08T14:00:00Z'));
    expect(lastWorkingHour(at('2026-12-08T03:00:00Z'))).toBe(at('2026-12-07T14:00:00Z'));
  });

  it('skips weekends back to Friday', () => {
    expect(lastWorkingHour(at('2026-12-13T12:00:00Z'))).toBe(at('2026-12-11T14:00:00Z')); // Sunday
    expect(lastWorkingHour(at('2026-12-14T09:00:00Z'))).toBe(at('2026-12-11T14:00:00Z')); // Monday morning
    expect(lastWorkingHour(at('2026-12-12T16:00:00Z'), 10)).toBe(at('2026-12-11T10:00:00Z'));
  });
});
