/**
 * @module
 * PostgreSQL user store over the synchronous bridge (same rules as `SqliteUserStore`): scrypt
 * hashes, and a tenant keeps an enabled admin once it has one, which a per-tenant advisory lock
 * makes hold across processes (two admins demoting each other at once cannot both win).
 */
import { AppError } from '@intersoc/core';
import type { AuthContext, Role } from '@intersoc/core';
import {
  checkNewUser,
  checkUserPatch,
  hashNewPassword,
  passwordStampOf,
  toUser,
  verifyUserPassword,
} from '../../auth/internal/users.js';
import type { NewUser, User, UserPatch, UserStore } from '../../auth/types.js';
import type { SyncPg } from '../sync/bridge.js';

interface UserRow {
  tenant: string;
  name: string;
  role: Role;
  password_hash: string | null;
  disabled: boolean;
  created: number;
  updated: number;
}

/** Users in the PostgreSQL store. */
export class PgUserStore implements UserStore {
  readonly #pg: SyncPg;

  constructor(pg: SyncPg) {
    this.#pg = pg;
  }

  /** Reads a user without access checks. */
  find(tenant: string, name: string): User | undefined {
    const row = this.#row(tenant, name);
    return row && toUser(row);
  }

  #row(tenant: string, name: string): UserRow | undefined {
    return this.#pg.query<UserRow>('SELECT * FROM users WHERE tenant = $1 AND name = $2', [tenant, name])[0];
  }

  async list(ctx: AuthContext): Promise<User[]> {
    const rows = this.#pg.query<UserRow>('SELECT * FROM users WHERE tenant = $1 ORDER BY name COLLATE "C"', [
      ctx.tenant,
    ]);
    return rows.map(toUser);
  }

  async get(ctx: AuthContext, name: string): Promise<User | undefined> {
    return this.find(ctx.tenant, name);
  }

  async create(ctx: AuthContext, input: NewUser): Promise<User> {
    await checkNewUser(ctx, input);
    const hash = await hashNewPassword(input.password);
    const now = Date.now();
    const [tenant] = this.#pg.query('SELECT 1 FROM tenants WHERE name = $1', [ctx.tenant]);
    if (!tenant) throw new AppError('NOT_FOUND', `no tenant ${ctx.tenant}`);
    const [row] = this.#pg.query<UserRow>(
      `INSERT INTO users (tenant, name, role, password_hash, created, updated) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (tenant, name) DO NOTHING RETURNING *`,
      [ctx.tenant, input.name, input.role, hash, now],
    );
    if (!row) throw new AppError('CONFLICT', `user ${input.name} already exists in ${ctx.tenant}`);
    return toUser(row);
  }

  async update(ctx: AuthContext, name: string, patch: UserPatch): Promise<User> {
    const hash = await checkUserPatch(ctx, name, patch);
    return this.#pg.transaction(() => {
      // Serialises changes to this tenant's users: the last-admin check reads what it guards.
      const locked = this.#pg.batch([
        { text: "SELECT pg_advisory_xact_lock(hashtext('intersoc.users'), hashtext($1))", params: [ctx.tenant] },
        { text: 'SELECT * FROM users WHERE tenant = $1 AND name = $2', params: [ctx.tenant, name] },
      ]);
      const current = locked[1]?.rows[0] as UserRow | undefined;
      if (!current) throw new AppError('NOT_FOUND', `no user ${name} in ${ctx.tenant}`);
      const role = patch.role ?? current.role;
      const disabled = patch.disabled ?? current.disabled;
      const losesAdmin = current.role === 'admin' && !current.disabled && (role !== 'admin' || disabled);
      if (losesAdmin) {
        const [admins] = this.#pg.query<{ n: number }>(
          "SELECT count(*) AS n FROM users WHERE tenant = $1 AND role = 'admin' AND NOT disabled",
          [ctx.tenant],
        );
        if ((admins?.n ?? 0) <= 1) throw new AppError('CONFLICT', `${name} is the last enabled admin of ${ctx.tenant}`);
      }
      const now = Date.now();
      const [updated] = this.#pg.batch([
        {
          text: `UPDATE users SET role = $3, disabled = $4, password_hash = $5, updated = $6
                 WHERE tenant = $1 AND name = $2 RETURNING *`,
          params: [ctx.tenant, name, role, disabled, hash ?? current.password_hash, now],
        },
        // A disabled user or a changed password ends existing sessions ...
        ...(disabled || hash !== undefined
          ? [{ text: 'DELETE FROM sessions WHERE tenant = $1 AND user_name = $2', params: [ctx.tenant, name] }]
          : []),
        // ... and a changed password revokes the tokens minted with the old one (`NewToken.mintedWith`).
        ...(hash !== undefined
          ? [
              {
                text: `UPDATE api_tokens SET revoked = $3
                       WHERE bound_tenant = $1 AND bound_user = $2 AND revoked IS NULL`,
                params: [ctx.tenant, name, now],
              },
            ]
          : []),
      ]);
      return toUser(updated?.rows[0] as unknown as UserRow);
    });
  }

  #enabledRow(tenant: string, name: string): UserRow | undefined {
    return this.#pg.query<UserRow>(
      `SELECT u.* FROM users u JOIN tenants t ON t.name = u.tenant
       WHERE u.tenant = $1 AND u.name = $2 AND NOT u.disabled AND NOT t.disabled`,
      [tenant, name],
    )[0];
  }

  async passwordStamp(tenant: string, name: string): Promise<{ user: User; stamp: string } | undefined> {
    return passwordStampOf(this.#enabledRow(tenant, name));
  }

  async verifyPassword(tenant: string, name: string, password: string): Promise<User | undefined> {
    return verifyUserPassword(password, () => this.#enabledRow(tenant, name));
  }
}
