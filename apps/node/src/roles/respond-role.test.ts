/**
 * The respond role in one process, on a real PostgreSQL server (scratch databases): refused
 * without a PostgreSQL store or on an unmigrated one, with the settings or the command to run; one
 * driver per store (a second instance stands by until the first lets go of the lock on close).
 * Killed processes and resumed runs: tests/e2e/respond-role.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDb, migratePg } from '@intersoc/storage/postgres';
import { loadConfig } from '../config.js';
import { startRespondRole } from './respond-role.js';
import { startScaleOut } from './start.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-respond-role-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(roles: string, store?: string): ReturnType<typeof loadConfig> {
  return loadConfig({ data: dir, env: {}, overrides: { roles, ...(store ? { store: { url: store } } : {}) } });
}

const probe = await createScratchDb('intersoc_respond_role_probe');
if ('unavailable' in probe) console.warn(`respond role tests on PostgreSQL skipped: ${probe.unavailable}`);
else await probe.drop();

describe('respond role', () => {
  it('refuses a store that is not PostgreSQL, and respond combined with all', async () => {
    await expect(startScaleOut(config('respond'), () => undefined)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('--store postgres://') as string,
    });
    await expect(startScaleOut(config('respond', `sqlite:${dir}`), () => undefined)).rejects.toMatchObject({
      code: 'CONFIG',
    });
    await expect(
      startScaleOut(config('respond,all', 'postgres://nobody@127.0.0.1:1/none'), () => undefined),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it.skipIf(!('url' in probe))('refuses an unmigrated store, naming db migrate', async () => {
    const db = await createScratchDb('intersoc_respond_role');
    if (!('url' in db)) throw new Error(db.unavailable);
    try {
      await expect(startRespondRole(config('respond', db.url), () => undefined)).rejects.toMatchObject({
        code: 'CONFIG',
        message: expect.stringContaining('db migrate') as string,
      });
    } finally {
      await db.drop();
    }
  });

  it.skipIf(!('url' in probe))(
    'drives runs with one instance per store; the second stands by until the first closes',
    async () => {
      const db = await createScratchDb('intersoc_respond_role');
      if (!('url' in db)) throw new Error(db.unavailable);
      try {
        await migratePg(db.url);
        const logs: string[] = [];
        const a = await startRespondRole(config('respond', db.url), (m) => logs.push(`a ${m}`));
        await a.driving;
        const b = await startRespondRole(config('respond', db.url), (m) => logs.push(`b ${m}`));
        let bDriving = false;
        void b.driving.then(() => (bDriving = true));
        while (!logs.some((l) => l.startsWith('b respond: another instance drives')))
          await new Promise((r) => setTimeout(r, 20));
        expect(bDriving).toBe(false);
        await a.close();
        await b.driving;
        expect(logs.filter((l) => l.includes('driving runs'))).toEqual([
          'a respond: driving runs (resumed 0, 0 step(s) in doubt)',
          'b respond: driving runs (resumed 0, 0 step(s) in doubt)',
        ]);
        await b.close();
      } finally {
        await db.drop();
      }
    },
  );
});
