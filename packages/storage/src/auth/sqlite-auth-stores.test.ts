import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAppError, systemContext } from '@intersoc/core';
import type { AuthContext } from '@intersoc/core';
import { openDatabase } from '../sqlite/database.js';
import { openSqliteAuthStores } from './sqlite-auth-stores.js';

const operator = systemContext('default');
const PASSWORD = 'correct horse battery staple';

async function setup() {
  const db = openDatabase(':memory:');
  const stores = openSqliteAuthStores(db);
  await stores.tenants.create(operator, { name: 'acme' });
  return { db, stores, acme: systemContext('acme') };
}

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

describe('tenants', () => {
  it('has a default tenant, and only the operator creates or lists all tenants', async () => {
    const { stores, acme } = await setup();
    expect((await stores.tenants.list(operator)).map((t) => t.name)).toEqual(['acme', 'default']);
    expect((await stores.tenants.list(acme)).map((t) => t.name)).toEqual(['acme']);
    expect(await stores.tenants.get(acme, 'default')).toBeUndefined();
    await rejectsWith(stores.tenants.create(acme, { name: 'other' }), 'FORBIDDEN');
    await rejectsWith(stores.tenants.create(operator, { name: 'acme' }), 'CONFLICT');
    await rejectsWith(stores.tenants.create(operator, { name: 'Bad Name' }), 'VALIDATION');
    await rejectsWith(stores.tenants.update(operator, 'default', { disabled: true }), 'CONFLICT');
  });
});

describe('users', () => {
  it('hashes passwords and verifies them, rejecting wrong, unknown and disabled users', async () => {
    const { db, stores, acme } = await setup();
    await stores.users.create(acme, { name: 'alice', role: 'admin', password: PASSWORD });
    await stores.users.create(acme, { name: 'bob', role: 'analyst', password: PASSWORD });
    const stored = db.prepare("SELECT password_hash FROM users WHERE name = 'alice'").get() as {
      password_hash: string;
    };
    expect(stored.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored.password_hash).not.toContain(PASSWORD);
    expect((await stores.users.verifyPassword('acme', 'alice', PASSWORD))?.role).toBe('admin');
    expect(await stores.users.verifyPassword('acme', 'alice', `${PASSWORD}!`)).toBeUndefined();
    expect(await stores.users.verifyPassword('default', 'alice', PASSWORD)).toBeUndefined();
    expect(await stores.users.verifyPassword('acme', 'nobody', PASSWORD)).toBeUndefined();
    await stores.users.update(acme, 'bob', { disabled: true });
    expect(await stores.users.verifyPassword('acme', 'bob', PASSWORD)).toBeUndefined();
    // Same salt never reused: two users with one password get different hashes.
    const hashes = db.prepare('SELECT password_hash FROM users').all() as { password_hash: string }[];
    expect(new Set(hashes.map((h) => h.password_hash)).size).toBe(2);
  });

  it('scopes users to the caller tenant and requires admin to change them', async () => {
    const { stores, acme } = await setup();
    await stores.users.create(acme, { name: 'alice', role: 'admin', password: PASSWORD });
    await stores.users.create(operator, { name: 'root', role: 'admin', password: PASSWORD });
    expect((await stores.users.list(acme)).map((u) => u.name)).toEqual(['alice']);
    expect(await stores.users.get(acme, 'root')).toBeUndefined();
    const analyst: AuthContext = { tenant: 'acme', user: 'alice', roles: ['analyst'], via: 'token' };
    await rejectsWith(stores.users.create(analyst, { name: 'eve', role: 'admin' }), 'FORBIDDEN');
    await rejectsWith(stores.users.create(acme, { name: 'alice', role: 'viewer' }), 'CONFLICT');
    await rejectsWith(stores.users.create(acme, { name: 'a/b', role: 'viewer' }), 'VALIDATION');
    await rejectsWith(stores.users.create(acme, { name: 'carol', role: 'viewer', password: 'short' }), 'VALIDATION');
  });

  it('refuses to remove the last enabled admin of a tenant', async () => {
    const { stores, acme } = await setup();
    await stores.users.create(acme, { name: 'alice', role: 'admin' });
    await rejectsWith(stores.users.update(acme, 'alice', { role: 'viewer' }), 'CONFLICT');
    await rejectsWith(stores.users.update(acme, 'alice', { disabled: true }), 'CONFLICT');
    await stores.users.create(acme, { name: 'bob', role: 'admin' });
    expect((await stores.users.update(acme, 'alice', { role: 'viewer' })).role).toBe('viewer');
  });
});

describe('tokens', () => {
  it('stores only the SHA-256 of a 256-bit secret and resolves it to its owner', async () => {
    const { db, stores, acme } = await setup();
    await stores.users.create(acme, { name: 'alice', role: 'analyst' });
    const { token, secret } = await stores.tokens.create(acme, { user: 'alice', name: 'shipper' });
    expect(secret).toMatch(/^ist_[A-Za-z0-9_-]{43}$/);
    const row = db.prepare('SELECT * FROM api_tokens').get() as Record<string, unknown>;
    expect(row['hash']).toEqual(createHash('sha256').update(secret).digest());
    for (const v of Object.values(row)) expect(String(v)).not.toContain(secret.slice(4));
    const who = await stores.tokens.resolve(secret);
    expect(who).toEqual({ tenant: 'acme', user: 'alice', role: 'analyst', credentialId: token.id });
    // One changed character anywhere, the last one included, is another secret.
    for (const at of [4, 20, secret.length - 1]) {
      const forged = changeCharAt(secret, at);
      expect(forged).not.toBe(secret);
      expect(await stores.tokens.resolve(forged), `changed at ${at}`).toBeUndefined();
    }
    expect((await stores.tokens.list(acme))[0]?.lastUsed).not.toBeNull();
  });

  it('rejects revoked and expired tokens and tokens of disabled users or tenants', async () => {
    const { stores, acme } = await setup();
    await stores.users.create(acme, { name: 'alice', role: 'admin' });
    await stores.users.create(acme, { name: 'bob', role: 'viewer' });
    const a = await stores.tokens.create(acme, { user: 'alice', name: 'a' });
    const b = await stores.tokens.create(acme, { user: 'bob', name: 'b' });
    const c = await stores.tokens.create(acme, { user: 'alice', name: 'c', expires: Date.now() + 1000 });
    await stores.tokens.revoke(acme, a.token.id);
    expect(await stores.tokens.resolve(a.secret)).toBeUndefined();
    expect(await stores.tokens.resolve(c.secret)).toBeDefined();
    expect(await stores.tokens.resolve(c.secret, Date.now() + 2000)).toBeUndefined();
    await stores.users.update(acme, 'bob', { disabled: true });
    expect(await stores.tokens.resolve(b.secret)).toBeUndefined();
    const d = await stores.tokens.create(acme, { user: 'alice', name: 'd' });
    await stores.tenants.update(operator, 'acme', { disabled: true });
    expect(await stores.tokens.resolve(d.secret)).toBeUndefined();
  });

  it('lets non-admins manage only their own tokens', async () => {
    const { stores, acme } = await setup();
    await stores.users.create(acme, { name: 'alice', role: 'admin' });
    await stores.users.create(acme, { name: 'bob', role: 'viewer' });
    const bob: AuthContext = { tenant: 'acme', user: 'bob', roles: ['viewer'], via: 'session' };
    const alices = await stores.tokens.create(acme, { user: 'alice', name: 'a' });
    await stores.tokens.create(bob, { name: 'mine' });
    await rejectsWith(stores.tokens.create(bob, { user: 'alice', name: 'x' }), 'FORBIDDEN');
    expect((await stores.tokens.list(bob, { user: 'alice' })).map((t) => t.name)).toEqual(['mine']);
    expect((await stores.tokens.list(acme)).map((t) => t.name).sort()).toEqual(['a', 'mine']);
    await rejectsWith(stores.tokens.revoke(bob, alices.token.id), 'NOT_FOUND');
    await rejectsWith(stores.tokens.revoke(systemContext('default'), alices.token.id), 'NOT_FOUND');
  });
});

describe('sessions', () => {
  it('resolves until expiry or revocation and ends when the password changes', async () => {
    const { stores, acme } = await setup();
    await stores.users.create(acme, { name: 'alice', role: 'admin', password: PASSWORD });
    await stores.users.create(acme, { name: 'bob', role: 'admin', password: PASSWORD });
    const s1 = await stores.sessions.create({ tenant: 'acme', user: 'alice' }, 60);
    expect((await stores.sessions.resolve(s1.secret))?.user).toBe('alice');
    expect(await stores.sessions.resolve(s1.secret, s1.session.expires)).toBeUndefined();
    expect(await stores.sessions.revoke(s1.secret)).toBe(true);
    expect(await stores.sessions.resolve(s1.secret)).toBeUndefined();
    const s2 = await stores.sessions.create({ tenant: 'acme', user: 'bob' }, 60);
    await stores.users.update(acme, 'bob', { password: `${PASSWORD} 2` });
    expect(await stores.sessions.resolve(s2.secret)).toBeUndefined();
    expect(await stores.tokens.resolve(s2.secret)).toBeUndefined();
  });
});
