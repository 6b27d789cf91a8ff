/**
 * @module
 * SQLite user store: users of one tenant, scrypt password hashes, and the rule that a tenant
 * keeps at least one enabled admin once it has one.
 */
import { AppError } from '@intersoc/core';
import type { AuthContext, Role } from '@intersoc/core';
import type { SqliteDb } from '../sqlite/database.js';
import {
  checkNewUser,
  checkUserPatch,
  hashNewPassword,
  passwordStampOf,
  toUser,
  verifyUserPassword,
} from './internal/users.js';
import type { NewUser, User, UserPatch, UserStore } from './types.js';

interface UserRow {
  tenant: string;
  name: string;
  role: Role;
  password_hash: string | null;
  disabled: number;
  created: number;
  updated: number;
}

/** Users in the node database. */
export class SqliteUserStore implements UserStore {
  readonly #db: SqliteDb;

  constructor(db: SqliteDb) {
    this.#db = db;
  }

  /** Reads a user without access checks, for the token and session stores. */
  find(tenant: string, name: string): User | undefined {
    const row = this.#row(tenant, name);
    return row && toUser(row);
  }

  #row(tenant: string, name: string): UserRow | undefined {
    return this.#db.prepare('SELECT * FROM users WHERE tenant = ? AND name = ?').get(tenant, name) as
      UserRow | undefined;
  }

  async list(ctx: AuthContext): Promise<User[]> {
    const rows = this.#db.prepare('SELECT * FROM users WHERE tenant = ? ORDER BY name').all(ctx.tenant) as UserRow[];
    return rows.map(toUser);
  }

  async get(ctx: AuthContext, name: string): Promise<User | undefined> {
    return this.find(ctx.tenant, name);
  }

  async create(ctx: AuthContext, input: NewUser): Promise<User> {
    await checkNewUser(ctx, input);
    const tenant = this.#db.prepare('SELECT disabled FROM tenants WHERE name = ?').get(ctx.tenant) as
      { disabled: number } | undefined;
    if (!tenant) throw new AppError('NOT_FOUND', `no tenant ${ctx.tenant}`);
    const hash = await hashNewPassword(input.password);
    const now = Date.now();
    const res = this.#db
      .prepare(
        'INSERT OR IGNORE INTO users (tenant, name, role, password_hash, created, updated) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(ctx.tenant, input.name, input.role, hash, now, now);
    if (res.changes === 0) throw new AppError('CONFLICT', `user ${input.name} already exists in ${ctx.tenant}`);
    return this.find(ctx.tenant, input.name) as User;
  }

  async update(ctx: AuthContext, name: string, patch: UserPatch): Promise<User> {
    const hash = await checkUserPatch(ctx, name, patch);
    // Read, check and write in one immediate transaction so two admins cannot both demote
    // each other and leave the tenant without one.
    const apply = this.#db.transaction(() => {
      const current = this.#row(ctx.tenant, name);
      if (!current) throw new AppError('NOT_FOUND', `no user ${name} in ${ctx.tenant}`);
      const role = patch.role ?? current.role;
      const disabled = patch.disabled ?? current.disabled !== 0;
      const losesAdmin = current.role === 'admin' && current.disabled === 0 && (role !== 'admin' || disabled);
      if (losesAdmin) {
        const admins = this.#db
          .prepare("SELECT count(*) AS n FROM users WHERE tenant = ? AND role = 'admin' AND disabled = 0")
          .get(ctx.tenant) as { n: number };
        if (admins.n <= 1) {
          throw new AppError('CONFLICT', `${name} is the last enabled admin of ${ctx.tenant}`);
        }
      }
      this.#db
        .prepare(
          'UPDATE users SET role = ?, disabled = ?, password_hash = ?, updated = ? WHERE tenant = ? AND name = ?',
        )
        .run(role, disabled ? 1 : 0, hash ?? current.password_hash, Date.now(), ctx.tenant, name);
      if (disabled || hash !== undefined) {
        // A disabled user or a changed password ends existing sessions.
        this.#db.prepare('DELETE FROM sessions WHERE tenant = ? AND user = ?').run(ctx.tenant, name);
      }
      if (hash !== undefined) {
        // ... and revokes the tokens minted with the old password (see `NewToken.mintedWith`).
        this.#db
          .prepare('UPDATE api_tokens SET revoked = ? WHERE bound_tenant = ? AND bound_user = ? AND revoked IS NULL')
          .run(Date.now(), ctx.tenant, name);
      }
    });
    apply.immediate();
    return this.find(ctx.tenant, name) as User;
  }

  #enabledRow(tenant: string, name: string): UserRow | undefined {
    return this.#db
      .prepare(
        `SELECT u.* FROM users u JOIN tenants t ON t.name = u.tenant
         WHERE u.tenant = ? AND u.name = ? AND u.disabled = 0 AND t.disabled = 0`,
      )
      .get(tenant, name) as UserRow | undefined;
  }

  async passwordStamp(tenant: string, name: string): Promise<{ user: User; stamp: string } | undefined> {
    return passwordStampOf(this.#enabledRow(tenant, name));
  }

  async verifyPassword(tenant: string, name: string, password: string): Promise<User | undefined> {
    return verifyUserPassword(password, () => this.#enabledRow(tenant, name));
  }
}
