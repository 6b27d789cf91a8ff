/**
 * @module
 * SQLite API token store. Secrets are 256 random bits shown once; only their SHA-256 is kept,
 * so a copy of the database does not let anyone call the API.
 */
import { AppError, randomId } from '@intersoc/core';
import type { AuthContext, Role } from '@intersoc/core';
import type { SqliteDb } from '../sqlite/database.js';
import { constantTimeEqual, hashSecret, newSecret } from './internal/secrets.js';
import { checkExpiry, checkTokenOwner, tokenName } from './internal/validate.js';
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

/** last_used is written at most this often per token, so authentication rarely writes. */
const LAST_USED_RESOLUTION_MS = 60_000;
const TOKEN_COLUMNS = 'id, tenant, user, name, created, expires, last_used, revoked';

function toToken(r: TokenRow): ApiToken {
  return {
    id: r.id,
    tenant: r.tenant,
    user: r.user,
    name: r.name,
    created: r.created,
    expires: r.expires,
    lastUsed: r.last_used,
    revoked: r.revoked,
  };
}

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
    const owner = input.user ?? ctx.user;
    checkTokenOwner(ctx, owner);
    const name = tokenName(input.name);
    const now = Date.now();
    checkExpiry(input.expires, now);
    const user = this.#db.prepare('SELECT disabled FROM users WHERE tenant = ? AND name = ?').get(ctx.tenant, owner) as
      { disabled: number } | undefined;
    if (!user) throw new AppError('NOT_FOUND', `no user ${owner} in ${ctx.tenant}`);
    if (user.disabled !== 0) throw new AppError('CONFLICT', `user ${owner} is disabled`);
    const bound = this.#boundOf(input.mintedWith);
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

  /** The password account a new token is bound to: the minter's, or its parent token's binding. */
  #boundOf(m: NewToken['mintedWith']): { tenant: string | null; user: string | null } {
    if (m === undefined) return { tenant: null, user: null };
    if (m.kind === 'password') return { tenant: m.tenant, user: m.user };
    const parent = this.#db.prepare('SELECT bound_tenant, bound_user FROM api_tokens WHERE id = ?').get(m.id) as
      { bound_tenant: string | null; bound_user: string | null } | undefined;
    return { tenant: parent?.bound_tenant ?? null, user: parent?.bound_user ?? null };
  }

  async list(ctx: AuthContext, filter: { readonly user?: string } = {}): Promise<ApiToken[]> {
    // Non-admins only ever see their own tokens, whatever filter they pass.
    const user = ctx.roles.includes('admin') ? filter.user : ctx.user;
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
    const row = this.#get(ctx.tenant, id);
    // Someone else's token is reported as missing, not forbidden: its existence is not the caller's business.
    if (!row || (row.user !== ctx.user && !ctx.roles.includes('admin'))) {
      throw new AppError('NOT_FOUND', `no token ${id}`);
    }
    if (row.revoked === null) {
      this.#db.prepare('UPDATE api_tokens SET revoked = ? WHERE id = ? AND revoked IS NULL').run(Date.now(), id);
    }
    return toToken(this.#get(ctx.tenant, id) as TokenRow);
  }

  async resolve(secret: string, now = Date.now()): Promise<ResolvedIdentity | undefined> {
    if (!secret.startsWith('ist_') || secret.length > 100) return undefined;
    const hash = hashSecret(secret);
    const row = this.#db
      .prepare(
        `SELECT k.id, k.tenant, k.user, k.hash, k.expires, k.revoked, k.last_used, u.role
         FROM api_tokens k
         JOIN users u ON u.tenant = k.tenant AND u.name = k.user
         JOIN tenants t ON t.name = k.tenant
         WHERE k.hash = ? AND u.disabled = 0 AND t.disabled = 0`,
      )
      .get(hash) as
      | (Pick<TokenRow, 'id' | 'tenant' | 'user' | 'expires' | 'revoked' | 'last_used'> & { hash: Buffer; role: Role })
      | undefined;
    if (!row || !constantTimeEqual(row.hash, hash)) return undefined;
    if (row.revoked !== null || (row.expires !== null && row.expires <= now)) return undefined;
    if (row.last_used === null || now - row.last_used >= LAST_USED_RESOLUTION_MS) {
      this.#db.prepare('UPDATE api_tokens SET last_used = ? WHERE id = ?').run(now, row.id);
    }
    return { tenant: row.tenant, user: row.user, role: row.role, credentialId: row.id };
  }
}
