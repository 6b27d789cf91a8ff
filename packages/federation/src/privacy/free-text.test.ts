import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIVACY_POLICY, Minimiser } from './minimise.js';
import { Pseudonymiser } from './pseudonymise.js';

const now = '2026-01-01T00:00:00.000Z';
const report = (description: string): Record<string, unknown> => ({
  type: 'report',
  spec_version: '2.1',
  id: 'report--6f1c1e4e-1d1a-4c59-9d8b-9b7e1d3c2a01',
  created: now,
  modified: now,
  published: now,
  name: 'Intrusion',
  report_types: ['threat-report'],
  object_refs: ['indicator--00000000-0000-4000-8000-000000000001'],
  description,
});

describe('free-text minimisation of reports', () => {
  const text =
    'mkowalski ran C:\\Users\\mkowalski\\AppData\\x.exe and /home/jdoe/.ssh on LT-0042 (10.1.2.3); mail m.k@corp.eu';

  it('scrubs reports: inventory values, profile paths, e-mail and internal addresses', () => {
    const m = new Minimiser(DEFAULT_PRIVACY_POLICY, undefined, {
      known: [
        { kind: 'username', value: 'mkowalski' },
        { kind: 'hostname', value: 'LT-0042' },
      ],
    });
    const out = m.minimise([report(text)]);
    const d = String(out.objects[0]?.['description']);
    expect(d).not.toMatch(/mkowalski|jdoe|LT-0042|10\.1\.2\.3|m\.k@/i);
    expect(d).toContain('C:\\Users\\[user removed]\\AppData');
  });

  it('pseudonymises with a community key: the same value gets the same pseudonym', () => {
    const m = new Minimiser(DEFAULT_PRIVACY_POLICY, new Pseudonymiser(new Uint8Array(32).fill(7), 'eu'), {
      known: [{ kind: 'username', value: 'mkowalski' }],
    });
    const d = String(m.minimise([report(text)]).objects[0]?.['description']);
    const ps = d.match(/ps-[0-9a-f]{24}/g) ?? [];
    expect(ps.length).toBeGreaterThanOrEqual(2);
    expect(ps[0]).toBe(ps[1]);
    expect(d).not.toMatch(/mkowalski/i);
  });

  it('withholds an object naming a subject whose processing is restricted', () => {
    const m = new Minimiser(DEFAULT_PRIVACY_POLICY, undefined, { restricted: ['mkowalski'] });
    const out = m.minimise([report(text)]);
    expect(out.objects).toEqual([]);
    expect(out.withheld[0]?.reason).toMatch(/restricted/);
  });
});
