import { describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { openSqliteCtiStore } from '@intersoc/cti';
import { openDatabase } from '@intersoc/storage';
import { alert, ROLES_T1, T0, world } from '../internal/fixtures.js';
import { CtiObservableEnricher } from './enricher.js';

const indicator = (id: string, pattern: string, name: string) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--${id}`,
  created: '2025-01-01T00:00:00.000Z',
  modified: '2025-01-01T00:00:00.000Z',
  name,
  pattern,
  pattern_type: 'stix',
  valid_from: '2025-01-01T00:00:00Z',
});

describe('CtiObservableEnricher', () => {
  it('finds indicators by address, network, domain and parent domain, per tenant', () => {
    const cti = openSqliteCtiStore(openDatabase(':memory:'));
    const ctx = systemContext('t1');
    const put = cti.put(
      ctx,
      [
        indicator('11111111-1111-4111-8111-111111111111', "[ipv4-addr:value = '198.51.100.4']", 'C2 server'),
        indicator('22222222-2222-4222-8222-222222222222', "[ipv4-addr:value = '203.0.113.0/24']", 'Bad net'),
        indicator('33333333-3333-4333-8333-333333333333', "[domain-name:value = 'evil.example']", 'Evil domain'),
      ],
      { source: 'local' },
    );
    expect(put.every((p) => p.status === 'added')).toBe(true);
    const e = new CtiObservableEnricher(cti);
    expect(e.enrich(ctx, 'ip', '198.51.100.4').matches.map((m) => m.name)).toEqual(['C2 server']);
    expect(e.enrich(ctx, 'ip', '203.0.113.77').matches.map((m) => m.name)).toEqual(['Bad net']);
    expect(e.enrich(ctx, 'domain', 'EVIL.example').matches.map((m) => m.name)).toEqual(['Evil domain']);
    expect(e.enrich(ctx, 'ip', '192.0.2.1').matches).toEqual([]);
    expect(e.enrich(ctx, 'host', 'wks-1').matches).toEqual([]);
    expect(e.enrich(systemContext('t2'), 'ip', '198.51.100.4').matches).toEqual([]);
  });

  it('marks case observables that intelligence knows as indicators of compromise', () => {
    const cti = openSqliteCtiStore(openDatabase(':memory:'));
    cti.put(
      systemContext('t1'),
      [indicator('11111111-1111-4111-8111-111111111111', "[domain-name:value = 'evil.example']", 'Evil')],
      { source: 'local' },
    );
    const w = world({ enricher: new CtiObservableEnricher(cti) });
    const [inc] = w.ingest([alert({ time: T0, entities: ['host=A', 'user=u', 'domain=evil.example'] })]);
    const c = w.cases.create(ROLES_T1.analyst, { incidents: [inc ?? ''], template: 'none' });
    const domain = w.cases.observables(ROLES_T1.viewer, c.id).find((o) => o.kind === 'domain');
    expect(domain?.enrichment?.matches[0]?.name).toBe('Evil');
    const added = w.cases.addObservable(ROLES_T1.analyst, c.id, { kind: 'url', value: 'http://x.example/a' });
    expect(added.ioc).toBe(false);
    expect(() => w.cases.addObservable(ROLES_T1.analyst, c.id, { kind: 'url', value: 'http://x.example/a' })).toThrow(
      /already/,
    );
  });
});
