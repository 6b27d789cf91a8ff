import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '@intersoc/core';
import { NODE_DB_FILE, openDatabase, openSqliteAuthStores } from '@intersoc/storage';
import { OPERATOR_PASSWORD_FILE } from './first-start.js';
import { startNode } from './server.js';

describe('first start', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the operator password to an owner-only file and logs only its path', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-first-'));
    const lines: string[] = [];
    const config = ConfigSchema.parse({
      data: dir,
      http: { port: 0 },
      syslog: { enabled: false },
      ingest: { workers: 0 },
      log: { level: 'silent' },
    });
    const node = await startNode(config, { say: (l) => lines.push(l) });
    await node.close();

    const file = path.join(dir, OPERATOR_PASSWORD_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = /^password: (\S+)$/m.exec(readFileSync(file, 'utf8'))?.[1];
    expect(password).toBeDefined();
    const db = openDatabase(path.join(dir, NODE_DB_FILE));
    try {
      const user = await openSqliteAuthStores(db).users.verifyPassword('default', 'admin', password as string);
      expect(user?.role).toBe('admin');
    } finally {
      db.close();
    }
    const banner = lines.join('\n');
    expect(banner).toContain(file);
    expect(banner).not.toContain(password);

    // A second start finds the operator and writes nothing new.
    lines.length = 0;
    const again = await startNode(config, { say: (l) => lines.push(l) });
    await again.close();
    expect(lines.join('\n')).not.toContain(OPERATOR_PASSWORD_FILE);
  });
});
