/**
 * What `serve` refuses before it opens anything in the scale-out mode: an api role without a
 * PostgreSQL store (it has nothing to serve), and `api` combined with `all`. The api role itself
 * runs against real processes in tests/e2e/api-role.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { startScaleOut } from './start.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(roles: string, store?: string): ReturnType<typeof loadConfig> {
  return loadConfig({ data: dir, env: {}, overrides: { roles, ...(store ? { store: { url: store } } : {}) } });
}

describe('startScaleOut', () => {
  it('refuses an api role without a PostgreSQL store, naming the settings', async () => {
    await expect(startScaleOut(config('api'), () => undefined)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('--store postgres://') as string,
    });
    await expect(startScaleOut(config('api', `sqlite:${dir}`), () => undefined)).rejects.toMatchObject({
      code: 'CONFIG',
    });
  });

  it('refuses api combined with all before opening a store', async () => {
    await expect(
      startScaleOut(config('api,all', 'postgres://nobody@127.0.0.1:1/none'), () => undefined),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
