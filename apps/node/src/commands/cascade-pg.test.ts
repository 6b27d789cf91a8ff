/**
 * `intersoc cascade … --store postgres://…` on a real PostgreSQL server (a scratch database): the
 * graphs go to the shared store the api role serves (read back here with `PgGraphStore`), not to
 * the node database in --data; a store that is not PostgreSQL, or not migrated, is refused with
 * what to do. Skips, and says so, only when PostgreSQL is unreachable.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { systemContext } from '@intersoc/core';
import { PgGraphStore } from '@intersoc/cascade';
import { NODE_DB_FILE } from '@intersoc/storage';
import { createScratchDb, migratePg, openSyncPg, type ScratchDb } from '@intersoc/storage/postgres';
import { register } from './cascade.js';

const probe = await createScratchDb('intersoc_cascade_cli');
if (!('url' in probe)) console.warn(`cascade CLI tests on PostgreSQL skipped: ${probe.unavailable}`);
const db = 'url' in probe ? (probe as ScratchDb) : undefined;

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-cascade-pg-'));
const data = path.join(dir, 'data');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});
afterEach(() => vi.restoreAllMocks());

async function cascade(args: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'cascade', ...args, '--data', data]);
  return out;
}

describe.skipIf(!db)('intersoc cascade --store postgres://', () => {
  const url = db?.url ?? '';

  it('refuses a store that is not PostgreSQL, and one that is not migrated', async () => {
    await expect(cascade(['list', '--store', `sqlite:${dir}`])).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(cascade(['list', '--store', url])).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('db migrate') as string,
    });
  });

  it('imports into, analyses from and deletes in the shared store, per tenant', async () => {
    await migratePg(url);
    const csv = path.join(dir, 'deps.csv');
    writeFileSync(csv, 'source,target\ntelecom,power\nbank,telecom\n');
    const imported = JSON.parse(
      await cascade(['import', csv, '--graph', 'g1', '--tenant', 'acme', '--store', url, '--json']),
    ) as Record<string, unknown>;
    expect(imported).toMatchObject({ name: 'g1', entities: 3, dependencies: 2 });
    expect(existsSync(path.join(data, NODE_DB_FILE))).toBe(false);
    const pg = openSyncPg(url);
    try {
      const store = new PgGraphStore(pg);
      expect(store.list(systemContext('acme')).map((g) => g.name)).toEqual(['g1']);
      expect(store.list(systemContext('globex'))).toEqual([]);
    } finally {
      await pg.close();
    }
    const impact = await cascade([
      'impact',
      '--graph',
      'g1',
      '--fail',
      'power',
      '--tenant',
      'acme',
      '--store',
      url,
      '--json',
    ]);
    expect(JSON.parse(impact)).toEqual({
      failed: ['power', 'telecom', 'bank'],
      steps: [['power'], ['telecom'], ['bank']],
    });
    expect(JSON.parse(await cascade(['list', '--tenant', 'globex', '--store', url, '--json']))).toEqual([]);
    await cascade(['delete', '--graph', 'g1', '--tenant', 'acme', '--store', url]);
    expect(JSON.parse(await cascade(['list', '--tenant', 'acme', '--store', url, '--json']))).toEqual([]);
  });
});
