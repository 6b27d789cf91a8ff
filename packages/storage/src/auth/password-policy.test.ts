import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, systemContext } from '@intersoc/core';
import { openDatabase } from '../sqlite/database.js';
import type { SqliteDb } from '../sqlite/database.js';
import { passwordProblem } from './password-policy.js';
import { openSqliteAuthStores } from './sqlite-auth-stores.js';

describe('password policy', () => {
  it.each([
    ['password1234', /common/],
    ['Password123!', /common password with digits or symbols added/],
    ['qwertyuiop12', /common password/],
    ['iloveyou2024', /common password/],
    ['1qaz2wsx3edc', /one of the most common passwords/],
    ['trustno1trustno1', /repeated pattern|most common/],
    ['aaaaaaaaaaaaaaa', /fewer than 5 different characters/],
    ['abcdeabcdeabcde', /repeated pattern/],
    ['123456789012', /common|sequence/],
    ['zyxwvutsrqponm', /sequence/],
    ['alice!2024!!', /user, tenant or product name/],
    ['Intersoc2025!', /user, tenant or product name/],
    ['short', /12 to 1024 characters/],
  ])('refuses %s with a reason', async (password, reason) => {
    expect(await passwordProblem(password, { user: 'alice', tenant: 'acme' })).toMatch(reason);
  });

  it.each([
    'correct horse battery staple',
    'browser-test-password',
    'a long enough passphrase',
    'Tr0mbone-Glacier-Pepper',
    randomBytes(18).toString('base64url'),
  ])('accepts %s', async (password) => {
    expect(await passwordProblem(password, { user: 'alice', tenant: 'acme' })).toBeUndefined();
  });

  describe('in the user store', () => {
    let db: SqliteDb;
    afterEach(() => db.close());

    it('refuses a common password on create and on change, with the reason', async () => {
      db = openDatabase(':memory:');
      const stores = openSqliteAuthStores(db);
      const ctx = systemContext('default');
      const create = stores.users.create(ctx, { name: 'bob', role: 'viewer', password: 'Password1234' });
      await expect(create).rejects.toBeInstanceOf(AppError);
      await expect(create).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/common/) });
      await stores.users.create(ctx, { name: 'bob', role: 'viewer', password: 'correct horse battery staple' });
      await expect(stores.users.update(ctx, 'bob', { password: 'football2024' })).rejects.toMatchObject({
        code: 'VALIDATION',
        message: expect.stringMatching(/common password/),
      });
    });
  });
});
