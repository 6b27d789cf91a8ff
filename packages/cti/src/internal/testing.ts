/**
 * @module
 * The store suites: one set of tests every implementation must pass, run on SQLite and on
 * PostgreSQL. `ctiStoreSuite` for `CtiStore` (`store/sqlite-store.test.ts`,
 * `store/pg-store.test.ts`), each test on a fresh, empty store; `taxiiBackendSuite` for
 * `TaxiiStore` (`taxii/backend.test.ts`, `taxii/pg-backend.test.ts`), each test on a fresh store
 * with two handles (two connections, as two processes would hold), its last test serving the
 * store over HTTP for what clients see: `X-TAXII-Date-Added-*`, `more`/`next`, and the TLP
 * ceiling and tenant boundary of a collection.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { systemContext, type AuthContext } from '@intersoc/core';
import { TLP_V2_MARKINGS, type TlpLevel } from '../taxonomies/tlp.js';
import type { CtiStore } from '../store/types.js';
import type { ObjectFilter, TaxiiCollection, TaxiiStore } from '../taxii/backend-types.js';
import { parseTaxiiTimestamp, TAXII_MEDIA_TYPE, taxiiTimestamp } from '../taxii/media.js';
import { taxiiServer } from '../taxii/server.js';

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

/** A fresh store: `backend` and `other` are two handles (connections) on the same database. */
export type OpenTaxiiStore = () => Promise<{ backend: TaxiiStore; other: TaxiiStore; close(): Promise<void> }>;

const V1 = '2024-01-01T00:00:00.000Z';
const V2 = '2024-02-01T00:00:00.000Z';

/** A STIX indicator `n`, version `modified`, marked with `tlp` when given. */
function tInd(n: number, modified = V1, tlp?: TlpLevel, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    created: V1,
    modified,
    pattern: `[ipv4-addr:value = '198.51.100.${n % 250}']`,
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
    ...(tlp ? { object_marking_refs: [TLP_V2_MARKINGS[tlp]] } : {}),
    ...extra,
  };
}

const tSco = {
  type: 'ipv4-addr',
  spec_version: '2.1',
  id: 'ipv4-addr--0198f97b-e65d-5025-87e5-58bc39d4bdb4',
  value: '1.2.3.4',
};

const tColl = (id: string, extra: Partial<TaxiiCollection> = {}): TaxiiCollection => ({
  apiRoot: 'api1',
  id,
  title: id,
  mediaTypes: ['application/stix+json;version=2.1'],
  acl: { tenant: 'acme', read: [], write: [] },
  ...extra,
});

const tq = (f: Partial<ObjectFilter> = {}): ObjectFilter => ({ limit: 100, ...f });

/** Registers the suite under `name`. */
export function taxiiBackendSuite(name: string, open: OpenTaxiiStore): void {
  const withStore = (fn: (b: TaxiiStore, other: TaxiiStore) => void | Promise<void>) => async () => {
    const h = await open();
    try {
      h.backend.putApiRoot({ name: 'api1', title: 'General', maxContentLength: 1000 });
      h.backend.putCollection(tColl('c1'));
      h.backend.putCollection(tColl('c2'));
      await fn(h.backend, h.other);
    } finally {
      await h.close();
    }
  };

  describe(`TAXII backend (${name})`, () => {
    it(
      'keeps API roots and collections, in byte order, found by id or alias',
      withStore((b) => {
        b.putApiRoot({ name: 'Zed', title: 'z', description: 'last?', maxContentLength: 5_000_000_000 });
        b.putApiRoot({ name: 'api1', title: 'General, renamed', maxContentLength: 2000 });
        expect(b.apiRoots()).toEqual([
          { name: 'Zed', title: 'z', description: 'last?', maxContentLength: 5_000_000_000 },
          { name: 'api1', title: 'General, renamed', maxContentLength: 2000 },
        ]);
        b.putCollection(tColl('B-upper', { alias: 'inbox', description: 'd' }));
        b.putCollection(
          tColl('c1', { title: 'retitled', acl: { tenant: 'acme', read: ['partner:p'], write: [], maxTlp: 'green' } }),
        );
        expect(b.collections('api1').map((c) => c.id)).toEqual(['B-upper', 'c1', 'c2']);
        expect(b.collection('api1', 'c1')).toEqual(
          tColl('c1', { title: 'retitled', acl: { tenant: 'acme', read: ['partner:p'], write: [], maxTlp: 'green' } }),
        );
        expect(b.collection('api1', 'inbox')).toEqual(tColl('B-upper', { alias: 'inbox', description: 'd' }));
        // An id wins over another collection's alias of the same text.
        b.putCollection(tColl('c3', { alias: 'c2' }));
        expect(b.collection('api1', 'c2')?.id).toBe('c2');
        expect(b.collection('api1', 'nope')).toBeUndefined();
        expect(b.collection('Zed', 'c1')).toBeUndefined();
        expect(b.collections('Zed')).toEqual([]);
      }),
    );

    it(
      'adds versions once, SCOs once, with strictly increasing date_added',
      withStore((b) => {
        const before = Date.now() * 1000;
        const r = b.addObjects('api1', 'c1', [tInd(1), tInd(1, V2), tInd(1), tSco, tSco, tInd(2)]);
        expect(r.map((x) => [x.version, x.added])).toEqual([
          [V1, true],
          [V2, true],
          [V1, false],
          [expect.stringMatching(/^\d{4}-\d\d-\d\dT/), true],
          ['', false],
          [V1, true],
        ]);
        expect(b.addObjects('api1', 'c1', [tSco, tInd(2)]).map((x) => [x.version, x.added])).toEqual([
          ['', false],
          [V1, false],
        ]);
        const all = b.queryObjects('api1', 'c1', tq({ versions: 'all' }));
        expect(all.map((x) => x.id)).toEqual([tInd(1)['id'], tInd(1)['id'], tSco.id, tInd(2)['id']]);
        const dates = all.map((x) => x.dateAdded);
        for (let i = 1; i < dates.length; i++) expect(dates[i]).toBeGreaterThan(dates[i - 1] ?? Infinity);
        expect(dates[0]).toBeGreaterThanOrEqual(before);
        // An SCO's version is its date_added, exact to the microsecond.
        const s = all.find((x) => x.id === tSco.id);
        expect(s?.version).toBe(taxiiTimestamp(s?.dateAdded ?? 0));
        expect(parseTaxiiTimestamp(s?.version ?? '')).toBe(s?.dateAdded);
        expect(JSON.parse(all[0]?.json ?? '{}')).toEqual(tInd(1));
        expect(all.map((x) => x.seq)).toEqual([...all.map((x) => x.seq)].sort((x, y) => x - y));
      }),
    );

    it(
      'keeps imported date_added and hands out later ones after them',
      withStore((b) => {
        const past = 1_600_000_000_000_000;
        const future = Date.now() * 1000 + 3_600_000_000;
        b.addObjects('api1', 'c1', [tInd(1), tInd(2)], [past, undefined]);
        b.addObjects('api1', 'c1', [tInd(3)], [future]);
        b.addObjects('api1', 'c1', [tInd(4)]);
        const rows = b.queryObjects('api1', 'c1', tq());
        expect(rows.map((x) => x.id)).toEqual([tInd(1)['id'], tInd(2)['id'], tInd(3)['id'], tInd(4)['id']]);
        expect(rows[0]?.dateAdded).toBe(past);
        expect(rows[2]?.dateAdded).toBe(future);
        expect(rows[3]?.dateAdded).toBe(future + 1);
      }),
    );

    it(
      'pages by (date_added, seq) and added_after, returning one record more than the limit',
      withStore((b) => {
        b.addObjects(
          'api1',
          'c1',
          Array.from({ length: 25 }, (_, i) => tInd(i + 1)),
        );
        const every = b.queryObjects('api1', 'c1', tq());
        expect(every).toHaveLength(25);
        const seen: string[] = [];
        let after: ObjectFilter['after'];
        for (let page = 0; page < 5; page++) {
          const rows = b.queryObjects('api1', 'c1', tq({ limit: 10, ...(after ? { after } : {}) }));
          const shown = rows.slice(0, 10);
          seen.push(...shown.map((x) => x.id));
          const last = shown[shown.length - 1];
          if (rows.length <= 10 || !last) break;
          expect(rows).toHaveLength(11);
          after = { dateAdded: last.dateAdded, seq: last.seq };
        }
        expect(seen).toEqual(every.map((x) => x.id));
        const cut = every[4]?.dateAdded ?? 0;
        expect(b.queryObjects('api1', 'c1', tq({ addedAfter: cut })).map((x) => x.id)).toEqual(
          every.slice(5).map((x) => x.id),
        );
        expect(b.queryObjects('api1', 'c1', tq({ addedAfter: every[24]?.dateAdded ?? 0 }))).toEqual([]);
      }),
    );

    it(
      'selects versions (last, first, all, explicit), spec versions, types and ids',
      withStore((b) => {
        // A STIX 2.0 version of ind 3: no spec_version property.
        const v20 = Object.fromEntries(Object.entries(tInd(3, V2)).filter(([k]) => k !== 'spec_version'));
        b.addObjects('api1', 'c1', [
          tInd(1),
          tInd(1, V2),
          tInd(1, '2024-03-01T00:00:00.000Z'),
          tSco,
          tInd(2),
          tInd(3),
          v20,
        ]);
        const versions = (f: Partial<ObjectFilter>) =>
          b.queryObjects('api1', 'c1', tq({ ids: [String(tInd(1)['id'])], ...f })).map((x) => x.version);
        expect(versions({})).toEqual(['2024-03-01T00:00:00.000Z']);
        expect(versions({ versions: 'last' })).toEqual(['2024-03-01T00:00:00.000Z']);
        expect(versions({ versions: 'first' })).toEqual([V1]);
        expect(versions({ versions: 'all' })).toEqual([V1, V2, '2024-03-01T00:00:00.000Z']);
        expect(versions({ versions: [V2, '2030-01-01T00:00:00.000Z'] })).toEqual([V2]);
        expect(versions({ versions: [] })).toEqual([]);
        // Default: the latest spec version of each object (2.1 over the 2.0 version of ind 3).
        const three = (f: Partial<ObjectFilter>) =>
          b
            .queryObjects('api1', 'c1', tq({ ids: [String(tInd(3)['id'])], ...f }))
            .map((x) => [x.specVersion, x.version]);
        expect(three({})).toEqual([['2.1', V1]]);
        expect(three({ specVersions: ['2.0'] })).toEqual([['2.0', V2]]);
        expect(three({ specVersions: ['2.0', '2.1'], versions: 'all' })).toEqual([
          ['2.1', V1],
          ['2.0', V2],
        ]);
        expect(three({ specVersions: ['2.0', '2.1'] })).toEqual([['2.0', V2]]);
        expect(b.queryObjects('api1', 'c1', tq({ types: ['ipv4-addr'] })).map((x) => x.id)).toEqual([tSco.id]);
        expect(b.queryObjects('api1', 'c1', tq({ types: ['ipv4-addr', 'indicator'] }))).toHaveLength(4);
        expect(
          b.queryObjects('api1', 'c1', tq({ ids: [String(tInd(2)['id']), tSco.id, 'x--none'] })).map((x) => x.id),
        ).toEqual([tSco.id, tInd(2)['id']]);
      }),
    );

    it(
      'filters by TLP (unmarked as the empty level) and keeps collections and API roots apart',
      withStore((b) => {
        b.putApiRoot({ name: 'api2', title: 'Other', maxContentLength: 1000 });
        b.addObjects('api1', 'c1', [tInd(1, V1, 'green'), tInd(2, V1, 'red'), tInd(3), tInd(4, V1, 'amber+strict')]);
        const tlpOf = (tlps?: readonly string[]) =>
          b.queryObjects('api1', 'c1', tq(tlps ? { tlps } : {})).map((x) => x.tlp ?? '');
        expect(tlpOf()).toEqual(['green', 'red', '', 'amber+strict']);
        expect(tlpOf(['clear', 'green', 'amber', ''])).toEqual(['green', '']);
        expect(tlpOf(['clear', 'green'])).toEqual(['green']);
        expect(tlpOf([])).toEqual([]);
        // The same object in another collection or API root is a record of its own.
        b.addObjects('api1', 'c2', [tInd(1, V1, 'green')]);
        b.addObjects('api2', 'c1', [tInd(1, V1, 'green')]);
        expect(b.queryObjects('api1', 'c2', tq()).map((x) => x.id)).toEqual([tInd(1)['id']]);
        expect(b.queryObjects('api2', 'c1', tq())).toHaveLength(1);
        expect(b.queryObjects('api2', 'c2', tq())).toEqual([]);
        expect(b.deleteObject('api1', 'c1', String(tInd(1)['id']))).toBe(1);
        expect(b.queryObjects('api1', 'c2', tq())).toHaveLength(1);
        expect(b.queryObjects('api2', 'c1', tq())).toHaveLength(1);
        expect(b.queryObjects('api1', 'c1', tq({ ids: [String(tInd(1)['id'])] }))).toEqual([]);
      }),
    );

    it(
      'deletes all versions of an object or the given ones',
      withStore((b) => {
        b.addObjects('api1', 'c1', [tInd(1), tInd(1, V2), tInd(2)]);
        const id = String(tInd(1)['id']);
        expect(b.deleteObject('api1', 'c1', id, [V2, '2030-01-01T00:00:00.000Z'])).toBe(1);
        expect(b.queryObjects('api1', 'c1', tq({ ids: [id], versions: 'all' })).map((x) => x.version)).toEqual([V1]);
        expect(b.deleteObject('api1', 'c1', id)).toBe(1);
        expect(b.deleteObject('api1', 'c1', id)).toBe(0);
        expect(b.queryObjects('api1', 'c1', tq()).map((x) => x.id)).toEqual([tInd(2)['id']]);
      }),
    );

    it(
      'keeps status resources for their owner only, and prunes old ones',
      withStore((b, other) => {
        b.saveStatus('api1', { id: 's1', status: 'complete' }, 'acme/alice');
        expect(b.status('api1', 's1', 'acme/alice')).toEqual({ id: 's1', status: 'complete' });
        expect(other.status('api1', 's1', 'acme/alice')).toEqual({ id: 's1', status: 'complete' });
        expect(b.status('api1', 's1', 'acme/bob')).toBeUndefined();
        expect(b.status('api1', 's1', '')).toBeUndefined();
        expect(b.status('api2', 's1', 'acme/alice')).toBeUndefined();
        b.saveStatus('api1', { id: 's1', status: 'pending' }, 'acme/alice');
        expect(b.status('api1', 's1', 'acme/alice')).toEqual({ id: 's1', status: 'pending' });
        expect(b.pruneStatus(60_000)).toBe(0);
        expect(b.pruneStatus(-60_000)).toBe(1);
        expect(b.status('api1', 's1', 'acme/alice')).toBeUndefined();
      }),
    );

    it(
      'shares one clock between handles: interleaved adds keep date_added strictly increasing',
      withStore((b, other) => {
        // `other` is another connection (another process): it sees b's writes, and its adds
        // come after b's in date_added even within the same millisecond.
        for (let i = 0; i < 6; i++) (i % 2 === 0 ? b : other).addObjects('api1', 'c1', [tInd(i + 1), tInd(i + 11)]);
        expect(other.collection('api1', 'c1')?.id).toBe('c1');
        const rows = other.queryObjects('api1', 'c1', tq());
        expect(rows.map((x) => x.id)).toEqual([1, 11, 2, 12, 3, 13, 4, 14, 5, 15, 6, 16].map((n) => tInd(n)['id']));
        for (let i = 1; i < rows.length; i++) expect(rows[i]?.dateAdded).toBeGreaterThan(rows[i - 1]?.dateAdded ?? 0);
        expect(other.addObjects('api1', 'c1', [tInd(1)])[0]?.added).toBe(false);
      }),
    );

    it(
      'serves exact X-TAXII-Date-Added headers, more/next paging and the partner TLP ceiling over HTTP',
      withStore(async (b) => {
        b.putCollection(tColl('shared', { acl: { tenant: 'acme', read: ['partner:peer1'], write: [] } }));
        b.addObjects('api1', 'shared', [
          ...Array.from({ length: 12 }, (_, i) => tInd(i + 1, V1, 'green')),
          tInd(50, V1, 'red'),
          tInd(51, V1, 'amber'),
        ]);
        const users: Record<string, AuthContext> = {
          analyst: { tenant: 'acme', user: 'analyst', roles: ['analyst'], via: 'token' },
          peer1: { tenant: 'peer1', user: 'peer1', roles: ['partner'], via: 'token' },
          other: { tenant: 'globex', user: 'other', roles: ['analyst'], via: 'token' },
        };
        const app = Fastify();
        await app.register(taxiiServer, {
          prefix: '/taxii2',
          backend: b,
          maxPageSize: 5,
          authenticate: async (r) => users[(r.authorization ?? '').replace('Bearer ', '')],
        });
        try {
          const get = async (who: string, url: string) => {
            const r = await app.inject({
              url: `/taxii2/api1/collections/${url}`,
              headers: { authorization: `Bearer ${who}`, accept: TAXII_MEDIA_TYPE },
            });
            const body =
              r.statusCode === 200
                ? (JSON.parse(r.body) as { more?: boolean; next?: string; objects?: { id: string }[] })
                : {};
            return {
              status: r.statusCode,
              body,
              first: r.headers['x-taxii-date-added-first'],
              last: r.headers['x-taxii-date-added-last'],
            };
          };
          const records = b.queryObjects('api1', 'shared', tq());
          const ids: string[] = [];
          let next: string | undefined;
          let pages = 0;
          do {
            const p = await get('analyst', `shared/objects/?limit=5${next ? `&next=${next}` : ''}`);
            expect(p.status).toBe(200);
            const page = records.slice(pages * 5, pages * 5 + 5);
            expect(p.first).toBe(taxiiTimestamp(page[0]?.dateAdded ?? 0));
            expect(p.last).toBe(taxiiTimestamp(page[page.length - 1]?.dateAdded ?? 0));
            ids.push(...(p.body.objects ?? []).map((o) => o.id));
            expect(p.body.more).toBe(pages < 2);
            next = p.body.next;
            pages++;
          } while (next && pages < 5);
          expect(pages).toBe(3);
          expect(ids).toEqual(records.map((r) => r.id));
          const after = taxiiTimestamp(records[11]?.dateAdded ?? 0);
          const tail = await get('analyst', `shared/objects/?added_after=${after}`);
          expect(tail.body.objects?.map((o) => o.id)).toEqual([tInd(50)['id'], tInd(51)['id']]);
          // The partner reads up to AMBER: never the RED object.
          const peerPage = await get(
            'peer1',
            'shared/objects/?limit=5&added_after=' + taxiiTimestamp(records[9]?.dateAdded ?? 0),
          );
          expect(peerPage.body.objects?.map((o) => o.id)).toEqual([tInd(11)['id'], tInd(12)['id'], tInd(51)['id']]);
          // Another tenant does not see the collection at all.
          expect((await get('other', 'shared/objects/')).status).toBe(404);
        } finally {
          await app.close();
        }
      }),
    );
  });
}
