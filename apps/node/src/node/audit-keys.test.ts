import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { initIdentity } from '@intersoc/federation';
import { NODE_DB_FILE, openDatabase } from '@intersoc/storage';
import { auditKeyDir, openNodeAuthStores } from './audit-keys.js';

describe('audit key ring', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('signs with a local key before node init, with the node identity after, and trusts both', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-audit-keys-'));
    const db = openDatabase(path.join(dir, NODE_DB_FILE));
    try {
      const append = (stores: ReturnType<typeof openNodeAuthStores>, n: number) =>
        stores.audit.append({
          tenant: 'default',
          actor: `a${n}`,
          actorTenant: 'default',
          action: 'user.update',
          outcome: 'success',
        });
      const before = openNodeAuthStores(db, dir);
      await append(before, 1);
      expect(await before.audit.checkpoint()).toBe(1);
      const local = path.join(auditKeyDir(dir), 'signing.key');
      expect(statSync(local).mode & 0o777).toBe(0o600);

      const identity = initIdentity(dir, { name: 'Test SOC', sector: 'energy', country: 'FR' });
      const after = openNodeAuthStores(db, dir);
      await append(after, 2);
      expect(await after.audit.checkpoint()).toBe(1);
      const keyIds = (
        db.prepare('SELECT key_id FROM audit_checkpoints ORDER BY seq').all() as { key_id: string }[]
      ).map((r) => r.key_id);
      expect(keyIds[1]).toBe(identity.identity.nodeId);
      expect(keyIds[0]).not.toBe(identity.identity.nodeId);
      const trusted = JSON.parse(readFileSync(path.join(auditKeyDir(dir), 'keys.json'), 'utf8')) as Record<
        string,
        string
      >;
      expect(Object.keys(trusted).sort()).toEqual([...keyIds].sort());
      expect(await after.audit.verify(systemContext('default'))).toMatchObject({ ok: true, checkpoints: 2 });

      // A key nobody listed is not trusted, even if its checkpoint is well formed.
      rmSync(path.join(auditKeyDir(dir), 'keys.json'));
      rmSync(local);
      expect(existsSync(local)).toBe(false);
      const ring = openNodeAuthStores(db, dir);
      const v = await ring.audit.verify(systemContext('default'));
      expect(v).toMatchObject({ ok: false, brokenAt: 1, reason: expect.stringMatching(/not signed by a trusted key/) });
    } finally {
      db.close();
    }
  });
});
