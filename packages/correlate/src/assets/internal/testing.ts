/**
 * @module
 * The asset inventory suite, run on `SqliteAssetStore` (sqlite-assets.test.ts) and `PgAssetStore`
 * (pg-assets.test.ts). Each test opens two store instances on one database (two connections), as
 * two processes sharing the store would.
 */
import { describe, expect, it } from 'vitest';
import { isAppError, systemContext, type AuthContext } from '@intersoc/core';
import type { LookupCacheOptions } from '../asset-docs.js';
import type { AssetStore } from '../types.js';

/** Two instances of the store on one database. */
export interface AssetStoreHarness {
  readonly assets: AssetStore;
  readonly other: AssetStore;
  close(): Promise<void>;
}

/** Opens a fresh database; both instances use `now` and the lookup cache options `o`. */
export type OpenAssetStores = (now: () => number, o: LookupCacheOptions) => Promise<AssetStoreHarness>;

const admin = systemContext('t1');
const admin2: AuthContext = { tenant: 't2', user: 'o', roles: ['admin'], via: 'token' };
const analyst: AuthContext = { tenant: 't1', user: 'a', roles: ['analyst'], via: 'token' };
const partner: AuthContext = { tenant: 't1', user: 'p', roles: ['partner'], via: 'token' };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAppError(err) ? err.code : `not an AppError: ${String(err)}`;
  }
  return undefined;
}

/** The suite. */
export function assetStoreSuite(name: string, open: OpenAssetStores): void {
  describe(`asset store (${name})`, () => {
    it('stores assets per tenant, admins only, and indexes aliases and addresses', async () => {
      const h = await open(() => 1000, { refreshMs: 0 });
      try {
        const { assets } = h;
        expect(
          assets.upsert(admin, [
            {
              kind: 'host',
              name: 'DC-01.corp.example.com',
              ips: ['10.0.0.10'],
              criticality: 'critical',
              role: 'domain-controller',
            },
            { kind: 'user', name: 'CORP\\adm-x', criticality: 'high' },
          ]),
        ).toBe(2);
        expect(assets.get(admin, 'host', 'dc-01')).toEqual({
          tenant: 't1',
          kind: 'host',
          name: 'dc-01',
          aliases: ['DC-01.corp.example.com'],
          ips: ['10.0.0.10'],
          criticality: 'critical',
          role: 'domain-controller',
          tags: [],
          source: 'manual',
          updated: 1000,
        });
        expect(assets.get(analyst, 'user', 'adm-x@corp.example.com')?.aliases).toEqual(['CORP\\adm-x']);
        const idx = assets.lookup(admin);
        expect(idx.hostOf('DC-01.corp.example.com')).toBe('dc-01');
        expect(idx.hostOfIp('10.0.0.10')).toBe('dc-01');
        expect(idx.criticalityOf('user', 'adm-x')).toBe('high');
        expect(codeOf(() => assets.upsert(analyst, [{ kind: 'host', name: 'x', criticality: 'low' }]))).toBe(
          'FORBIDDEN',
        );
        expect(codeOf(() => assets.list(partner))).toBe('FORBIDDEN');
        expect(codeOf(() => assets.remove(analyst, 'host', 'dc-01'))).toBe('FORBIDDEN');
        expect(assets.list(admin2)).toHaveLength(0);
        expect(assets.get(admin2, 'host', 'dc-01')).toBeUndefined();
        expect(assets.lookup(admin2).hostOfIp('10.0.0.10')).toBeUndefined();
        expect(assets.remove(admin2, 'host', 'DC-01')).toBe(false);
        expect(assets.remove(admin, 'host', 'DC-01')).toBe(true);
        expect(assets.remove(admin, 'host', 'DC-01')).toBe(false);
        expect(assets.lookup(admin).hostOfIp('10.0.0.10')).toBeUndefined();
      } finally {
        await h.close();
      }
    });

    it('replaces an asset by kind and canonical name, refuses bad input whole, and lists in byte order', async () => {
      let t = 1000;
      const h = await open(() => t, { refreshMs: 0 });
      try {
        const { assets } = h;
        assets.upsert(admin, [
          { kind: 'user', name: 'zed', criticality: 'low' },
          { kind: 'host', name: 'web-b', criticality: 'low', tags: ['dmz'] },
          { kind: 'host', name: 'Web-A', criticality: 'medium', ips: ['10.0.0.5', '10.0.0.5'] },
          { kind: 'host', name: 'WEB-Z', criticality: 'medium' },
          { kind: 'host', name: 'web-Z.corp', criticality: 'high', owner: 'ops' },
        ]);
        expect(assets.list(admin).map((a) => `${a.kind}:${a.name}`)).toEqual([
          'host:web-a',
          'host:web-b',
          'host:web-z',
          'user:zed',
        ]);
        // The last input of one key wins.
        expect(assets.get(admin, 'host', 'web-z')).toMatchObject({ criticality: 'high', owner: 'ops' });
        expect(assets.get(admin, 'host', 'web-a')?.ips).toEqual(['10.0.0.5']);
        t = 2000;
        assets.upsert(admin, [{ kind: 'host', name: 'web-b.corp', criticality: 'critical', source: 'import' }]);
        const b = assets.get(admin, 'host', 'WEB-B');
        expect([b?.criticality, b?.source, b?.updated, b?.tags, b?.aliases]).toEqual([
          'critical',
          'import',
          2000,
          [],
          ['web-b.corp'],
        ]);
        const bad = () =>
          assets.upsert(admin, [
            { kind: 'host', name: 'new-one', criticality: 'low' },
            { kind: 'host', name: 'x', criticality: 'extreme' as 'low' },
          ]);
        expect(codeOf(bad)).toBe('VALIDATION');
        expect(codeOf(() => assets.upsert(admin, [{ kind: 'user', name: 'CORP\\', criticality: 'low' }]))).toBe(
          'VALIDATION',
        );
        expect(assets.get(admin, 'host', 'new-one')).toBeUndefined();
        expect(assets.list(admin, { kind: 'host' }).map((a) => a.name)).toEqual(['web-a', 'web-b', 'web-z']);
        expect(assets.list(admin, { kind: 'user' }).map((a) => a.name)).toEqual(['zed']);
        expect(assets.list(admin, { q: ' WEB-B.C ' }).map((a) => a.name)).toEqual(['web-b']);
        expect(assets.list(admin, { q: '10.0.0.5' }).map((a) => a.name)).toEqual(['web-a']);
        expect(assets.list(admin, { kind: 'user', q: 'web' })).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it("sees another instance's writes, in its listing and in its lookup index", async () => {
      const h = await open(() => 1000, { refreshMs: 0 });
      try {
        expect(h.other.lookup(admin).hostOfIp('10.0.0.7')).toBeUndefined();
        h.assets.upsert(admin, [{ kind: 'host', name: 'db-1', ips: ['10.0.0.7'], criticality: 'high' }]);
        expect(h.other.list(admin).map((a) => a.name)).toEqual(['db-1']);
        expect(h.other.lookup(admin).hostOfIp('10.0.0.7')).toBe('db-1');
        expect(h.other.remove(admin, 'host', 'db-1')).toBe(true);
        expect(h.assets.lookup(admin).hostOfIp('10.0.0.7')).toBeUndefined();
        expect(h.assets.get(admin, 'host', 'db-1')).toBeUndefined();
      } finally {
        await h.close();
      }
    });

    it("keeps a lookup index for refreshMs, then rebuilds it only when another instance's write moved the version", async () => {
      let c = 0;
      const h = await open(() => 1000, { refreshMs: 1000, clock: () => c });
      try {
        h.assets.upsert(admin, [{ kind: 'host', name: 'a', ips: ['10.0.0.1'], criticality: 'low' }]);
        const first = h.other.lookup(admin);
        expect(first.hostOfIp('10.0.0.1')).toBe('a');
        h.assets.upsert(admin, [{ kind: 'host', name: 'b', ips: ['10.0.0.2'], criticality: 'low' }]);
        c = 999;
        expect(h.other.lookup(admin)).toBe(first);
        c = 1000;
        const second = h.other.lookup(admin);
        expect(second.hostOfIp('10.0.0.2')).toBe('b');
        c = 5000;
        expect(h.other.lookup(admin)).toBe(second);
        // A write through the instance itself is seen at once; other tenants are untouched.
        const t2 = h.other.lookup(admin2);
        h.other.upsert(admin, [{ kind: 'host', name: 'c', ips: ['10.0.0.3'], criticality: 'low' }]);
        expect(h.other.lookup(admin).hostOfIp('10.0.0.3')).toBe('c');
        expect(h.other.lookup(admin2)).toBe(t2);
      } finally {
        await h.close();
      }
    });

    it('keeps every asset written by two instances in turn, the last write of a shared one winning', async () => {
      const h = await open(() => 1000, { refreshMs: 0 });
      try {
        for (let i = 0; i < 20; i++) {
          const mine = { kind: 'host' as const, name: `h-${i}`, criticality: 'low' as const };
          const shared = { kind: 'host' as const, name: 'shared', criticality: 'high' as const, tags: [`${i}`] };
          h.assets.upsert(admin, [mine, shared]);
          h.other.upsert(admin, [shared, { ...mine, name: `o-${i}` }]);
        }
        expect(h.assets.list(admin)).toHaveLength(41);
        expect(h.other.get(admin, 'host', 'shared')?.tags).toEqual(['19']);
        expect(h.assets.lookup(admin).criticalityOf('host', 'o-19')).toBe('low');
      } finally {
        await h.close();
      }
    });
  });
}
