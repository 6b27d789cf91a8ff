import { describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { migrate, openDatabase } from '../sqlite/database.js';
import { AUTH_MIGRATION_SET, AUTH_MIGRATIONS } from './migrations.js';
import { openSqliteAuthStores } from './sqlite-auth-stores.js';

describe('instructor and trainee roles in the users table', () => {
  it('a database made before the roles keeps its users, tokens and sessions and accepts the new roles', async () => {
    const db = openDatabase(':memory:');
    // The schema as it was before the training roles.
    migrate(db, AUTH_MIGRATION_SET, AUTH_MIGRATIONS.slice(0, 3));
    db.prepare("INSERT INTO users VALUES ('default', 'alice', 'admin', NULL, 0, 1, 1)").run();
    db.prepare(
      "INSERT INTO api_tokens (id, tenant, user, name, hash, created, bound_tenant, bound_user) VALUES ('t1', 'default', 'alice', 'ci', x'01', 1, 'default', 'alice')",
    ).run();
    db.prepare("INSERT INTO sessions VALUES ('s1', x'02', 'default', 'alice', 1, 9999999999999)").run();
    expect(() => db.prepare("INSERT INTO users VALUES ('default', 'tim', 'trainee', NULL, 0, 1, 1)").run()).toThrow(
      /CHECK/,
    );

    const stores = openSqliteAuthStores(db);
    const ctx = systemContext('default');
    expect(await stores.users.get(ctx, 'alice')).toMatchObject({ role: 'admin' });
    expect(db.prepare('SELECT bound_user FROM api_tokens WHERE id = ?').get('t1')).toEqual({ bound_user: 'alice' });
    expect(db.prepare('SELECT COUNT(*) AS n FROM sessions').get()).toEqual({ n: 1 });
    expect(await stores.users.create(ctx, { name: 'tim', role: 'trainee' })).toMatchObject({ role: 'trainee' });
    expect(await stores.users.create(ctx, { name: 'ines', role: 'instructor' })).toMatchObject({ role: 'instructor' });
    // Foreign keys still hold after the rebuild.
    expect(() =>
      db
        .prepare(
          "INSERT INTO api_tokens (id, tenant, user, name, hash, created) VALUES ('t2', 'default', 'nobody', 'x', x'03', 1)",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(() => db.prepare("INSERT INTO users VALUES ('default', 'k', 'king', NULL, 0, 1, 1)").run()).toThrow(/CHECK/);
    db.close();
  });
});

describe('the dpo role in the users table', () => {
  it('a database made before the role keeps its users, tokens and sessions and accepts dpo', async () => {
    const db = openDatabase(':memory:');
    // The schema as it was with the training roles, before the data protection officer.
    migrate(db, AUTH_MIGRATION_SET, AUTH_MIGRATIONS.slice(0, 4));
    db.prepare("INSERT INTO users VALUES ('default', 'tina', 'trainee', NULL, 0, 1, 1)").run();
    db.prepare(
      "INSERT INTO api_tokens (id, tenant, user, name, hash, created) VALUES ('t1', 'default', 'tina', 'ci', x'01', 1)",
    ).run();
    db.prepare("INSERT INTO sessions VALUES ('s1', x'02', 'default', 'tina', 1, 9999999999999)").run();
    expect(() => db.prepare("INSERT INTO users VALUES ('default', 'dora', 'dpo', NULL, 0, 1, 1)").run()).toThrow(
      /CHECK/,
    );

    const stores = openSqliteAuthStores(db);
    const ctx = systemContext('default');
    expect(await stores.users.get(ctx, 'tina')).toMatchObject({ role: 'trainee' });
    expect(db.prepare('SELECT COUNT(*) AS n FROM api_tokens').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM sessions').get()).toEqual({ n: 1 });
    expect(await stores.users.create(ctx, { name: 'dora', role: 'dpo' })).toMatchObject({ role: 'dpo' });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(() => db.prepare("INSERT INTO users VALUES ('default', 'k', 'king', NULL, 0, 1, 1)").run()).toThrow(/CHECK/);
    db.close();
  });
});
