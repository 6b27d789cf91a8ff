/**
 * @module
 * PostgreSQL API token store over the synchronous bridge (same rules as `SqliteTokenStore`):
 * only the SHA-256 of a secret is kept, and resolving a secret rarely writes.
 */
import { AppError, randomId } from '@intersoc/core';
import type { AuthContext, Role } from '@intersoc/core';
import { constantTimeEqual, hashSecret, newSecret } from '../../auth/internal/secrets.js';
import { checkExpiry, checkTokenOwner, tokenName } from '../../auth/internal/validate.js';
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

/** last_used is written at most this often per token, so authentication rarely writes. */
const LAST_USED_RESOLUTION_MS = 60_000;
const TOKEN_COLUMNS = 'id, tenant, user_name, name, created, expires, last_used, revoked';

function toToken(r: TokenRow): ApiToken {
  return {
    id: r.id,
    tenant: r.tenant,
    user: r.user_name,
    name: r.name,
    created: r.created,
    expires: r.expires,
    lastUsed: r.last_used,
    revoked: r.revoked,
  };
}

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
    const owner = input.user ?? ctx.user;
    checkTokenOwner(ctx, owner);
    const name = tokenName(input.name);
    const now = Date.now();
    checkExpiry(input.expires, now);
    const [user] = this.#pg.query<{ disabled: boolean }>('SELECT disabled FROM users WHERE tenant = $1 AND name = $2', [
      ctx.tenant,
      owner,
    ]);
    if (!user) throw new AppError('NOT_FOUND', `no user ${owner} in ${ctx.tenant}`);
    if (user.disabled) throw new AppError('CONFLICT', `user ${owner} is disabled`);
    const bound = this.#boundOf(input.mintedWith);
    const secret = newSecret('ist_');
    const [row] = this.#pg.query<TokenRow>(
      `INSERT INTO api_tokens (id, tenant, user_name, name, hash, created, expires, bound_tenant, bound_user)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${TOKEN_COLUMNS}`,
      [randomId(), ctx.tenant, owner, name, hashSecret(secret), now, input.expires ?? null, bound.tenant, bound.user],
    );
    return { token: toToken(row as TokenRow), secret };
  }

  /** The password account a new token is bound to: the minter's, or its parent token's binding. */
  #boundOf(m: NewToken['mintedWith']): { tenant: string | null; user: string | null } {
    if (m === undefined) return { tenant: null, user: null };
    if (m.kind === 'password') return { tenant: m.tenant, user: m.user };
    const [parent] = this.#pg.query<{ bound_tenant: string | null; bound_user: string | null }>(
      'SELECT bound_tenant, bound_user FROM api_tokens WHERE id = $1',
      [m.id],
    );
    return { tenant: parent?.bound_tenant ?? null, user: parent?.bound_user ?? null };
  }

  async list(ctx: AuthContext, filter: { readonly user?: string } = {}): Promise<ApiToken[]> {
    // Non-admins only ever see their own tokens, whatever filter they pass.
    const user = ctx.roles.includes('admin') ? filter.user : ctx.user;
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
    const row = this.#get(ctx.tenant, id);
    // Someone else's token is reported as missing, not forbidden: its existence is not the caller's business.
    if (!row || (row.user_name !== ctx.user && !ctx.roles.includes('admin'))) {
      throw new AppError('NOT_FOUND', `no token ${id}`);
    }
    if (row.revoked !== null) return toToken(row);
    // coalesce: a concurrent revoke keeps its own time (idempotent).
    const [updated] = this.#pg.query<TokenRow>(
      `UPDATE api_tokens SET revoked = coalesce(revoked, $2) WHERE id = $1 RETURNING ${TOKEN_COLUMNS}`,
      [id, Date.now()],
    );
    return toToken(updated ?? row);
  }

  async resolve(secret: string, now = Date.now()): Promise<ResolvedIdentity | undefined> {
    if (!secret.startsWith('ist_') || secret.length > 100) return undefined;
    const hash = hashSecret(secret);
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
    if (!row || !constantTimeEqual(Buffer.from(row.hash), hash)) return undefined;
    if (row.revoked !== null || (row.expires !== null && row.expires <= now)) return undefined;
    if (row.last_used === null || now - row.last_used >= LAST_USED_RESOLUTION_MS) {
      this.#pg.run('UPDATE api_tokens SET last_used = $2 WHERE id = $1', [row.id, now]);
    }
    return { tenant: row.tenant, user: row.user_name, role: row.role, credentialId: row.id };
  }
}
