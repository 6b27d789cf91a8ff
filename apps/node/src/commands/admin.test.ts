import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import { NODE_DB_FILE, openDatabase, openSqliteAuthStores } from '@intersoc/storage';
import { durationSeconds, register } from './admin.js';
import type { AdminIo } from './admin.js';

const PASSWORD = 'a long enough passphrase';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'intersoc-admin-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `intersoc admin ...` in-process with the given standard input; returns what it printed. */
async function admin(args: string[], stdin = ''): Promise<{ stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: '', err: '' };
  stdout.on('data', (c: Buffer) => (chunks.out += c.toString()));
  stderr.on('data', (c: Buffer) => (chunks.err += c.toString()));
  const io: AdminIo = { stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr };
  const program = new Command('intersoc').exitOverride();
  register(program, io);
  await program.parseAsync(['node', 'intersoc', 'admin', ...args, '--data', dir]);
  return { stdout: chunks.out, stderr: chunks.err };
}

async function fails(args: string[], stdin = ''): Promise<string> {
  const err = await admin(args, stdin).then(
    () => undefined,
    (e: unknown) => e,
  );
  return isAppError(err) ? err.code : String(err);
}

describe('intersoc admin', () => {
  it('creates a tenant, an admin with a password from stdin, and a token printed once', async () => {
    expect((await admin(['tenant', 'add', 'acme', '--display-name', 'ACME'])).stdout).toBe('tenant acme created\n');
    const user = await admin(
      ['user', 'add', 'alice', '--role', 'admin', '--tenant', 'acme', '--json'],
      `${PASSWORD}\n`,
    );
    expect(JSON.parse(user.stdout)).toMatchObject({ tenant: 'acme', name: 'alice', role: 'admin', hasPassword: true });
    expect(user.stdout + user.stderr).not.toContain(PASSWORD);

    const token = await admin([
      'token',
      'add',
      '--user',
      'alice',
      '--tenant',
      'acme',
      '--name',
      'ci',
      '--expires-in',
      '30d',
    ]);
    const secret = token.stdout.trim();
    expect(secret).toMatch(/^ist_[A-Za-z0-9_-]{43}$/);
    expect(token.stderr).toMatch(/not shown again/);
    const list = await admin(['token', 'list', '--tenant', 'acme', '--json']);
    expect(list.stdout).not.toContain(secret);
    expect(JSON.parse(list.stdout).items[0]).toMatchObject({ user: 'alice', name: 'ci', revoked: null });

    const db = openDatabase(path.join(dir, NODE_DB_FILE));
    try {
      const stores = openSqliteAuthStores(db);
      expect(await stores.tokens.resolve(secret)).toMatchObject({ tenant: 'acme', user: 'alice', role: 'admin' });
      expect((await stores.users.verifyPassword('acme', 'alice', PASSWORD))?.name).toBe('alice');
    } finally {
      db.close();
    }
  });

  it('lists, changes roles, disables users and revokes tokens', async () => {
    await admin(['user', 'add', 'root', '--role', 'admin'], `${PASSWORD}\n`);
    await admin(['user', 'add', 'svc', '--role', 'analyst', '--no-password']);
    expect((await admin(['user', 'list'])).stdout).toMatch(/svc\s+analyst\s+enabled\s+no/);
    expect((await admin(['user', 'set-role', 'svc', 'viewer', '--json'])).stdout).toContain('"role":"viewer"');
    const id = JSON.parse((await admin(['token', 'add', '--user', 'svc', '--json'])).stdout).token.id as string;
    expect((await admin(['token', 'revoke', id])).stdout).toBe(`token ${id} revoked\n`);
    expect((await admin(['user', 'disable', 'svc'])).stdout).toBe('user svc disabled\n');
    expect(await fails(['user', 'disable', 'root'])).toBe('CONFLICT');
    await admin(['user', 'passwd', 'root'], `${PASSWORD} v2\n`);
  });

  it('adds trainees and instructors like the other roles', async () => {
    const t = await admin(['user', 'add', 'tina', '--role', 'trainee', '--json'], `${PASSWORD}\n`);
    expect(JSON.parse(t.stdout)).toMatchObject({ tenant: 'default', name: 'tina', role: 'trainee', hasPassword: true });
    const i = await admin(['user', 'add', 'ivan', '--role', 'instructor', '--no-password', '--json']);
    expect(JSON.parse(i.stdout)).toMatchObject({ name: 'ivan', role: 'instructor', hasPassword: false });
    expect((await admin(['user', 'set-role', 'ivan', 'trainee', '--json'])).stdout).toContain('"role":"trainee"');
  });

  it('adds a data protection officer (role dpo)', async () => {
    const d = await admin(['user', 'add', 'dora', '--role', 'dpo', '--json'], `${PASSWORD}\n`);
    expect(JSON.parse(d.stdout)).toMatchObject({ tenant: 'default', name: 'dora', role: 'dpo', hasPassword: true });
  });

  it('refuses bad input with AppErrors', async () => {
    expect(await fails(['user', 'add', 'bob', '--role', 'king'], `${PASSWORD}\n`)).toBe('VALIDATION');
    expect(await fails(['user', 'add', 'bob', '--role', 'viewer'], '')).toBe('VALIDATION');
    expect(await fails(['user', 'add', 'bob', '--role', 'viewer'], 'short\n')).toBe('VALIDATION');
    expect(await fails(['user', 'add', 'bob', '--role', 'viewer', '--tenant', 'nosuch'], `${PASSWORD}\n`)).toBe(
      'NOT_FOUND',
    );
    expect(await fails(['tenant', 'add', 'Bad Name'])).toBe('VALIDATION');
    expect(await fails(['token', 'add', '--user', 'ghost'])).toBe('NOT_FOUND');
    expect(await fails(['tenant', 'disable', 'default'])).toBe('CONFLICT');
    expect(() => durationSeconds('5s')).toThrow(/at least 60/);
    expect(durationSeconds('2w')).toBe(1_209_600);
  });

  it('audits every change, including failures, and verifies the chains', async () => {
    await admin(['tenant', 'add', 'acme']);
    await admin(['user', 'add', 'alice', '--role', 'admin', '--tenant', 'acme'], `${PASSWORD}\n`);
    await fails(['user', 'add', 'alice', '--role', 'admin', '--tenant', 'acme'], `${PASSWORD}\n`);
    const log = JSON.parse((await admin(['audit', 'list', '--tenant', 'acme', '--json'])).stdout) as {
      items: { action: string; outcome: string; actor: string; details: Record<string, unknown> }[];
    };
    expect(log.items.map((e) => `${e.action}:${e.outcome}`)).toEqual(['user.create:failure', 'user.create:success']);
    expect(log.items[0]?.details).toMatchObject({ via: 'cli', error: 'CONFLICT' });
    expect(JSON.stringify(log)).not.toContain(PASSWORD);
    const verify = await admin(['audit', 'verify', '--json']);
    expect(JSON.parse(verify.stdout).items.map((r: { tenant: string; ok: boolean }) => `${r.tenant}:${r.ok}`)).toEqual([
      'acme:true',
      'default:true',
    ]);

    const db = openDatabase(path.join(dir, NODE_DB_FILE));
    db.exec(
      "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET outcome = 'success' WHERE tenant = 'acme' AND seq = 2",
    );
    db.close();
    expect(await fails(['audit', 'verify'])).toBe('STORAGE');
  });

  it('fails verification when the newest entries are deleted, or the log is rewritten and re-hashed', async () => {
    await admin(['tenant', 'add', 'acme']);
    for (const name of ['alice', 'bob', 'carol']) {
      await admin(['user', 'add', name, '--role', 'viewer', '--tenant', 'acme'], `${PASSWORD}\n`);
    }
    expect((await admin(['audit', 'verify', '--tenant', 'acme'])).stdout).toMatch(/^acme: ok, 3 entries/);
    const db = openDatabase(path.join(dir, NODE_DB_FILE));
    const copy = db.prepare("SELECT * FROM audit_log WHERE tenant = 'acme' ORDER BY seq").all() as Record<
      string,
      unknown
    >[];
    // Truncation: drop the newest entry; what remains is a valid chain.
    db.exec("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE tenant = 'acme' AND seq = 3");
    db.close();
    expect(await fails(['audit', 'verify', '--tenant', 'acme'])).toBe('STORAGE');

    // Rewriting: replace the log with one computed from scratch by the store itself (so every
    // link and hash is right), where bob's creation never happened.
    const db2 = openDatabase(path.join(dir, NODE_DB_FILE));
    db2.exec("DELETE FROM audit_log WHERE tenant = 'acme'");
    const forged = openSqliteAuthStores(db2).audit;
    for (const e of copy.filter((r) => r['target'] !== 'bob')) {
      await forged.append({
        tenant: 'acme',
        actor: String(e['actor']),
        actorTenant: String(e['actor_tenant']),
        action: String(e['action']),
        target: String(e['target']),
        outcome: 'success',
        time: Number(e['time']),
        details: JSON.parse(String(e['details'])) as Record<string, string>,
      });
    }
    db2.close();
    expect(await fails(['audit', 'verify', '--tenant', 'acme'])).toBe('STORAGE');
  });
});
