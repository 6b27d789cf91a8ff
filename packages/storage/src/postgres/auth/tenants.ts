/**
 * @module
 * PostgreSQL tenant store over the synchronous bridge (same rules as `SqliteTenantStore`).
 */
import { AppError, DEFAULT_TENANT } from '@intersoc/core';
import type { AuthContext } from '@intersoc/core';
import { isOperator, requireOperator } from '../../auth/access.js';
import { checkTenantName } from '../../auth/internal/validate.js';
import type { Tenant, TenantStore } from '../../auth/types.js';
import type { SyncPg } from '../sync/bridge.js';

interface TenantRow {
  name: string;
  display_name: string;
  created: number;
  disabled: boolean;
}

function toTenant(r: TenantRow): Tenant {
  return { name: r.name, displayName: r.display_name, created: r.created, disabled: r.disabled };
}

/** Tenants in the PostgreSQL store. */
export class PgTenantStore implements TenantStore {
  readonly #pg: SyncPg;

  constructor(pg: SyncPg) {
    this.#pg = pg;
  }

  /** Reads a tenant without access checks, for the other stores. */
  find(name: string): Tenant | undefined {
    const [row] = this.#pg.query<TenantRow>('SELECT * FROM tenants WHERE name = $1', [name]);
    return row && toTenant(row);
  }

  async list(ctx: AuthContext): Promise<Tenant[]> {
    const rows = isOperator(ctx)
      ? this.#pg.query<TenantRow>('SELECT * FROM tenants ORDER BY name COLLATE "C"')
      : this.#pg.query<TenantRow>('SELECT * FROM tenants WHERE name = $1', [ctx.tenant]);
    return rows.map(toTenant);
  }

  async get(ctx: AuthContext, name: string): Promise<Tenant | undefined> {
    if (!isOperator(ctx) && name !== ctx.tenant) return undefined;
    return this.find(name);
  }

  async create(ctx: AuthContext, input: { readonly name: string; readonly displayName?: string }): Promise<Tenant> {
    requireOperator(ctx);
    checkTenantName(input.name);
    const [row] = this.#pg.query<TenantRow>(
      `INSERT INTO tenants (name, display_name, created) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO NOTHING RETURNING *`,
      [input.name, input.displayName ?? input.name, Date.now()],
    );
    if (!row) throw new AppError('CONFLICT', `tenant ${input.name} already exists`);
    return toTenant(row);
  }

  async update(
    ctx: AuthContext,
    name: string,
    patch: { readonly displayName?: string; readonly disabled?: boolean },
  ): Promise<Tenant> {
    requireOperator(ctx);
    if (patch.disabled === true && name === DEFAULT_TENANT) {
      throw new AppError('CONFLICT', 'the default tenant cannot be disabled: it holds the node operator');
    }
    // One statement: omitted fields keep their stored value.
    const [row] = this.#pg.query<TenantRow>(
      `UPDATE tenants SET display_name = coalesce($2, display_name), disabled = coalesce($3, disabled)
       WHERE name = $1 RETURNING *`,
      [name, patch.displayName ?? null, patch.disabled ?? null],
    );
    if (!row) throw new AppError('NOT_FOUND', `no tenant ${name}`);
    return toTenant(row);
  }
}
