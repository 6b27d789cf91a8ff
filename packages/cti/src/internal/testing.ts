/**
 * @module
 * The CTI store suite: one set of tests every `CtiStore` implementation must pass, run on SQLite
 * (`store/sqlite-store.test.ts`) and PostgreSQL (`store/pg-store.test.ts`). Each test opens a
 * fresh, empty store.
 */
import { describe, expect, it } from 'vitest';
import { systemContext, type AuthContext } from '@intersoc/core';
import { TLP_V2_MARKINGS } from '../taxonomies/tlp.js';
import type { CtiStore } from '../store/types.js';

/** A fresh store (with a clock when given) and how to dispose of it. */
export type OpenCtiStore = (options?: { readonly now?: () => number }) => Promise<{
  readonly store: CtiStore;
  close(): Promise<void>;
}>;

const analyst = systemContext('acme');
const viewer: AuthContext = { tenant: 'acme', user: 'v', roles: ['viewer'], via: 'token' };
const partner: AuthContext = { tenant: 'acme', user: 'peer-soc', roles: ['partner'], via: 'token' };
const other = systemContext('globex');

const ind = (n: number, modified: string, markings?: string[]) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--00000000-0000-4000-8000-00000000000${n}`,
  created: '2024-01-01T00:00:00.000Z',
  modified,
  pattern: "[ipv4-addr:value = '198.51.100.1']",
  pattern_type: 'stix',
  valid_from: '2024-01-01T00:00:00Z',
  ...(markings ? { object_marking_refs: markings } : {}),
});

/** Registers the suite under `name`. */
export function ctiStoreSuite(name: string, open: OpenCtiStore): void {
  const withStore = (options: { readonly now?: () => number } | undefined, fn: (s: CtiStore) => void) => async () => {
    const h = await open(options);
    try {
      fn(h.store);
    } finally {
      await h.close();
    }
  };

  describe(`CTI store (${name})`, () => {
    it(
      `keeps every version and returns the latest by default`,
      withStore(undefined, (s) => {
        const r = s.put(analyst, [ind(1, '2024-01-01T00:00:00.000Z'), ind(1, '2024-02-01T00:00:00.000Z')], {
          source: 'local',
        });
        expect(r.map((x) => x.status)).toEqual(['added', 'added']);
        expect(s.put(analyst, [ind(1, '2024-01-01T00:00:00.000Z')], { source: 'local' })[0]?.status).toBe('duplicate');
        expect(s.get(analyst, ind(1, '').id).map((o) => o.version)).toEqual(['2024-02-01T00:00:00.000Z']);
        expect(s.get(analyst, ind(1, '').id, 'first').map((o) => o.version)).toEqual(['2024-01-01T00:00:00.000Z']);
        expect(s.get(analyst, ind(1, '').id, 'all')).toHaveLength(2);
      }),
    );
    it(
      `rejects invalid objects with a reason`,
      withStore(undefined, (s) => {
        const [r] = s.put(analyst, [{ ...ind(2, '2023-01-01T00:00:00.000Z') }], { source: 'local' });
        expect(r?.status).toBe('rejected');
        expect(r?.reason).toContain('modified');
      }),
    );
    it(
      `rejects an object whose timestamp is not a string and stores the valid ones beside it`,
      withStore(undefined, (s) => {
        const bad = { ...ind(5, '2024-01-01T00:00:00.000Z'), created: { $gt: 1 } };
        const r = s.put(analyst, [bad, ind(6, '2024-01-01T00:00:00.000Z')], { source: 'taxii' });
        expect(r.map((x) => x.status)).toEqual(['rejected', 'added']);
        expect(r[0]?.reason).toMatch(/created.*not a STIX timestamp/);
        expect(s.count(analyst)).toBe(1);
      }),
    );
    it(
      `isolates tenants and requires a writer role`,
      withStore(undefined, (s) => {
        s.put(analyst, [ind(3, '2024-01-01T00:00:00.000Z')], { source: 'local' });
        expect(s.count(other)).toBe(0);
        expect(s.count(viewer)).toBe(1);
        expect(() => s.put(viewer, [ind(4, '2024-01-01T00:00:00.000Z')], { source: 'local' })).toThrow(/role/);
      }),
    );
    it(
      `enforces the TLP ceiling for partners`,
      withStore(undefined, (s) => {
        s.put(
          analyst,
          [
            ind(5, '2024-01-01T00:00:00.000Z', [TLP_V2_MARKINGS.green]),
            ind(6, '2024-01-01T00:00:00.000Z', [TLP_V2_MARKINGS.red]),
            ind(7, '2024-01-01T00:00:00.000Z', ['marking-definition--826578e1-40ad-459f-bc73-ede076f81f37']),
            ind(8, '2024-01-01T00:00:00.000Z'),
          ],
          { source: 'local' },
        );
        expect(s.count(analyst)).toBe(4);
        const seen = s.query(partner).objects.map((o) => [o.id.slice(-1), o.tlp ?? 'unmarked']);
        expect(seen).toEqual([
          ['5', 'green'],
          ['8', 'unmarked'],
        ]);
      }),
    );
    it(
      `pages with a cursor and revokes by adding a version`,
      withStore({ now: () => Date.parse('2024-06-01T00:00:00Z') }, (s) => {
        s.put(
          analyst,
          [1, 2, 3].map((n) => ind(n, '2024-01-01T00:00:00.000Z')),
          { source: 'taxii', via: 'peer' },
        );
        const p1 = s.query(analyst, { limit: 2 });
        expect(p1.objects).toHaveLength(2);
        const p2 = s.query(analyst, { limit: 2, ...(p1.next ? { after: p1.next } : {}) });
        expect(p2.objects.map((o) => o.id.slice(-1))).toEqual(['3']);
        expect(p2.next).toBeUndefined();
        const revoked = s.revoke(analyst, ind(2, '').id);
        expect(revoked?.revoked).toBe(true);
        expect(revoked?.version).toBe('2024-06-01T00:00:00.000Z');
        expect(s.query(analyst, { includeRevoked: false }).objects.map((o) => o.id.slice(-1))).toEqual(['1', '3']);
        expect(s.delete(analyst, ind(2, '').id)).toBe(2);
      }),
    );
  });
}
