/**
 * @module
 * SQLite API token store. Secrets are 256 random bits shown once; only their SHA-256 is kept,
 * so a copy of the database does not let anyone call the API.
 */
import { randomId } from '@intersoc/core';
import type { AuthContext } from '@intersoc/core';
import type { SqliteDb } from '../sqlite/database.js';
import { hashSecret, newSecret } from './internal/secrets.js';
import {
  boundOf,
  checkNewToken,
  listedOwner,
  requireEnabledOwner,
  requireVisibleToken,
  resolvedToken,
  toToken,
  tokenLookupHash,
} from './internal/tokens.js';
import type { TokenMatch } from './internal/tokens.js';
import type { ApiToken, NewToken, ResolvedIdentity, TokenStore } from './types.js';

interface TokenRow {
  id: string;
  tenant: string;
  user: string;
  name: string;
  created: number;
  expires: number | null;
  last_used: number | null;
  revoked: number | null;
}

const TOKEN_COLUMNS = 'id, tenant, user, name, created, expires, last_used, revoked';

/** API tokens in the node database. */
export class SqliteTokenStore implements TokenStore {
  readonly #db: SqliteDb;

  constructor(db: SqliteDb) {
    this.#db = db;
  }

  #get(tenant: string, id: string): TokenRow | undefined {
    return this.#db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE tenant = ? AND id = ?`).get(tenant, id) as
      TokenRow | undefined;
  }

  async create(ctx: AuthContext, input: NewToken): Promise<{ token: ApiToken; secret: string }> {
    const { owner, name, now } = checkNewToken(ctx, input);
    const user = this.#db.prepare('SELECT disabled FROM users WHERE tenant = ? AND name = ?').get(ctx.tenant, owner) as
      { disabled: number } | undefined;
    requireEnabledOwner(user, ctx.tenant, owner);
    const bound = boundOf(input.mintedWith, (parent) => this.#binding(parent));
    const secret = newSecret('ist_');
    const id = randomId();
    this.#db
      .prepare(
        `INSERT INTO api_tokens (id, tenant, user, name, hash, created, expires, bound_tenant, bound_user)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, ctx.tenant, owner, name, hashSecret(secret), now, input.expires ?? null, bound.tenant, bound.user);
    return { token: toToken(this.#get(ctx.tenant, id) as TokenRow), secret };
  }

  #binding(id: string): { bound_tenant: string | null; bound_user: string | null } | undefined {
    return this.#db.prepare('SELECT bound_tenant, bound_user FROM api_tokens WHERE id = ?').get(id) as
      { bound_tenant: string | null; bound_user: string | null } | undefined;
  }

  async list(ctx: AuthContext, filter: { readonly user?: string } = {}): Promise<ApiToken[]> {
    const user = listedOwner(ctx, filter);
    const rows = (
      user === undefined
        ? this.#db
            .prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE tenant = ? ORDER BY created, id`)
            .all(ctx.tenant)
        : this.#db
            .prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE tenant = ? AND user = ? ORDER BY created, id`)
            .all(ctx.tenant, user)
    ) as TokenRow[];
    return rows.map(toToken);
  }

  async revoke(ctx: AuthContext, id: string): Promise<ApiToken> {
    const row = requireVisibleToken(ctx, this.#get(ctx.tenant, id), id);
    if (row.revoked === null) {
      this.#db.prepare('UPDATE api_tokens SET revoked = ? WHERE id = ? AND revoked IS NULL').run(Date.now(), id);
    }
    return toToken(this.#get(ctx.tenant, id) as TokenRow);
  }

  async resolve(secret: string, now = Date.now()): Promise<ResolvedIdentity | undefined> {
    const hash = tokenLookupHash(secret);
    if (!hash) return undefined;
    const row = this.#db
      .prepare(
        `SELECT k.id, k.tenant, k.user, k.hash, k.expires, k.revoked, k.last_used, u.role
         FROM api_tokens k
         JOIN users u ON u.tenant = k.tenant AND u.name = k.user
         JOIN tenants t ON t.name = k.tenant
         WHERE k.hash = ? AND u.disabled = 0 AND t.disabled = 0`,
      )
      .get(hash) as TokenMatch | undefined;
    return resolvedToken(row, hash, now, (tokenId) => {
      this.#db.prepare('UPDATE api_tokens SET last_used = ? WHERE id = ?').run(now, tokenId);
    });
  }
}
