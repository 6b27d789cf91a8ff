/**
 * `intersoc admin --store postgres://…` on a real PostgreSQL server: after `db migrate`, tenants,
 * users and tokens are created in the PostgreSQL identity stores (not the node database in
 * --data), the token resolves there, every change is audited there and the chain verifies.
 * Skips, and says so, only when PostgreSQL is unreachable.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { NODE_DB_FILE } from '@intersoc/storage';
import { createScratchDb, migratePg, openPgAuthStores, type ScratchDb } from '@intersoc/storage/postgres';
import { register } from './admin.js';
import type { AdminIo } from './admin.js';

const db = await createScratchDb('intersoc_admin');
if (!('url' in db)) console.warn(`postgres admin tests skipped: ${db.unavailable}`);
const live = 'url' in db ? (db as ScratchDb) : undefined;
const PASSWORD = 'a long enough passphrase';

describe.skipIf(live === undefined)('intersoc admin --store postgres://', () => {
  const url = live?.url ?? '';
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-admin-pg-'));
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await live?.drop();
  });

  async function admin(args: string[], stdin = ''): Promise<string> {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    const io: AdminIo = { stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr: new PassThrough() };
    const program = new Command('intersoc').exitOverride();
    register(program, io);
    await program.parseAsync(['node', 'intersoc', 'admin', ...args, '--data', dir, '--store', url]);
    return out;
  }

  it('manages tenants, users and tokens in PostgreSQL and audits each change there', async () => {
    await migratePg(url);
    expect(await admin(['tenant', 'add', 'acme'])).toBe('tenant acme created\n');
    await admin(['user', 'add', 'alice', '--role', 'admin', '--tenant', 'acme'], `${PASSWORD}\n`);
    const secret = (await admin(['token', 'add', '--user', 'alice', '--tenant', 'acme', '--name', 'ci'])).trim();
    expect(secret).toMatch(/^ist_/);
    // Nothing went to the node database in --data.
    expect(existsSync(path.join(dir, NODE_DB_FILE))).toBe(false);

    const stores = openPgAuthStores(url);
    try {
      expect(await stores.tokens.resolve(secret)).toMatchObject({ tenant: 'acme', user: 'alice', role: 'admin' });
      expect((await stores.users.verifyPassword('acme', 'alice', PASSWORD))?.name).toBe('alice');
      const page = await stores.audit.list(systemContext('acme'));
      expect(page.items.map((e) => e.action)).toEqual(['token.create', 'user.create']);
      expect(JSON.stringify(page.items)).not.toContain(PASSWORD);
    } finally {
      await stores.close();
    }
    const verified = JSON.parse(await admin(['audit', 'verify', '--json'])) as unknown;
    expect(JSON.stringify(verified)).toContain('"ok":true');
    expect(JSON.stringify(verified)).not.toContain('"ok":false');
  });
});
