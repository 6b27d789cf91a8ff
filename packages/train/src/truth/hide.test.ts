import { describe, expect, it } from 'vitest';
import type { AuthContext } from '@intersoc/core';
import { hidesTruth, hideTruth, queriesTruth } from './hide.js';

const event = (id: string, label?: string) => ({
  id,
  time: 1,
  ingested: 1,
  tenant: 'train-1',
  source: { format: 'json', kind: 'replay', name: 'x' },
  raw: '{}',
  fields: {},
  ecs: {},
  ...(label === undefined ? {} : { label }),
});

describe('hideTruth', () => {
  it('drops the label of events at any depth and the _label field of catalogues', () => {
    const page = { items: [event('a', 'T1059.001'), event('b', 'benign'), event('c')], next: 'x' };
    const shown = hideTruth(page);
    expect(JSON.stringify(shown)).not.toMatch(/label|T1059|benign/);
    expect(shown.items.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    // The input is not modified.
    expect(page.items[0]).toHaveProperty('label', 'T1059.001');
    const alert = { id: 'al', state: { status: 'new' }, events: [event('a', 'T1033')], missingEvents: 0 };
    expect(JSON.stringify(hideTruth(alert))).not.toMatch(/T1033/);
    const fields = {
      fields: [
        { name: 'host.name', kind: 'ecs', count: 2, values: ['h'] },
        { name: '_label', kind: 'meta', count: 2, values: ['T1059.001', 'benign'] },
      ],
    };
    expect(hideTruth(fields).fields.map((f) => f.name)).toEqual(['host.name']);
  });

  it('leaves labels that are not an event ground truth, and returns answers without truth unchanged', () => {
    const chart = { buckets: [{ key: 'r1', label: 'Encoded PowerShell', count: 3 }] };
    expect(hideTruth(chart)).toBe(chart);
    const page = { items: [event('a')] };
    expect(hideTruth(page)).toBe(page);
  });
});

describe('who sees it, and queries on it', () => {
  const training = (t: string) => t.startsWith('train-');
  const ctx = (tenant: string, ...roles: AuthContext['roles'][number][]): AuthContext => ({
    tenant,
    user: 'u',
    roles,
    via: 'token',
  });
  it('hides it from non-instructors of training tenants only', () => {
    expect(hidesTruth(ctx('train-1', 'analyst'), training)).toBe(true);
    expect(hidesTruth(ctx('train-1', 'viewer'), training)).toBe(true);
    expect(hidesTruth(ctx('train-1', 'admin'), training)).toBe(false);
    expect(hidesTruth(ctx('train-1', 'instructor'), training)).toBe(false);
    expect(hidesTruth(ctx('acme', 'analyst'), training)).toBe(false);
  });
  it('tells a query that names _label', () => {
    for (const q of ['_label:T1059', 'a AND _label:benign', '(_LABEL:x)', 'NOT _label:*'])
      expect(queriesTruth(q)).toBe(true);
    for (const q of ['label:x', 'powershell', 'my_label:x', 'x._label:y']) expect(queriesTruth(q)).toBe(false);
  });
});
