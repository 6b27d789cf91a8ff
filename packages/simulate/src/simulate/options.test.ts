import { describe, expect, it } from 'vitest';
import { parseSimulateOptions } from './options.js';

describe('parseSimulateOptions', () => {
  it('accepts minimal and full option sets', () => {
    expect(parseSimulateOptions({ seed: 1, hours: 24 })).toEqual({ ok: true, value: { seed: 1, hours: 24 } });
    const full = { seed: 7, hours: 0.5, start: 1_700_000_000_000, hosts: 10, users: 30, intensity: 2.5 };
    expect(parseSimulateOptions(full)).toEqual({ ok: true, value: full });
  });

  it('rejects bad values and unknown keys with a reason naming the field', () => {
    const cases: readonly [unknown, string][] = [
      [{ seed: 1 }, 'hours'],
      [{ seed: 'x', hours: 1 }, 'seed'],
      [{ seed: 1, hours: -2 }, 'hours'],
      [{ seed: 1, hours: 1, hosts: 3 }, 'hosts'],
      [{ seed: 1, hours: 1, users: 1 }, 'users'],
      [{ seed: 1, hours: 1, intensity: 0 }, 'intensity'],
      [{ seed: 1, hours: 1, colour: 'red' }, 'colour'],
      [{ seed: 1, hours: 1, start: -5 }, 'start'],
      [null, 'options'],
    ];
    for (const [input, field] of cases) {
      const r = parseSimulateOptions(input);
      expect(r.ok, JSON.stringify(input)).toBe(false);
      if (!r.ok) expect(r.reason).toContain(field);
    }
  });
});
