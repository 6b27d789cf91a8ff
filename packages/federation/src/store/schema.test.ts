import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '@intersoc/storage';
import { migrateFederation, MIGRATIONS } from './schema.js';

describe('federation schema', () => {
  it('keeps reports, ledger and chains when their tables are rebuilt without rowids', () => {
    const db = openDatabase(':memory:');
    const before = MIGRATIONS.length - 1;
    migrate(db, 'federation', MIGRATIONS.slice(0, before));
    db.prepare(
      `INSERT INTO fed_reports (tenant, object_id, version, origin, sender, confidence, hops, value_key, received)
       VALUES ('default', 'indicator--1', 'v1', 'o', 's', 80, 1, 'ip:198.51.100.1', 5)`,
    ).run();
    db.prepare("INSERT INTO fed_ledger (tenant, id, version, run) VALUES ('default', 'indicator--1', 'v1', 'r')").run();
    db.prepare(
      "INSERT INTO fed_chains (tenant, id, version, chain) VALUES ('default', 'indicator--1', 'v1', '{}')",
    ).run();
    migrateFederation(db);
    expect(db.prepare('SELECT value_key, confidence FROM fed_reports').all()).toEqual([
      { value_key: 'ip:198.51.100.1', confidence: 80 },
    ]);
    expect(db.prepare('SELECT run FROM fed_ledger').all()).toEqual([{ run: 'r' }]);
    expect(db.prepare('SELECT chain FROM fed_chains').all()).toEqual([{ chain: '{}' }]);
    const withoutRowid = (t: string) =>
      /WITHOUT ROWID/i.test((db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').get(t) as { sql: string }).sql);
    expect(['fed_reports', 'fed_ledger', 'fed_chains'].every(withoutRowid)).toBe(true);
    // The fusion lookup keeps its index.
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'fed_reports_key'").get()).toBeDefined();
    db.close();
  });
});
