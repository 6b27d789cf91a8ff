/**
 * The incident store suite (internal/testing.ts) on SQLite, each test on a fresh in-memory
 * database; the same suite runs on PostgreSQL in pg-incidents.test.ts. Below it, what only
 * SQLite has: its query plans, and the asset store.
 */
import { describe, expect, it } from 'vitest';
import { systemContext, type AuthContext } from '@intersoc/core';
import { openDatabase } from '@intersoc/storage';
import { SqliteAssetStore } from '../assets/sqlite-assets.js';
import { IncidentBuilder } from '../incidents/builder.js';
import { makeAlert, MIN } from '../internal/fixtures.js';
import { incidentStoreSuite } from '../internal/testing.js';
import { SqliteIncidentStore } from './sqlite-incidents.js';

const T0 = Date.UTC(2025, 2, 4, 9);
const admin = systemContext('t1');
const other: AuthContext = { tenant: 't2', user: 'o', roles: ['admin'], via: 'token' };

incidentStoreSuite('SQLite', async () => {
  const db = openDatabase(':memory:');
  return {
    store: new SqliteIncidentStore(db),
    async insertAlertRow(tenant, alertId, incident, time, doc) {
      db.prepare('INSERT INTO incident_alerts (tenant, alert_id, incident, time, doc) VALUES (?, ?, ?, ?, ?)').run(
        tenant,
        alertId,
        incident,
        time,
        doc,
      );
    },
    async close() {
      db.close();
    },
  };
});

describe('SqliteIncidentStore', () => {
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
