/**
 * @module
 * The identity and audit store suite: one set of tests that every implementation of `AuthStores`
 * must pass, run against SQLite (`auth/store-suite.test.ts`) and PostgreSQL
 * (`postgres/auth/store-suite.test.ts`). Each test opens fresh stores. Tampering goes through
 * `AuthHarness.sql`, as someone with write access to the database would, after dropping the
 * append-only guards; `verify` must find and name what changed on both stores.
 */
import { createHash, generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAppError, systemContext } from '@intersoc/core';
import type { AuthContext } from '@intersoc/core';
import { checkpointPayload } from '../audit-checkpoints.js';
import type { AuditKeyRing } from '../audit-checkpoints.js';
import type { AuditEntry, AuditInput, AuditStore, AuthStores } from '../types.js';
import { AUDIT_GENESIS_HASH, auditEntryHash } from './audit-chain.js';

/** Stores under test and raw access to their database. */
export interface AuthHarness {
  readonly stores: AuthStores & {
    readonly audit: AuditStore & {
      appendSync(input: AuditInput): AuditEntry;
      appendBatchSync(inputs: readonly AuditInput[]): void;
    };
  };
  /** Raw SQL with `$1`, `$2` ... placeholders (each used once, in order); bytea/BLOB come back as bytes. */
  sql(text: string, params?: readonly (string | number | null)[]): Promise<Record<string, unknown>[]>;
  /** Removes the append-only guards of `table`, as an attacker with write access would. */
  dropGuards(table: 'audit_log' | 'audit_checkpoints'): Promise<void>;
  /** Runs `fn` in a write transaction of the stores' own connection (what a domain store does). */
  inTransaction(fn: () => void): void;
  close(): Promise<void>;
}

/** Opens fresh stores (a new database) for one test. */
export type OpenAuthHarness = (options: { readonly auditKeys?: AuditKeyRing }) => Promise<AuthHarness>;

const operator = systemContext('default');
const acme = systemContext('acme');
const PASSWORD = 'correct horse battery staple';

/** `text` with the character at `at` replaced by a different one (never the same string). */
function changeCharAt(text: string, at: number): string {
  return text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAppError(err) ? err.code : err).toBe(code);
}

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

/**
 * Registers the suite. `open` gives fresh stores each call; the suite closes them.
 *
 * @example
 * authStoreSuite('SQLite', async (o) => sqliteHarness(o));
 */
export function authStoreSuite(name: string, open: OpenAuthHarness): void {
  /** Runs `body` on fresh stores and closes them, pass or fail. */
  const withStores =
    (body: (h: AuthHarness) => Promise<void>, options: { readonly auditKeys?: AuditKeyRing } = {}) =>
    async (): Promise<void> => {
      const h = await open(options);
      try {
        await body(h);
      } finally {
        await h.close();
      }
    };
  const withAcme = (body: (h: AuthHarness) => Promise<void>) =>
    withStores(async (h) => {
      await h.stores.tenants.create(operator, { name: 'acme' });
      await body(h);
    });

  describe(`${name} identity stores`, () => {
    it(
      'has a default tenant, and only the operator creates or lists all tenants',
      withAcme(async ({ stores }) => {
        expect((await stores.tenants.list(operator)).map((t) => t.name)).toEqual(['acme', 'default']);
        expect((await stores.tenants.list(acme)).map((t) => t.name)).toEqual(['acme']);
        expect(await stores.tenants.get(acme, 'default')).toBeUndefined();
        await rejectsWith(stores.tenants.create(acme, { name: 'other' }), 'FORBIDDEN');
        await rejectsWith(stores.tenants.create(operator, { name: 'acme' }), 'CONFLICT');
        await rejectsWith(stores.tenants.create(operator, { name: 'Bad Name' }), 'VALIDATION');
        await rejectsWith(stores.tenants.update(operator, 'default', { disabled: true }), 'CONFLICT');
        await rejectsWith(stores.tenants.update(operator, 'nowhere', { displayName: 'x' }), 'NOT_FOUND');
        const renamed = await stores.tenants.update(operator, 'acme', { displayName: 'ACME Corp' });
        expect(renamed).toMatchObject({ name: 'acme', displayName: 'ACME Corp', disabled: false });
      }),
    );

    it(
      'hashes passwords and verifies them, rejecting wrong, unknown and disabled users',
      withAcme(async ({ stores, sql }) => {
        await stores.users.create(acme, { name: 'alice', role: 'admin', password: PASSWORD });
        await stores.users.create(acme, { name: 'bob', role: 'analyst', password: PASSWORD });
        const [stored] = await sql("SELECT password_hash FROM users WHERE name = 'alice'");
        expect(stored?.['password_hash']).toMatch(/^scrypt\$32768\$8\$1\$/);
        expect(stored?.['password_hash']).not.toContain(PASSWORD);
        expect((await stores.users.verifyPassword('acme', 'alice', PASSWORD))?.role).toBe('admin');
        expect(await stores.users.verifyPassword('acme', 'alice', `${PASSWORD}!`)).toBeUndefined();
        expect(await stores.users.verifyPassword('default', 'alice', PASSWORD)).toBeUndefined();
        expect(await stores.users.verifyPassword('acme', 'nobody', PASSWORD)).toBeUndefined();
        const stamp = await stores.users.passwordStamp('acme', 'bob');
        expect(stamp?.stamp).toMatch(/^[A-Za-z0-9_-]{43}$/);
        await stores.users.update(acme, 'bob', { disabled: true });
        expect(await stores.users.verifyPassword('acme', 'bob', PASSWORD)).toBeUndefined();
        expect(await stores.users.passwordStamp('acme', 'bob')).toBeUndefined();
        // Same salt never reused: two users with one password get different hashes.
        const hashes = await sql('SELECT password_hash FROM users');
        expect(new Set(hashes.map((h) => h['password_hash'])).size).toBe(2);
      }),
    );

    it(
      'scopes users to the caller tenant and requires admin to change them',
      withAcme(async ({ stores }) => {
        await stores.users.create(acme, { name: 'alice', role: 'admin', password: PASSWORD });
        await stores.users.create(operator, { name: 'root', role: 'admin', password: PASSWORD });
        expect((await stores.users.list(acme)).map((u) => u.name)).toEqual(['alice']);
        expect(await stores.users.get(acme, 'root')).toBeUndefined();
        const analyst: AuthContext = { tenant: 'acme', user: 'alice', roles: ['analyst'], via: 'token' };
        await rejectsWith(stores.users.create(analyst, { name: 'eve', role: 'admin' }), 'FORBIDDEN');
        await rejectsWith(stores.users.create(acme, { name: 'alice', role: 'viewer' }), 'CONFLICT');
        await rejectsWith(stores.users.create(acme, { name: 'a/b', role: 'viewer' }), 'VALIDATION');
        await rejectsWith(
          stores.users.create(acme, { name: 'carol', role: 'viewer', password: 'short' }),
          'VALIDATION',
        );
        await rejectsWith(stores.users.update(acme, 'nobody', { role: 'viewer' }), 'NOT_FOUND');
      }),
    );

    it(
      'refuses to remove the last enabled admin of a tenant',
      withAcme(async ({ stores }) => {
        await stores.users.create(acme, { name: 'alice', role: 'admin' });
        await rejectsWith(stores.users.update(acme, 'alice', { role: 'viewer' }), 'CONFLICT');
        await rejectsWith(stores.users.update(acme, 'alice', { disabled: true }), 'CONFLICT');
        await stores.users.create(acme, { name: 'bob', role: 'admin' });
        expect((await stores.users.update(acme, 'alice', { role: 'viewer' })).role).toBe('viewer');
        await rejectsWith(stores.users.update(acme, 'bob', { disabled: true }), 'CONFLICT');
      }),
    );

    it(
      'stores only the SHA-256 of a 256-bit secret and resolves it to its owner',
      withAcme(async ({ stores, sql }) => {
        await stores.users.create(acme, { name: 'alice', role: 'analyst' });
        const { token, secret } = await stores.tokens.create(acme, { user: 'alice', name: 'shipper' });
        expect(secret).toMatch(/^ist_[A-Za-z0-9_-]{43}$/);
        const [row] = await sql('SELECT * FROM api_tokens');
        expect(Buffer.from(row?.['hash'] as Uint8Array)).toEqual(createHash('sha256').update(secret).digest());
        for (const v of Object.values(row ?? {})) expect(String(v)).not.toContain(secret.slice(4));
        const who = await stores.tokens.resolve(secret);
        expect(who).toEqual({ tenant: 'acme', user: 'alice', role: 'analyst', credentialId: token.id });
        // One changed character anywhere, the last one included, is another secret.
        for (const at of [4, 20, secret.length - 1]) {
          const forged = changeCharAt(secret, at);
          expect(forged).not.toBe(secret);
          expect(await stores.tokens.resolve(forged), `changed at ${at}`).toBeUndefined();
        }
        expect((await stores.tokens.list(acme))[0]?.lastUsed).not.toBeNull();
      }),
    );

    it(
      'rejects revoked and expired tokens and tokens of disabled users or tenants',
      withAcme(async ({ stores }) => {
        await stores.users.create(acme, { name: 'alice', role: 'admin' });
        await stores.users.create(acme, { name: 'bob', role: 'viewer' });
        const a = await stores.tokens.create(acme, { user: 'alice', name: 'a' });
        const b = await stores.tokens.create(acme, { user: 'bob', name: 'b' });
        const c = await stores.tokens.create(acme, { user: 'alice', name: 'c', expires: Date.now() + 1000 });
        const revoked = await stores.tokens.revoke(acme, a.token.id);
        expect(revoked.revoked).not.toBeNull();
        expect((await stores.tokens.revoke(acme, a.token.id)).revoked).toBe(revoked.revoked);
        expect(await stores.tokens.resolve(a.secret)).toBeUndefined();
        expect(await stores.tokens.resolve(c.secret)).toBeDefined();
        expect(await stores.tokens.resolve(c.secret, Date.now() + 2000)).toBeUndefined();
        await rejectsWith(stores.tokens.create(acme, { user: 'alice', name: 'x', expires: 1 }), 'VALIDATION');
        await rejectsWith(stores.tokens.create(acme, { user: 'alice', name: ' ' }), 'VALIDATION');
        await stores.users.update(acme, 'bob', { disabled: true });
        expect(await stores.tokens.resolve(b.secret)).toBeUndefined();
        await rejectsWith(stores.tokens.create(acme, { user: 'bob', name: 'again' }), 'CONFLICT');
        const d = await stores.tokens.create(acme, { user: 'alice', name: 'd' });
        await stores.tenants.update(operator, 'acme', { disabled: true });
        expect(await stores.tokens.resolve(d.secret)).toBeUndefined();
      }),
    );

    it(
      'lets non-admins manage only their own tokens',
      withAcme(async ({ stores }) => {
        await stores.users.create(acme, { name: 'alice', role: 'admin' });
        await stores.users.create(acme, { name: 'bob', role: 'viewer' });
        const bob: AuthContext = { tenant: 'acme', user: 'bob', roles: ['viewer'], via: 'session' };
        const alices = await stores.tokens.create(acme, { user: 'alice', name: 'a' });
        await stores.tokens.create(bob, { name: 'mine' });
        await rejectsWith(stores.tokens.create(bob, { user: 'alice', name: 'x' }), 'FORBIDDEN');
        expect((await stores.tokens.list(bob, { user: 'alice' })).map((t) => t.name)).toEqual(['mine']);
        expect((await stores.tokens.list(acme)).map((t) => t.name).sort()).toEqual(['a', 'mine']);
        expect((await stores.tokens.list(acme, { user: 'alice' })).map((t) => t.name)).toEqual(['a']);
        await rejectsWith(stores.tokens.revoke(bob, alices.token.id), 'NOT_FOUND');
        await rejectsWith(stores.tokens.revoke(systemContext('default'), alices.token.id), 'NOT_FOUND');
      }),
    );

    it(
      'resolves sessions until expiry or revocation and ends them, and bound tokens, when the password changes',
      withAcme(async ({ stores }) => {
        await stores.users.create(acme, { name: 'alice', role: 'admin', password: PASSWORD });
        await stores.users.create(acme, { name: 'bob', role: 'admin', password: PASSWORD });
        const s1 = await stores.sessions.create({ tenant: 'acme', user: 'alice' }, 60);
        expect((await stores.sessions.resolve(s1.secret))?.user).toBe('alice');
        expect(await stores.sessions.resolve(s1.secret, s1.session.expires)).toBeUndefined();
        expect(await stores.sessions.revoke(s1.secret)).toBe(true);
        expect(await stores.sessions.revoke(s1.secret)).toBe(false);
        expect(await stores.sessions.resolve(s1.secret)).toBeUndefined();
        const s2 = await stores.sessions.create({ tenant: 'acme', user: 'bob' }, 60);
        const bobCtx: AuthContext = { tenant: 'acme', user: 'bob', roles: ['admin'], via: 'session' };
        const minted = await stores.tokens.create(bobCtx, {
          name: 'from-session',
          mintedWith: { kind: 'password', tenant: 'acme', user: 'bob' },
        });
        const child = await stores.tokens.create(bobCtx, {
          name: 'from-token',
          mintedWith: { kind: 'token', id: minted.token.id },
        });
        const free = await stores.tokens.create(bobCtx, { name: 'cli' });
        await stores.users.update(acme, 'bob', { password: `${PASSWORD} 2` });
        expect(await stores.sessions.resolve(s2.secret)).toBeUndefined();
        expect(await stores.tokens.resolve(s2.secret)).toBeUndefined();
        expect(await stores.tokens.resolve(minted.secret)).toBeUndefined();
        expect(await stores.tokens.resolve(child.secret)).toBeUndefined();
        expect((await stores.tokens.resolve(free.secret))?.user).toBe('bob');
        await rejectsWith(stores.sessions.create({ tenant: 'acme', user: 'bob' }, 0), 'CONFIG');
        await stores.sessions.create({ tenant: 'acme', user: 'alice' }, 1);
        expect(await stores.sessions.purgeExpired(Date.now() + 5000)).toBe(1);
        await stores.ping();
      }),
    );
  });

  auditSuite(name, open, withStores);
}

type WithStores = (
  body: (h: AuthHarness) => Promise<void>,
  options?: { readonly auditKeys?: AuditKeyRing },
) => () => Promise<void>;

async function seed(audit: AuditStore, n: number): Promise<void> {
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
}

async function signedSeed(audit: AuditStore, n: number): Promise<void> {
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
}

/** Recomputes every hash from `from` on, as an attacker who rewrote an entry would. */
async function rehash(h: AuthHarness, from: number): Promise<void> {
  const rows = await h.sql("SELECT * FROM audit_log WHERE tenant = 'acme' ORDER BY seq");
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
    await h.sql("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE tenant = 'acme' AND seq = $3", [
      prev,
      hash,
      entry.seq,
    ]);
    prev = hash;
  }
}

function auditSuite(name: string, open: OpenAuthHarness, withStores: WithStores): void {
  describe(`${name} audit log`, () => {
    it(
      'chains entries per tenant and verifies an untouched chain',
      withStores(async ({ stores: { audit } }) => {
        await seed(audit, 9);
        const page = await audit.list(acme, { limit: 4 });
        expect(page.items.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
        expect(page.items.every((e) => e.tenant === 'acme')).toBe(true);
        const older = await audit.list(acme, {
          limit: 4,
          ...(page.nextBefore === undefined ? {} : { before: page.nextBefore }),
        });
        expect(older.items.map((e) => e.seq)).toEqual([2, 1]);
        expect(older.nextBefore).toBeUndefined();
        expect(older.items[1]?.prevHash).toBe(AUDIT_GENESIS_HASH);
        expect(older.items[0]?.prevHash).toBe(older.items[1]?.hash);
        expect((await audit.list(acme, { actor: 'user4' })).items.map((e) => e.seq)).toEqual([3]);
        expect((await audit.list(acme, { action: 'user.delete' })).items).toEqual([]);
        const v = await audit.verify(acme);
        expect(v).toMatchObject({ tenant: 'acme', ok: true, entries: 6, head: page.items[0]?.hash });
        expect((await audit.verify(systemContext('other'))).entries).toBe(3);
      }),
    );

    it(
      'is append-only through SQL as well',
      withStores(async ({ stores, sql }) => {
        await seed(stores.audit, 2);
        await expect(sql("UPDATE audit_log SET actor = 'x'")).rejects.toThrow(/append-only/);
        await expect(sql('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
        expect((await stores.audit.verify(acme)).ok).toBe(true);
      }),
    );

    it(
      'finds and names an edited field',
      withStores(async (h) => {
        await seed(h.stores.audit, 9);
        await h.dropGuards('audit_log');
        await h.sql("UPDATE audit_log SET outcome = 'failure' WHERE tenant = 'acme' AND seq = 3");
        expect(await h.stores.audit.verify(acme)).toMatchObject({
          ok: false,
          brokenAt: 3,
          reason: expect.stringMatching(/hash/),
        });
      }),
    );

    it(
      'finds edited details even when the attacker rewrites the hash of that entry',
      withStores(async (h) => {
        await seed(h.stores.audit, 9);
        await h.dropGuards('audit_log');
        await h.sql(
          `UPDATE audit_log SET details = '{"n":99}', hash = '${'a'.repeat(64)}' WHERE tenant = 'acme' AND seq = 2`,
        );
        expect(await h.stores.audit.verify(acme)).toMatchObject({ ok: false, brokenAt: 2 });
      }),
    );

    it(
      'finds a removed entry',
      withStores(async (h) => {
        await seed(h.stores.audit, 9);
        await h.dropGuards('audit_log');
        await h.sql("DELETE FROM audit_log WHERE tenant = 'acme' AND seq = 4");
        expect(await h.stores.audit.verify(acme)).toMatchObject({
          ok: false,
          brokenAt: 4,
          reason: 'entry 4 is missing',
        });
      }),
    );

    it(
      'finds a reordered chain',
      withStores(async (h) => {
        await seed(h.stores.audit, 9);
        await h.dropGuards('audit_log');
        await h.sql("UPDATE audit_log SET seq = -seq WHERE tenant = 'acme' AND seq IN (1, 2)");
        await h.sql("UPDATE audit_log SET seq = 1 WHERE tenant = 'acme' AND seq = -2");
        await h.sql("UPDATE audit_log SET seq = 2 WHERE tenant = 'acme' AND seq = -1");
        expect(await h.stores.audit.verify(acme)).toMatchObject({ ok: false, brokenAt: 1 });
      }),
    );

    it(
      'never stores secret-looking detail keys',
      withStores(async ({ stores: { audit }, sql }) => {
        const entry = await audit.append({
          tenant: 'acme',
          actor: 'alice',
          actorTenant: 'acme',
          action: 'user.update',
          outcome: 'success',
          details: { password: 'hunter2hunter2', nested: { Authorization: 'Bearer ist_x' }, role: 'viewer' },
        });
        expect(JSON.stringify(entry)).not.toMatch(/hunter2|ist_x/);
        expect(entry.details).toEqual({
          password: '[redacted]',
          nested: { Authorization: '[redacted]' },
          role: 'viewer',
        });
        expect(JSON.stringify(await sql('SELECT * FROM audit_log'))).not.toMatch(/hunter2|ist_x/);
        expect((await audit.verify(acme)).ok).toBe(true);
      }),
    );

    it("writes a batch byte for byte as the same entries appended one by one, inside the caller's transaction", async () => {
      // Enough for multi-row INSERTs and the single rows after them.
      const inputs: AuditInput[] = Array.from({ length: 75 }, (_, k) => k + 1).map((i) => ({
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
      const [one, batch] = [await open({}), await open({})];
      try {
        for (const i of inputs) one.stores.audit.appendSync(i);
        // After a chain head written one by one, in a caller's transaction (as the respond store
        // commits its transitions), then alone.
        batch.stores.audit.appendSync(inputs[0] as AuditInput);
        batch.inTransaction(() => batch.stores.audit.appendBatchSync(inputs.slice(1, 4)));
        batch.stores.audit.appendBatchSync(inputs.slice(4));
        const rows = (h: AuthHarness) =>
          h.sql("SELECT * FROM audit_log WHERE action = 'respond.step.finished' ORDER BY tenant, seq");
        const expected = await rows(one);
        expect(expected).toHaveLength(75);
        expect(await rows(batch)).toEqual(expected);
        expect(JSON.stringify(expected)).not.toMatch(/hunter2/);
        for (const t of ['acme', 'other']) expect((await batch.stores.audit.verify(systemContext(t))).ok).toBe(true);
        // Nothing of a failed caller's transaction stays.
        expect(() =>
          batch.inTransaction(() => {
            batch.stores.audit.appendBatchSync(inputs.slice(0, 2));
            throw new Error('the caller fails');
          }),
        ).toThrow('the caller fails');
        expect(await rows(batch)).toEqual(expected);
      } finally {
        await Promise.all([one.close(), batch.close()]);
      }
    });

    const keys = keyRing();
    const signed = (body: (h: AuthHarness) => Promise<void>) => withStores(body, { auditKeys: keys });

    it(
      'verifies an untouched chain against its checkpoints and reports the newest one',
      signed(async ({ stores: { audit } }) => {
        await signedSeed(audit, 10);
        const v = await audit.verify(acme);
        expect(v).toMatchObject({ ok: true, entries: 10, checkpoints: 2, unanchored: 2, latestCheckpoint: { seq: 8 } });
        expect(await audit.checkpoint()).toBe(1);
        expect(await audit.checkpoint()).toBe(0);
      }),
    );

    it(
      'fails when the newest entries are deleted',
      signed(async (h) => {
        await signedSeed(h.stores.audit, 10);
        await h.stores.audit.checkpoint();
        await h.dropGuards('audit_log');
        await h.sql("DELETE FROM audit_log WHERE tenant = 'acme' AND seq > 7");
        const v = await h.stores.audit.verify(acme);
        expect(v.ok).toBe(false);
        expect(v.reason).toMatch(/entries after 7 were removed/);
      }),
    );

    it(
      'fails when an entry is rewritten and the chain re-hashed',
      signed(async (h) => {
        await signedSeed(h.stores.audit, 10);
        await h.dropGuards('audit_log');
        await h.sql("UPDATE audit_log SET actor = 'someone-else' WHERE tenant = 'acme' AND seq = 3");
        await rehash(h, 3);
        expect(await h.stores.audit.verify(acme)).toMatchObject({
          ok: false,
          brokenAt: 4,
          reason: expect.stringMatching(/differs from its signed checkpoint/),
        });
      }),
    );

    it(
      'fails when a checkpoint is forged with another key',
      signed(async (h) => {
        await signedSeed(h.stores.audit, 12);
        const forger = keyRing();
        const [c] = await h.sql("SELECT * FROM audit_checkpoints WHERE tenant = 'acme' AND seq = 12");
        const { signature } = forger.sign(
          checkpointPayload({
            tenant: 'acme',
            seq: 12,
            head: String(c?.['head']),
            time: Number(c?.['time']),
            prev: String(c?.['prev']),
          }),
        );
        await h.dropGuards('audit_checkpoints');
        await h.sql("UPDATE audit_checkpoints SET key_id = $1, signature = $2 WHERE tenant = 'acme' AND seq = 12", [
          forger.keyId,
          signature,
        ]);
        expect((await h.stores.audit.verify(acme)).reason).toMatch(/not signed by a trusted key/);
      }),
    );

    it(
      'fails when a checkpoint is removed from the middle, and keeps checkpoints append-only otherwise',
      signed(async (h) => {
        await signedSeed(h.stores.audit, 12);
        await expect(h.sql('DELETE FROM audit_checkpoints')).rejects.toThrow(/append-only/);
        await h.dropGuards('audit_checkpoints');
        await h.sql("DELETE FROM audit_checkpoints WHERE tenant = 'acme' AND seq = 8");
        expect((await h.stores.audit.verify(acme)).reason).toMatch(/checkpoint before entry 12 is missing/);
      }),
    );
  });
}
