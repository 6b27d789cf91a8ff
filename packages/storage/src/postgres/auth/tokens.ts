/**
 * @module
 * PostgreSQL API token store over the synchronous bridge (same rules as `SqliteTokenStore`):
 * only the SHA-256 of a secret is kept, and resolving a secret rarely writes.
 */
import { randomId } from '@intersoc/core';
import type { AuthContext, Role } from '@intersoc/core';
import { hashSecret, newSecret } from '../../auth/internal/secrets.js';
import {
  boundOf,
  checkNewToken,
  listedOwner,
  requireEnabledOwner,
  requireVisibleToken,
  resolvedToken,
  toToken,
  tokenLookupHash,
} from '../../auth/internal/tokens.js';
import type { ApiToken, NewToken, ResolvedIdentity, TokenStore } from '../../auth/types.js';
import type { SyncPg } from '../sync/bridge.js';

interface TokenRow {
  id: string;
  tenant: string;
  user_name: string;
  name: string;
  created: number;
  expires: number | null;
  last_used: number | null;
  revoked: number | null;
}

const TOKEN_COLUMNS = 'id, tenant, user_name, name, created, expires, last_used, revoked';

/** API tokens in the PostgreSQL store. */
export class PgTokenStore implements TokenStore {
  readonly #pg: SyncPg;

  constructor(pg: SyncPg) {
    this.#pg = pg;
  }

  #get(tenant: string, id: string): TokenRow | undefined {
    return this.#pg.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE tenant = $1 AND id = $2`, [
      tenant,
      id,
    ])[0];
  }

  async create(ctx: AuthContext, input: NewToken): Promise<{ token: ApiToken; secret: string }> {
    const { owner, name, now } = checkNewToken(ctx, input);
    const [user] = this.#pg.query<{ disabled: boolean }>('SELECT disabled FROM users WHERE tenant = $1 AND name = $2', [
      ctx.tenant,
      owner,
    ]);
    requireEnabledOwner(user, ctx.tenant, owner);
    const bound = boundOf(input.mintedWith, (parent) => this.#binding(parent));
    const secret = newSecret('ist_');
    const [row] = this.#pg.query<TokenRow>(
      `INSERT INTO api_tokens (id, tenant, user_name, name, hash, created, expires, bound_tenant, bound_user)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${TOKEN_COLUMNS}`,
      [randomId(), ctx.tenant, owner, name, hashSecret(secret), now, input.expires ?? null, bound.tenant, bound.user],
    );
    return { token: toToken(row as TokenRow), secret };
  }

  #binding(id: string): { bound_tenant: string | null; bound_user: string | null } | undefined {
    return this.#pg.query<{ bound_tenant: string | null; bound_user: string | null }>(
      'SELECT bound_tenant, bound_user FROM api_tokens WHERE id = $1',
      [id],
    )[0];
  }

  async list(ctx: AuthContext, filter: { readonly user?: string } = {}): Promise<ApiToken[]> {
    const user = listedOwner(ctx, filter);
    const rows =
      user === undefined
        ? this.#pg.query<TokenRow>(
            `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE tenant = $1 ORDER BY created, id COLLATE "C"`,
            [ctx.tenant],
          )
        : this.#pg.query<TokenRow>(
            `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE tenant = $1 AND user_name = $2
             ORDER BY created, id COLLATE "C"`,
            [ctx.tenant, user],
          );
    return rows.map(toToken);
  }

  async revoke(ctx: AuthContext, id: string): Promise<ApiToken> {
    const row = requireVisibleToken(ctx, this.#get(ctx.tenant, id), id);
    if (row.revoked !== null) return toToken(row);
    // coalesce: a concurrent revoke keeps its own time (idempotent).
    const [updated] = this.#pg.query<TokenRow>(
      `UPDATE api_tokens SET revoked = coalesce(revoked, $2) WHERE id = $1 RETURNING ${TOKEN_COLUMNS}`,
      [id, Date.now()],
    );
    return toToken(updated ?? row);
  }

  async resolve(secret: string, now = Date.now()): Promise<ResolvedIdentity | undefined> {
    const hash = tokenLookupHash(secret);
    if (!hash) return undefined;
    const [row] = this.#pg.query<{
      id: string;
      tenant: string;
      user_name: string;
      hash: Uint8Array;
      expires: number | null;
      revoked: number | null;
      last_used: number | null;
      role: Role;
    }>(
      `SELECT k.id, k.tenant, k.user_name, k.hash, k.expires, k.revoked, k.last_used, u.role
       FROM api_tokens k
       JOIN users u ON u.tenant = k.tenant AND u.name = k.user_name
       JOIN tenants t ON t.name = k.tenant
       WHERE k.hash = $1 AND NOT u.disabled AND NOT t.disabled`,
      [hash],
    );
    const match = row && { ...row, user: row.user_name, hash: Buffer.from(row.hash) };
    return resolvedToken(match, hash, now, (tokenId) => {
      this.#pg.run('UPDATE api_tokens SET last_used = $2 WHERE id = $1', [tokenId, now]);
    });
  }
}
