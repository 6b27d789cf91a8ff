/**
 * @module
 * Sigma rule packs and tuning in the PostgreSQL store, shared by every role of a scaled-out node.
 * A pack is kept as its rule files (path within the pack and YAML text), not as compiled rules:
 * each role compiles them with its own engine version, exactly as it compiles a pack on disk.
 * Every change bumps `rule_revision` in the same transaction; roles poll that one row and reload
 * only when it moved. Tuning is stored as the JSON the node validates (`RuleTuning`): the store
 * does not know Sigma.
 */
import { AppError } from '@intersoc/core';
import { openPg, storageError, type PgSql, type PgTx } from '../connect.js';

/** One rule file of a pack. */
export interface RulePackFile {
  /** Path inside the pack, `/`-separated, relative. */
  readonly path: string;
  readonly text: string;
}

/** A stored pack. */
export interface StoredRulePack {
  readonly tenant: string;
  readonly name: string;
  readonly files: readonly RulePackFile[];
  /** Rule documents that loaded when it was added. */
  readonly documents: number;
  /** Epoch ms. */
  readonly added: number;
}

/** Every pack and tuning at one revision. */
export interface RulesSnapshot {
  readonly rev: number;
  readonly packs: readonly StoredRulePack[];
  readonly tuning: readonly { readonly tenant: string; readonly tuning: Record<string, unknown> }[];
}

/** Safe relative path: no absolute paths, no `..`, no empty segments. */
function checkPath(p: string): void {
  if (
    p === '' ||
    p.startsWith('/') ||
    p.split('/').some((s) => s === '' || s === '.' || s === '..') ||
    p.includes('\\')
  )
    throw new AppError('VALIDATION', `rule pack file path "${p}" must be relative, without "." or ".." segments`);
}

/** The shared rule packs of a migrated store (`intersoc db migrate`). */
export class PgRulePacks {
  private constructor(
    private readonly sql: PgSql,
    private readonly url: string,
  ) {}

  /** A small pool on `url`. */
  static open(url: string): PgRulePacks {
    return new PgRulePacks(openPg(url, { max: 2 }), url);
  }

  private async run<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw storageError(this.url, what, err);
    }
  }

  private async bump(tx: PgTx): Promise<number> {
    const [row] = await tx<{ rev: number }[]>`UPDATE rule_revision SET rev = rev + 1 WHERE id = 1 RETURNING rev`;
    return row?.rev ?? 0;
  }

  /** Adds a pack; `CONFLICT` when the tenant has one of that name and `replace` is not set. Returns the revision. */
  async add(
    tenant: string,
    name: string,
    files: readonly RulePackFile[],
    documents: number,
    opts: { replace?: boolean } = {},
  ): Promise<number> {
    for (const f of files) checkPath(f.path);
    return this.run('cannot store the rule pack', () =>
      this.sql.begin(async (tx) => {
        const json = tx.json(files.map((f) => ({ path: f.path, text: f.text })));
        const rows = opts.replace
          ? await tx`INSERT INTO rule_packs (tenant, name, files, documents, added)
              VALUES (${tenant}, ${name}, ${json}, ${documents}, ${Date.now()})
              ON CONFLICT (tenant, name) DO UPDATE SET files = EXCLUDED.files, documents = EXCLUDED.documents, added = EXCLUDED.added
              RETURNING name`
          : await tx`INSERT INTO rule_packs (tenant, name, files, documents, added)
              VALUES (${tenant}, ${name}, ${json}, ${documents}, ${Date.now()})
              ON CONFLICT (tenant, name) DO NOTHING RETURNING name`;
        if (rows.length === 0)
          throw new AppError(
            'CONFLICT',
            `tenant ${tenant} already has a rule pack "${name}" in the store; pass --name`,
          );
        return this.bump(tx);
      }),
    );
  }

  /** Removes a pack; false when there was none. */
  async remove(tenant: string, name: string): Promise<boolean> {
    return this.run('cannot remove the rule pack', () =>
      this.sql.begin(async (tx) => {
        const rows = await tx`DELETE FROM rule_packs WHERE tenant = ${tenant} AND name = ${name} RETURNING name`;
        if (rows.length > 0) await this.bump(tx);
        return rows.length > 0;
      }),
    );
  }

  /** Replaces a tenant's tuning. Returns the revision. */
  async setTuning(tenant: string, tuning: Record<string, unknown>): Promise<number> {
    return this.run('cannot store the rule tuning', () =>
      this.sql.begin(async (tx) => {
        await tx`INSERT INTO rule_tuning (tenant, tuning, modified) VALUES (${tenant}, ${tx.json(tuning as never)}, ${Date.now()})
          ON CONFLICT (tenant) DO UPDATE SET tuning = EXCLUDED.tuning, modified = EXCLUDED.modified`;
        return this.bump(tx);
      }),
    );
  }

  /** A tenant's tuning (empty when none). */
  async tuning(tenant: string): Promise<Record<string, unknown>> {
    return this.run('cannot read the rule tuning', async () => {
      const [row] = await this.sql<{ tuning: Record<string, unknown> }[]>`
        SELECT tuning FROM rule_tuning WHERE tenant = ${tenant}`;
      return row?.tuning ?? {};
    });
  }

  /** A tenant's packs, without their files. */
  async list(tenant: string): Promise<{ name: string; documents: number; files: number; added: number }[]> {
    return this.run('cannot list the rule packs', () =>
      this.sql<{ name: string; documents: number; files: number; added: number }[]>`
        SELECT name, documents, jsonb_array_length(files) AS files, added FROM rule_packs
        WHERE tenant = ${tenant} ORDER BY name`.then((r) => [...r]),
    );
  }

  /** The revision: changes whenever a pack or a tuning changes. */
  async revision(): Promise<number> {
    return this.run('cannot read the rule revision', async () => {
      const [row] = await this.sql<{ rev: number }[]>`SELECT rev FROM rule_revision WHERE id = 1`;
      return row?.rev ?? 0;
    });
  }

  /** Every pack and tuning, consistent at one revision (one repeatable-read transaction). */
  async snapshot(): Promise<RulesSnapshot> {
    return this.run('cannot read the rule packs', () =>
      this.sql.begin('isolation level repeatable read', async (tx) => {
        const [r] = await tx<{ rev: number }[]>`SELECT rev FROM rule_revision WHERE id = 1`;
        const packs = await tx<StoredRulePack[]>`
          SELECT tenant, name, files, documents, added FROM rule_packs ORDER BY tenant, name`;
        const tuning = await tx<{ tenant: string; tuning: Record<string, unknown> }[]>`
          SELECT tenant, tuning FROM rule_tuning ORDER BY tenant`;
        return { rev: r?.rev ?? 0, packs: [...packs], tuning: [...tuning] };
      }),
    );
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
