/**
 * Erasure forgets the pseudonyms shown for the subject's values and lifts the restrictions naming
 * it, through the privacy store: the node database's own (`SqlitePrivacyStore`, the default) and a
 * PostgreSQL one given as `privacy` (a scratch database; skipped, and said so, only when
 * PostgreSQL is unreachable). The same reads feed the known personal values (`knownValuesOf`).
 */
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '@intersoc/core';
import { openDatabase, type SqliteDb } from '@intersoc/storage';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { Inventory } from '../inventory/inventory.js';
import { parseSubject } from '../subject/subject.js';
import { knownValuesOf } from '../view/known-values.js';
import { PgPrivacyStore } from '../view/pg-store.js';
import type { PrivacyStore } from '../view/privacy-store.js';
import { SqlitePrivacyStore } from '../view/store.js';
import { eraseSubject } from './erase.js';

const probe = await createScratchDb('intersoc_privacy_erase');
if ('unavailable' in probe) console.warn(`postgres erasure tests skipped: ${probe.unavailable}`);
else await probe.drop();

/** A node database with the tables erasure updates (empty: only the privacy state is at stake here). */
function nodeDb(): SqliteDb {
  const db = openDatabase(':memory:');
  db.exec(`
    CREATE TABLE incidents (tenant TEXT, id TEXT, doc TEXT, search TEXT, case_id TEXT);
    CREATE TABLE incident_alerts (tenant TEXT, alert_id TEXT, incident TEXT, doc TEXT);
    CREATE TABLE incident_observables (tenant TEXT, value TEXT, incident TEXT);
    CREATE TABLE cases (tenant TEXT, id TEXT, number INTEGER, status TEXT, significant INTEGER, doc TEXT, search TEXT);
    CREATE TABLE assets (tenant TEXT, kind TEXT, name TEXT, doc TEXT);
    CREATE TABLE cti_objects (seq INTEGER, tenant TEXT, json TEXT);`);
  return db;
}

function seed(store: PrivacyStore): void {
  for (const tenant of ['acme', 'globex'])
    store.remember(tenant, [
      { pseudonym: 'user-00000001', kind: 'user', value: 'jdoe' },
      { pseudonym: 'user-00000002', kind: 'user', value: 'asmith' },
    ]);
  store.restrict({ tenant: 'acme', subject: 'user:jdoe', reason: 'Art. 18', createdBy: 'ada' });
  store.restrict({ tenant: 'acme', subject: 'user:asmith', reason: 'Art. 18', createdBy: 'ada' });
}

function expectErased(store: PrivacyStore): void {
  expect(store.shown('acme').map((p) => p.value)).toEqual(['asmith']);
  expect(store.restrictions('acme').map((r) => r.subject)).toEqual(['user:asmith']);
  // Only the tenants erased from.
  expect(store.shown('globex').map((p) => p.value)).toEqual(['jdoe', 'asmith']);
  const known = knownValuesOf([], store, Inventory.of(ConfigSchema.parse({}), 'acme'), 'acme');
  expect(known.known.map((k) => k.value)).toEqual(['asmith']);
  expect(known.restricted).toEqual(['asmith']);
}

describe('erasure through the privacy store', () => {
  it('SQLite: the node database’s own store', async () => {
    const db = nodeDb();
    const store = new SqlitePrivacyStore(db);
    seed(store);
    await eraseSubject({ nodeDb: db, tenants: ['acme'] }, parseSubject('user:jdoe'));
    expectErased(store);
    db.close();
  });

  it('SQLite: a node database without privacy tables erases without creating them', async () => {
    const db = nodeDb();
    await eraseSubject({ nodeDb: db, tenants: ['acme'] }, parseSubject('user:jdoe'));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'privacy_pseudonyms'").get()).toBeUndefined();
    db.close();
  });

  it.skipIf(!('url' in probe))('PostgreSQL: a PgPrivacyStore given as `privacy`', async () => {
    const scratch = await createScratchDb('intersoc_privacy_erase');
    if (!('url' in scratch)) throw new Error(scratch.unavailable);
    await migratePg(scratch.url);
    const pg = openSyncPg(scratch.url);
    const db = nodeDb();
    try {
      const store = new PgPrivacyStore(pg);
      seed(store);
      await eraseSubject({ nodeDb: db, tenants: ['acme'], privacy: store }, parseSubject('user:jdoe'));
      expectErased(store);
    } finally {
      db.close();
      await pg.close();
      await scratch.drop();
    }
  });
});
