import { createHash, generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { openDatabase } from '../sqlite/database.js';
import type { SqliteDb } from '../sqlite/database.js';
import { checkpointPayload } from './audit-checkpoints.js';
import type { AuditKeyRing } from './audit-checkpoints.js';
import { AUDIT_GENESIS_HASH, auditEntryHash, SqliteAuditStore } from './sqlite-audit.js';
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

  it("writes a batch byte for byte as the same entries appended one by one, inside the caller's transaction", async () => {
    // Enough for the batch's multi-row INSERTs (32 rows each) and the single rows after them.
    const inputs = Array.from({ length: 75 }, (_, k) => k + 1).map((i) => ({
      tenant: i % 3 === 0 ? 'other' : 'acme',
      actor: `user${i}`,
      actorTenant: 'acme',
      action: 'respond.step.finished',
      ...(i % 2 === 0 ? { target: `run:${i}`, status: 200, requestId: `r${i}` } : {}),
      outcome: i === 4 ? ('failure' as const) : ('success' as const),
      time: 1_700_000_000_000 + i,
      ...(i === 5
        ? {}
        : { details: { z: i, a: [1, 'é', null, { token: 'x', y: true }], secret: 'hunter2', n: { b: -0.5 } } }),
    }));
    const fresh = () => {
      const db = openDatabase(':memory:');
      openSqliteAuthStores(db);
      return { db, audit: new SqliteAuditStore(db) };
    };
    const one = fresh();
    const batch = fresh();
    for (const i of inputs) one.audit.appendSync(i);
    // After a chain head (written one by one), in a caller's transaction (as the respond store
    // commits its transitions), then alone.
    batch.audit.appendSync(inputs[0] as (typeof inputs)[0]);
    batch.db.transaction(() => batch.audit.appendBatchSync(inputs.slice(1, 4))).immediate();
    batch.audit.appendBatchSync(inputs.slice(4));
    const rows = (db: SqliteDb) =>
      db.prepare("SELECT * FROM audit_log WHERE action = 'respond.step.finished' ORDER BY tenant, seq").all();
    expect(rows(batch.db)).toEqual(rows(one.db));
    expect(JSON.stringify(rows(batch.db))).not.toMatch(/hunter2/);
    for (const t of ['acme', 'other']) expect((await batch.audit.verify(systemContext(t))).ok).toBe(true);
    // Nothing of a failed caller's transaction stays.
    expect(() =>
      batch.db
        .transaction(() => {
          batch.audit.appendBatchSync(inputs.slice(0, 2));
          throw new Error('the caller fails');
        })
        .immediate(),
    ).toThrow('the caller fails');
    expect(rows(batch.db)).toEqual(rows(one.db));
  });
});

/** An Ed25519 key ring as the node builds one: one signing key, trusted public keys by id. */
function keyRing(): AuditKeyRing & { readonly keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyId = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 32);
  return {
    keyId,
    sign: (data) => ({ keyId, signature: cryptoSign(null, data, privateKey).toString('base64url') }),
    verify: (id, data, signature) =>
      id === keyId && cryptoVerify(null, data, publicKey, Buffer.from(signature, 'base64url')),
  };
}

async function signed(n: number) {
  const db = openDatabase(':memory:');
  const keys = keyRing();
  const { audit } = openSqliteAuthStores(db, { auditKeys: keys });
  for (let i = 1; i <= n; i++) {
    await audit.append({
      tenant: 'acme',
      actor: `user${i}`,
      actorTenant: 'acme',
      action: 'user.update',
      outcome: 'success',
    });
    if (i % 4 === 0) expect(await audit.checkpoint()).toBe(1);
  }
  return { db, audit, keys };
}

/** Recomputes every hash from `from` on, as an attacker who rewrote an entry would. */
function rehash(db: SqliteDb, from: number): void {
  const rows = db.prepare("SELECT * FROM audit_log WHERE tenant = 'acme' ORDER BY seq").all() as Record<
    string,
    unknown
  >[];
  let prev = from === 1 ? AUDIT_GENESIS_HASH : String(rows[from - 2]?.['hash']);
  for (const r of rows.slice(from - 1)) {
    const entry = {
      tenant: String(r['tenant']),
      seq: Number(r['seq']),
      time: Number(r['time']),
      actor: String(r['actor']),
      actorTenant: String(r['actor_tenant']),
      action: String(r['action']),
      target: r['target'] === null ? null : String(r['target']),
      outcome: r['outcome'] as 'success',
      status: r['status'] === null ? null : Number(r['status']),
      requestId: r['request_id'] === null ? null : String(r['request_id']),
      details: r['details'] === null ? null : (JSON.parse(String(r['details'])) as Record<string, never>),
      prevHash: prev,
    };
    const hash = auditEntryHash(entry);
    db.prepare("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE tenant = 'acme' AND seq = ?").run(
      prev,
      hash,
      entry.seq,
    );
    prev = hash;
  }
}

describe('signed audit checkpoints', () => {
  it('verifies an untouched chain against its checkpoints and reports the newest one', async () => {
    const { audit } = await signed(10);
    const v = await audit.verify(acme);
    expect(v).toMatchObject({ ok: true, entries: 10, checkpoints: 2, unanchored: 2, latestCheckpoint: { seq: 8 } });
    expect(await audit.checkpoint()).toBe(1);
    expect(await audit.checkpoint()).toBe(0);
  });

  it('fails when the newest entries are deleted', async () => {
    const { db, audit } = await signed(10);
    await audit.checkpoint();
    tamper(db, "DELETE FROM audit_log WHERE tenant = 'acme' AND seq > 7");
    const v = await audit.verify(acme);
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/entries after 7 were removed/);
  });

  it('fails when an entry is rewritten and the chain re-hashed', async () => {
    const { db, audit } = await signed(10);
    tamper(db, "UPDATE audit_log SET actor = 'someone-else' WHERE tenant = 'acme' AND seq = 3");
    rehash(db, 3);
    const v = await audit.verify(acme);
    expect(v.ok).toBe(false);
    expect(v).toMatchObject({ brokenAt: 4, reason: expect.stringMatching(/differs from its signed checkpoint/) });
  });

  it('fails when checkpoints are forged with another key or removed from the middle', async () => {
    const { db, audit } = await signed(12);
    const forger = keyRing();
    const c = db.prepare("SELECT * FROM audit_checkpoints WHERE tenant = 'acme' AND seq = 12").get() as {
      prev: string;
      time: number;
      head: string;
    };
    db.exec('DROP TRIGGER audit_checkpoints_no_update; DROP TRIGGER audit_checkpoints_no_delete;');
    const { signature } = forger.sign(
      checkpointPayload({ tenant: 'acme', seq: 12, head: c.head, time: c.time, prev: c.prev }),
    );
    db.prepare("UPDATE audit_checkpoints SET key_id = ?, signature = ? WHERE tenant = 'acme' AND seq = 12").run(
      forger.keyId,
      signature,
    );
    expect((await audit.verify(acme)).reason).toMatch(/not signed by a trusted key/);

    const other = await signed(12);
    other.db.exec('DROP TRIGGER audit_checkpoints_no_delete;');
    other.db.prepare("DELETE FROM audit_checkpoints WHERE tenant = 'acme' AND seq = 8").run();
    expect((await other.audit.verify(acme)).reason).toMatch(/checkpoint before entry 12 is missing/);
  });

  it('keeps checkpoints append-only for everyone using the store', async () => {
    const { db } = await signed(4);
    expect(() => db.prepare('DELETE FROM audit_checkpoints').run()).toThrow(/append-only/);
  });
});
