import { describe, expect, it } from 'vitest';
import type { RoleInstance } from '../api/types';
import { roleRows } from './role-instances';

const base: RoleInstance = {
  instance: 'b-1-aa',
  roles: ['detect'],
  host: 'b',
  pid: 1,
  started: 1,
  lastSeen: 2,
  lag: { detect: 40, 'correlate-1': 2 },
  inFlight: { detect: 2, 'correlate-1': 0 },
  stale: false,
};

describe('role instance rows', () => {
  it('sums the lag over groups and spells each group out', () => {
    const [r] = roleRows([base]);
    expect(r?.lag).toBe(42);
    expect(r?.groups).toBe('correlate-1 2, detect 40 (+2 in flight)');
    expect(r?.where).toBe('b · pid 1');
    expect(r?.status).toBe('ok');
  });
  it('says store down, and stale before anything else', () => {
    expect(roleRows([{ ...base, storeUp: false }])[0]?.status).toBe('store down');
    expect(roleRows([{ ...base, storeUp: false, stale: true }])[0]?.status).toBe('stale');
    expect(roleRows([{ ...base, lag: {}, inFlight: {} }])[0]?.groups).toBe('no consumer info');
  });
});
