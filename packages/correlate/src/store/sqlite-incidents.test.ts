import { describe, expect, it } from 'vitest';
import { systemContext, type AuthContext } from '@intersoc/core';
import { openDatabase } from '@intersoc/storage';
import { SqliteAssetStore } from '../assets/sqlite-assets.js';
import { IncidentBuilder } from '../incidents/builder.js';
import { makeAlert, MIN } from '../internal/fixtures.js';
import { compactAlert, SqliteIncidentStore } from './sqlite-incidents.js';

const T0 = Date.UTC(2025, 2, 4, 9);
const admin = systemContext('t1');
const viewer: AuthContext = { tenant: 't1', user: 'v', roles: ['viewer'], via: 'token' };
const other: AuthContext = { tenant: 't2', user: 'o', roles: ['admin'], via: 'token' };

function fixture(): { store: SqliteIncidentStore; ids: string[] } {
  const store = new SqliteIncidentStore(openDatabase(':memory:'));
  const b = new IncidentBuilder();
  b.add(makeAlert({ time: T0, severity: 'high', entities: ['host=A', 'user=u1'], rule: 'x' }));
  b.add(makeAlert({ time: T0 + MIN, entities: ['host=B', 'user=u2', 'ip/destination=198.51.100.9'] }));
  store.apply(admin, b.drain());
  // A third alert links both: they merge.
  b.add(makeAlert({ time: T0 + 2 * MIN, entities: ['host=A', 'user=u1', 'ip/destination=198.51.100.9'] }));
  store.apply(admin, b.drain());
  return { store, ids: store.list(admin, { statuses: ['open', 'merged'] }).items.map((i) => i.id) };
}

describe('SqliteIncidentStore', () => {
  it('keeps what the builder produced, with merges moving the alerts', () => {
    const { store } = fixture();
    const open = store.list(admin).items;
    expect(open).toHaveLength(1);
    const inc = open[0];
    expect(inc?.alertCount).toBe(3);
    expect(store.alerts(admin, inc?.id ?? '')).toHaveLength(3);
    const merged = store.list(admin, { statuses: ['merged'] }).items;
    expect(merged).toHaveLength(1);
    expect(merged[0]?.mergedInto).toBe(inc?.id);
    expect(store.counts(admin).total).toBe(1);
  });

  it('finds the rows a merge moves by index, not by reading every row of the tenant', () => {
    // A merge runs once per linking alert; reading the tenant's whole incident, alert or
    // observable table each time made the incident stage quadratic in the size of the store.
    const db = openDatabase(':memory:');
    const store = new SqliteIncidentStore(db);
    const statements: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      statements.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    const b = new IncidentBuilder();
    b.add(makeAlert({ time: T0, entities: ['host=A', 'user=u1', 'ip/destination=198.51.100.1'] }));
    b.add(makeAlert({ time: T0 + MIN, entities: ['host=B', 'user=u2', 'ip/destination=198.51.100.9'] }));
    store.apply(admin, b.drain());
    b.add(makeAlert({ time: T0 + 2 * MIN, entities: ['host=A', 'user=u1', 'ip/destination=198.51.100.9'] }));
    const changes = b.drain();
    expect(changes.merged).toHaveLength(1);
    store.apply(admin, changes);
    db.prepare = prepare;
    const writes = statements.filter((s) => /^\s*(UPDATE|DELETE)/i.test(s));
    expect(writes.length).toBeGreaterThan(0);
    for (const sql of writes) {
      const params = new Array<null>(sql.split('?').length - 1).fill(null);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
        (r) => r.detail,
      );
      for (const step of plan) {
        expect(step, sql).not.toMatch(/^SCAN (?!CONSTANT ROW)/);
        expect(step, sql).not.toMatch(/\(tenant=\?\)$/);
      }
    }
  });

  it('keeps the event ids of each alert, and reads copies stored without them', () => {
    const db = openDatabase(':memory:');
    const store = new SqliteIncidentStore(db);
    const b = new IncidentBuilder();
    const alert = { ...makeAlert({ time: T0, entities: ['host=A', 'user=u1'] }), eventIds: ['e1', 'e2'] };
    b.add(alert);
    store.apply(admin, b.drain());
    const id = store.incidentOfAlert(admin, alert.id) ?? '';
    expect(store.alerts(admin, id).map((a) => a.eventIds)).toEqual([['e1', 'e2']]);
    // A copy written before event ids were kept.
    const { eventIds: _dropped, ...old } = compactAlert({ ...alert, id: 'old-alert' });
    db.prepare('INSERT INTO incident_alerts (tenant, alert_id, incident, time, doc) VALUES (?, ?, ?, ?, ?)').run(
      't1',
      'old-alert',
      id,
      T0 + 1,
      JSON.stringify(old),
    );
    expect(store.alerts(admin, id).map((a) => a.eventIds)).toEqual([['e1', 'e2'], []]);
  });

  it('filters by text and severity, pages with a cursor', () => {
    const { store } = fixture();
    expect(store.list(admin, { q: '198.51.100.9' }).items).toHaveLength(1);
    expect(store.list(admin, { q: 'nothing-like-this' }).items).toHaveLength(0);
    expect(store.list(admin, { minSeverity: 'critical' }).items).toHaveLength(0);
    const p1 = store.list(admin, { statuses: ['open', 'merged'], limit: 1 });
    expect(p1.items).toHaveLength(1);
    const p2 = store.list(admin, {
      statuses: ['open', 'merged'],
      limit: 1,
      ...(p1.nextCursor ? { cursor: p1.nextCursor } : {}),
    });
    expect(p2.items).toHaveLength(1);
    expect(p2.items[0]?.id).not.toBe(p1.items[0]?.id);
  });

  it('keeps analyst status when the builder updates an incident', () => {
    const { store } = fixture();
    const id = store.list(admin).items[0]?.id ?? '';
    expect(store.setStatus(admin, [id], 'case', 'case-1')).toBe(1);
    const b = new IncidentBuilder();
    b.seed('t1', id, T0, []);
    b.add(makeAlert({ time: T0 + 3 * MIN, entities: ['host=A', 'user=u1'] }));
    store.apply(admin, b.drain());
    expect(store.get(admin, id)).toMatchObject({ status: 'case', caseId: 'case-1' });
  });

  it('tells the incident of each alert, and closes an incident with a reason until it is reopened', () => {
    const { store } = fixture();
    const inc = store.list(admin).items[0];
    const alertIds = store.alerts(admin, inc?.id ?? '').map((a) => a.id);
    const refs = store.incidentsOfAlerts(admin, [...alertIds, 'no-such-alert']);
    expect(refs.size).toBe(3);
    expect(refs.get(alertIds[0] ?? '')).toEqual({ id: inc?.id, title: inc?.title, status: 'open' });
    expect(store.incidentsOfAlerts(other, alertIds).size).toBe(0);
    expect(store.closeWithReason(admin, inc?.id ?? '', 'False positive')).toBe(true);
    expect(store.get(admin, inc?.id ?? '')).toMatchObject({ status: 'closed', closedReason: 'False positive' });
    expect(store.closeWithReason(admin, inc?.id ?? '', 'again')).toBe(false);
    expect(() => store.closeWithReason(viewer, inc?.id ?? '', 'x')).toThrow();
    store.setStatus(admin, [inc?.id ?? ''], 'open');
    expect(store.get(admin, inc?.id ?? '')?.closedReason).toBeUndefined();
    store.setStatus(admin, [inc?.id ?? ''], 'case', 'case-9');
    expect(store.closeWithReason(admin, inc?.id ?? '', 'False positive')).toBe(false);
    expect(store.incidentsOfAlerts(admin, alertIds).get(alertIds[0] ?? '')?.caseId).toBe('case-9');
  });

  it('links a peer SOC’s sighting to the incidents that hold the observable', () => {
    const { store } = fixture();
    const ids = store.linkObservable(admin, {
      peer: 'soc-b',
      kind: 'sighting',
      ref: 'sighting--1',
      observable: '198.51.100.9',
      time: T0,
    });
    expect(ids).toHaveLength(1);
    expect(store.get(admin, ids[0] ?? '')?.links[0]?.peer).toBe('soc-b');
  });

  it('enforces roles and tenants', () => {
    const { store } = fixture();
    const id = store.list(admin).items[0]?.id ?? '';
    expect(store.get(viewer, id)?.id).toBe(id);
    expect(() => store.setStatus(viewer, [id], 'closed')).toThrow(/requires role/);
    expect(store.get(other, id)).toBeUndefined();
    expect(store.list(other).items).toHaveLength(0);
    expect(store.setStatus(other, [id], 'closed')).toBe(0);
    expect(() => store.get({ tenant: 't1', user: 'p', roles: ['partner'], via: 'token' }, id)).toThrow(/requires role/);
  });
});

describe('SqliteAssetStore', () => {
  it('stores assets per tenant, admins only, and indexes aliases and addresses', () => {
    const assets = new SqliteAssetStore(openDatabase(':memory:'));
    assets.upsert(admin, [
      {
        kind: 'host',
        name: 'DC-01.corp.example.com',
        ips: ['10.0.0.10'],
        criticality: 'critical',
        role: 'domain-controller',
      },
      { kind: 'user', name: 'CORP\\adm-x', criticality: 'high' },
    ]);
    expect(assets.get(admin, 'host', 'dc-01')?.aliases).toEqual(['DC-01.corp.example.com']);
    const idx = assets.lookup(admin);
    expect(idx.hostOf('DC-01.corp.example.com')).toBe('dc-01');
    expect(idx.hostOfIp('10.0.0.10')).toBe('dc-01');
    expect(idx.criticalityOf('user', 'adm-x')).toBe('high');
    expect(() =>
      assets.upsert({ ...admin, roles: ['analyst'] }, [{ kind: 'host', name: 'x', criticality: 'low' }]),
    ).toThrow(/requires role/);
    expect(assets.list(other)).toHaveLength(0);
    expect(assets.remove(admin, 'host', 'DC-01')).toBe(true);
    expect(assets.lookup(admin).hostOfIp('10.0.0.10')).toBeUndefined();
  });
});
