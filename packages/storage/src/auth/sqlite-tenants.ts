/**
 * @module
 * SQLite tenant store.
 */
import { AppError, DEFAULT_TENANT } from '@intersoc/core';
import type { AuthContext } from '@intersoc/core';
import type { SqliteDb } from '../sqlite/database.js';
import { isOperator, requireOperator } from './access.js';
import { checkTenantName } from './internal/validate.js';
import type { Tenant, TenantStore } from './types.js';

interface TenantRow {
  name: string;
  display_name: string;
  created: number;
  disabled: number;
}

function toTenant(r: TenantRow): Tenant {
  return { name: r.name, displayName: r.display_name, created: r.created, disabled: r.disabled !== 0 };
}

/** Tenants in the node database. */
export class SqliteTenantStore implements TenantStore {
  readonly #db: SqliteDb;

  constructor(db: SqliteDb) {
    this.#db = db;
  }

  /** Reads a tenant without access checks, for the other stores. */
  find(name: string): Tenant | undefined {
    const row = this.#db.prepare('SELECT * FROM tenants WHERE name = ?').get(name) as TenantRow | undefined;
    return row && toTenant(row);
  }

  async list(ctx: AuthContext): Promise<Tenant[]> {
    const rows = isOperator(ctx)
      ? (this.#db.prepare('SELECT * FROM tenants ORDER BY name').all() as TenantRow[])
      : (this.#db.prepare('SELECT * FROM tenants WHERE name = ?').all(ctx.tenant) as TenantRow[]);
    return rows.map(toTenant);
  }

  async get(ctx: AuthContext, name: string): Promise<Tenant | undefined> {
    if (!isOperator(ctx) && name !== ctx.tenant) return undefined;
    return this.find(name);
  }

  async create(ctx: AuthContext, input: { readonly name: string; readonly displayName?: string }): Promise<Tenant> {
    requireOperator(ctx);
    checkTenantName(input.name);
    const displayName = input.displayName ?? input.name;
    const res = this.#db
      .prepare('INSERT OR IGNORE INTO tenants (name, display_name, created) VALUES (?, ?, ?)')
      .run(input.name, displayName, Date.now());
    if (res.changes === 0) throw new AppError('CONFLICT', `tenant ${input.name} already exists`);
    return this.find(input.name) as Tenant;
  }

  async update(
    ctx: AuthContext,
    name: string,
    patch: { readonly displayName?: string; readonly disabled?: boolean },
  ): Promise<Tenant> {
    requireOperator(ctx);
    const current = this.find(name);
    if (!current) throw new AppError('NOT_FOUND', `no tenant ${name}`);
    if (patch.disabled === true && name === DEFAULT_TENANT) {
      throw new AppError('CONFLICT', 'the default tenant cannot be disabled: it holds the node operator');
    }
    this.#db
      .prepare('UPDATE tenants SET display_name = ?, disabled = ? WHERE name = ?')
      .run(patch.displayName ?? current.displayName, (patch.disabled ?? current.disabled) ? 1 : 0, name);
    return this.find(name) as Tenant;
  }
}
