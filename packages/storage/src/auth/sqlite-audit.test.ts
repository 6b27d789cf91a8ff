import { describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { openDatabase } from '../sqlite/database.js';
import type { SqliteDb } from '../sqlite/database.js';
import { AUDIT_GENESIS_HASH } from './sqlite-audit.js';
import { openSqliteAuthStores } from './sqlite-auth-stores.js';

const acme = systemContext('acme');

async function seeded(n: number) {
  const db = openDatabase(':memory:');
  const { audit } = openSqliteAuthStores(db);
  for (let i = 1; i <= n; i++) {
    await audit.append({
      tenant: i % 3 === 0 ? 'other' : 'acme',
      actor: `user${i}`,
      actorTenant: 'acme',
      action: 'user.create',
      target: `target${i}`,
      outcome: 'success',
      status: 201,
      requestId: `req-${i}`,
      details: { n: i, nested: { b: [1, 'x'], a: null } },
    });
  }
  return { db, audit };
}

/** What an attacker with write access to the file would do: bypass the append-only triggers. */
function tamper(db: SqliteDb, sql: string): void {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  db.exec(sql);
}

describe('audit log', () => {
  it('chains entries per tenant and verifies an untouched chain', async () => {
    const { audit } = await seeded(9);
    const page = await audit.list(acme, { limit: 4 });
    expect(page.items.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    expect(page.items.every((e) => e.tenant === 'acme')).toBe(true);
    const older = await audit.list(acme, {
      limit: 4,
      ...(page.nextBefore === undefined ? {} : { before: page.nextBefore }),
    });
    expect(older.items.map((e) => e.seq)).toEqual([2, 1]);
    expect(older.items[1]?.prevHash).toBe(AUDIT_GENESIS_HASH);
    expect(older.items[0]?.prevHash).toBe(older.items[1]?.hash);
    const v = await audit.verify(acme);
    expect(v).toMatchObject({ tenant: 'acme', ok: true, entries: 6, head: page.items[0]?.hash });
    expect((await audit.verify(systemContext('other'))).entries).toBe(3);
  });

  it('is append-only through SQL as well', async () => {
    const { db } = await seeded(2);
    expect(() => db.exec("UPDATE audit_log SET actor = 'x'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM audit_log')).toThrow(/append-only/);
  });

  it('detects an edited field', async () => {
    const { db, audit } = await seeded(9);
    tamper(db, "UPDATE audit_log SET outcome = 'failure' WHERE tenant = 'acme' AND seq = 3");
    expect(await audit.verify(acme)).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringMatching(/hash/) });
  });

  it('detects edited details even when the attacker rewrites the hash of that entry', async () => {
    const { db, audit } = await seeded(9);
    tamper(
      db,
      `UPDATE audit_log SET details = '{"n":99}', hash = '${'a'.repeat(64)}' WHERE tenant = 'acme' AND seq = 2`,
    );
    const v = await audit.verify(acme);
    expect(v.ok).toBe(false);
    expect(v.brokenAt).toBe(2);
  });

  it('detects a removed entry and a reordered chain', async () => {
    const { db, audit } = await seeded(9);
    tamper(db, "DELETE FROM audit_log WHERE tenant = 'acme' AND seq = 4");
    expect(await audit.verify(acme)).toMatchObject({ ok: false, brokenAt: 4, reason: 'entry 4 is missing' });

    const second = await seeded(9);
    tamper(
      second.db,
      "UPDATE audit_log SET seq = -seq WHERE tenant = 'acme' AND seq IN (1, 2); " +
        "UPDATE audit_log SET seq = 1 WHERE tenant = 'acme' AND seq = -2; " +
        "UPDATE audit_log SET seq = 2 WHERE tenant = 'acme' AND seq = -1;",
    );
    expect(await second.audit.verify(acme)).toMatchObject({ ok: false, brokenAt: 1 });
  });

  it('never stores secret-looking detail keys', async () => {
    const { audit } = await seeded(0);
    const entry = await audit.append({
      tenant: 'acme',
      actor: 'alice',
      actorTenant: 'acme',
      action: 'user.update',
      outcome: 'success',
      details: { password: 'hunter2hunter2', nested: { Authorization: 'Bearer ist_x' }, role: 'viewer' },
    });
    expect(JSON.stringify(entry)).not.toMatch(/hunter2|ist_x/);
    expect(entry.details).toEqual({ password: '[redacted]', nested: { Authorization: '[redacted]' }, role: 'viewer' });
    expect((await audit.verify(acme)).ok).toBe(true);
  });
});
