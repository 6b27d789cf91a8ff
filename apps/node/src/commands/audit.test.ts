/**
 * `intersoc audit verify` against a tampered audit store: a byte flipped in the database file,
 * an entry deleted and two entries swapped by someone with direct access to the file. Each is
 * found and the entry named. The entries come from a real playbook run through the CLI.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NODE_DB_FILE, openDatabase } from '@intersoc/storage';
import { register as registerAudit } from './audit.js';
import { register as registerPlaybook } from './playbook.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'intersoc-audit-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = 0;
});

/** Runs one CLI command in-process and returns what it printed on standard output. */
async function cli(args: string[]): Promise<{ out: string; error?: unknown }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  const program = new Command('intersoc').exitOverride();
  registerAudit(program);
  registerPlaybook(program);
  try {
    await program.parseAsync(['node', 'intersoc', ...args, '--data', dir]);
    return { out };
  } catch (error) {
    return { out, error };
  } finally {
    spy.mockRestore();
  }
}

const id = (t: string, n: number) => `${t}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** A run whose manual step is answered: about ten audit entries. */
async function someEntries(): Promise<void> {
  const [start, act, end] = [id('start', 1), id('action', 1), id('end', 1)];
  const pb = {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: id('playbook', 1),
    name: 'check a host',
    created_by: id('identity', 1),
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    workflow_start: start,
    workflow: {
      [start]: { type: 'start', on_completion: act },
      [act]: {
        type: 'action',
        commands: [{ type: 'manual', command: 'look at the host' }],
        agent: id('individual', 1),
        out_args: ['__ok__'],
        step_variables: { __ok__: { type: 'string' } },
        on_completion: end,
      },
      [end]: { type: 'end' },
    },
    agent_definitions: { [id('individual', 1)]: { type: 'individual', name: 'analyst' } },
  };
  const file = path.join(dir, 'pb.json');
  writeFileSync(file, JSON.stringify(pb));
  expect((await cli(['playbook', 'add', file])).error).toBeUndefined();
  const run = JSON.parse((await cli(['playbook', 'run', pb.id, '--json'])).out) as { run: { id: string } };
  expect((await cli(['playbook', 'answer', run.run.id, act, '__ok__=yes'])).error).toBeUndefined();
}

interface Verdict {
  tenant: string;
  ok: boolean;
  entries: number;
  brokenAt?: number;
  reason?: string;
  entry?: { seq: number; action?: string };
  findings?: { seq: number; problem: string; action?: string }[];
}

async function verify(): Promise<{ results: Verdict[]; failed: boolean }> {
  const r = await cli(['audit', 'verify', '--json']);
  return { results: JSON.parse(r.out) as Verdict[], failed: r.error !== undefined };
}

function rows(): { seq: number; action: string; prev_hash: string; hash: string }[] {
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  try {
    return db
      .prepare("SELECT seq, action, prev_hash, hash FROM audit_log WHERE tenant = 'default' ORDER BY seq")
      .all() as never;
  } finally {
    db.close();
  }
}

describe('intersoc audit verify', () => {
  it('passes an intact log, then finds a byte flipped in the database file and names the entry', async () => {
    await someEntries();
    const before = await verify();
    expect(before.failed).toBe(false);
    const all = rows();
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(before.results.find((r) => r.tenant === 'default')).toMatchObject({ ok: true, entries: all.length });
    // Flip one hex digit of entry 4's stored hash, where the record keeps it: right after its prev_hash.
    const victim = all[3] as (typeof all)[number];
    const file = path.join(dir, NODE_DB_FILE);
    // Compact first, so no stale copy of a rewritten page remains in free space: the one copy is the live one.
    const db = openDatabase(file);
    db.exec('VACUUM');
    db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const bytes = readFileSync(file);
    const needle = Buffer.from(victim.prev_hash + victim.hash, 'latin1');
    // The audit log is a WITHOUT ROWID table: a record can also sit in an interior page as a divider
    // key. Flip the copy in a leaf page (b-tree page type 0x0a), the one a read of the log returns.
    const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
    let at = -1;
    for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + 1)) {
      const page = Math.floor(i / pageSize);
      if (bytes[page * pageSize + (page === 0 ? 100 : 0)] === 0x0a) at = i;
    }
    expect(at).toBeGreaterThan(0);
    const pos = at + 64 + 10;
    bytes[pos] = (bytes[pos] as number) === 0x30 ? 0x31 : 0x30;
    writeFileSync(file, bytes);
    const after = await verify();
    expect(after.failed).toBe(true);
    const r = after.results.find((x) => x.tenant === 'default');
    expect(r).toMatchObject({ ok: false, brokenAt: victim.seq, reason: 'entry content does not match its hash' });
    expect(r?.entry).toMatchObject({ seq: victim.seq, action: victim.action });
    expect(r?.findings).toEqual([
      expect.objectContaining({ seq: victim.seq, problem: 'changed', action: victim.action }),
    ]);
  });

  it('names a removed entry and a reordered one', async () => {
    await someEntries();
    const all = rows();
    const db = openDatabase(path.join(dir, NODE_DB_FILE));
    // Someone with the file bypasses the store's append-only triggers.
    db.exec('DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update;');
    db.prepare("DELETE FROM audit_log WHERE tenant = 'default' AND seq = 3").run();
    db.close();
    let v = (await verify()).results.find((x) => x.tenant === 'default');
    expect(v).toMatchObject({ ok: false, brokenAt: 3, reason: 'entry 3 is missing' });
    expect(v?.findings).toContainEqual({ seq: 3, problem: 'missing' });

    // Put it back by swapping the content of two later entries instead: order, not content, changed.
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-audit-'));
    await someEntries();
    const db2 = openDatabase(path.join(dir, NODE_DB_FILE));
    db2.exec('DROP TRIGGER audit_log_no_update;');
    const [a, b] = db2
      .prepare("SELECT * FROM audit_log WHERE tenant = 'default' AND seq IN (5, 6) ORDER BY seq")
      .all() as Record<string, unknown>[];
    const put = db2.prepare(
      "UPDATE audit_log SET time = ?, actor = ?, action = ?, target = ?, outcome = ?, details = ?, prev_hash = ?, hash = ? WHERE tenant = 'default' AND seq = ?",
    );
    for (const [row, seq] of [
      [b, 5],
      [a, 6],
    ] as const)
      put.run(
        row?.['time'],
        row?.['actor'],
        row?.['action'],
        row?.['target'],
        row?.['outcome'],
        row?.['details'],
        row?.['prev_hash'],
        row?.['hash'],
        seq,
      );
    db2.close();
    v = (await verify()).results.find((x) => x.tenant === 'default');
    expect(v?.ok).toBe(false);
    expect(v?.brokenAt).toBe(5);
    expect(v?.findings?.map((f) => f.seq)).toEqual(expect.arrayContaining([5]));
    expect(all.length).toBeGreaterThan(6);
  });
});
