/**
 * @module
 * The TAXII backend suite: one set of tests every `TaxiiStore` must pass, run on SQLite
 * (`taxii/backend.test.ts`) and PostgreSQL (`taxii/pg-backend.test.ts`). Each test opens a fresh
 * store with two handles on it (two connections, as two processes would hold). The last test
 * serves the store over HTTP, for what clients see: `X-TAXII-Date-Added-*`, `more`/`next`, and
 * the TLP ceiling and tenant boundary of a collection.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { AuthContext } from '@intersoc/core';
import { TLP_V2_MARKINGS, type TlpLevel } from '../taxonomies/tlp.js';
import type { ObjectFilter, TaxiiCollection, TaxiiStore } from '../taxii/backend-types.js';
import { parseTaxiiTimestamp, TAXII_MEDIA_TYPE, taxiiTimestamp } from '../taxii/media.js';
import { taxiiServer } from '../taxii/server.js';

/** A fresh store: `backend` and `other` are two handles (connections) on the same database. */
export type OpenTaxiiStore = () => Promise<{ backend: TaxiiStore; other: TaxiiStore; close(): Promise<void> }>;

const V1 = '2024-01-01T00:00:00.000Z';
const V2 = '2024-02-01T00:00:00.000Z';

/** A STIX indicator `n`, version `modified`, marked with `tlp` when given. */
function ind(n: number, modified = V1, tlp?: TlpLevel, extra: Record<string, unknown> = {}): Record<string, unknown> {
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

const sco = {
  type: 'ipv4-addr',
  spec_version: '2.1',
  id: 'ipv4-addr--0198f97b-e65d-5025-87e5-58bc39d4bdb4',
  value: '1.2.3.4',
};

const coll = (id: string, extra: Partial<TaxiiCollection> = {}): TaxiiCollection => ({
  apiRoot: 'api1',
  id,
  title: id,
  mediaTypes: ['application/stix+json;version=2.1'],
  acl: { tenant: 'acme', read: [], write: [] },
  ...extra,
});

const q = (f: Partial<ObjectFilter> = {}): ObjectFilter => ({ limit: 100, ...f });

/** Registers the suite under `name`. */
export function taxiiBackendSuite(name: string, open: OpenTaxiiStore): void {
  const withStore = (fn: (b: TaxiiStore, other: TaxiiStore) => void | Promise<void>) => async () => {
    const h = await open();
    try {
      h.backend.putApiRoot({ name: 'api1', title: 'General', maxContentLength: 1000 });
      h.backend.putCollection(coll('c1'));
      h.backend.putCollection(coll('c2'));
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
        b.putCollection(coll('B-upper', { alias: 'inbox', description: 'd' }));
        b.putCollection(
          coll('c1', { title: 'retitled', acl: { tenant: 'acme', read: ['partner:p'], write: [], maxTlp: 'green' } }),
        );
        expect(b.collections('api1').map((c) => c.id)).toEqual(['B-upper', 'c1', 'c2']);
        expect(b.collection('api1', 'c1')).toEqual(
          coll('c1', { title: 'retitled', acl: { tenant: 'acme', read: ['partner:p'], write: [], maxTlp: 'green' } }),
        );
        expect(b.collection('api1', 'inbox')).toEqual(coll('B-upper', { alias: 'inbox', description: 'd' }));
        // An id wins over another collection's alias of the same text.
        b.putCollection(coll('c3', { alias: 'c2' }));
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
        const r = b.addObjects('api1', 'c1', [ind(1), ind(1, V2), ind(1), sco, sco, ind(2)]);
        expect(r.map((x) => [x.version, x.added])).toEqual([
          [V1, true],
          [V2, true],
          [V1, false],
          [expect.stringMatching(/^\d{4}-\d\d-\d\dT/), true],
          ['', false],
          [V1, true],
        ]);
        expect(b.addObjects('api1', 'c1', [sco, ind(2)]).map((x) => [x.version, x.added])).toEqual([
          ['', false],
          [V1, false],
        ]);
        const all = b.queryObjects('api1', 'c1', q({ versions: 'all' }));
        expect(all.map((x) => x.id)).toEqual([ind(1)['id'], ind(1)['id'], sco.id, ind(2)['id']]);
        const dates = all.map((x) => x.dateAdded);
        for (let i = 1; i < dates.length; i++) expect(dates[i]).toBeGreaterThan(dates[i - 1] ?? Infinity);
        expect(dates[0]).toBeGreaterThanOrEqual(before);
        // An SCO's version is its date_added, exact to the microsecond.
        const s = all.find((x) => x.id === sco.id);
        expect(s?.version).toBe(taxiiTimestamp(s?.dateAdded ?? 0));
        expect(parseTaxiiTimestamp(s?.version ?? '')).toBe(s?.dateAdded);
        expect(JSON.parse(all[0]?.json ?? '{}')).toEqual(ind(1));
        expect(all.map((x) => x.seq)).toEqual([...all.map((x) => x.seq)].sort((x, y) => x - y));
      }),
    );

    it(
      'keeps imported date_added and hands out later ones after them',
      withStore((b) => {
        const past = 1_600_000_000_000_000;
        const future = Date.now() * 1000 + 3_600_000_000;
        b.addObjects('api1', 'c1', [ind(1), ind(2)], [past, undefined]);
        b.addObjects('api1', 'c1', [ind(3)], [future]);
        b.addObjects('api1', 'c1', [ind(4)]);
        const rows = b.queryObjects('api1', 'c1', q());
        expect(rows.map((x) => x.id)).toEqual([ind(1)['id'], ind(2)['id'], ind(3)['id'], ind(4)['id']]);
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
          Array.from({ length: 25 }, (_, i) => ind(i + 1)),
        );
        const every = b.queryObjects('api1', 'c1', q());
        expect(every).toHaveLength(25);
        const seen: string[] = [];
        let after: ObjectFilter['after'];
        for (let page = 0; page < 5; page++) {
          const rows = b.queryObjects('api1', 'c1', q({ limit: 10, ...(after ? { after } : {}) }));
          const shown = rows.slice(0, 10);
          seen.push(...shown.map((x) => x.id));
          const last = shown[shown.length - 1];
          if (rows.length <= 10 || !last) break;
          expect(rows).toHaveLength(11);
          after = { dateAdded: last.dateAdded, seq: last.seq };
        }
        expect(seen).toEqual(every.map((x) => x.id));
        const cut = every[4]?.dateAdded ?? 0;
        expect(b.queryObjects('api1', 'c1', q({ addedAfter: cut })).map((x) => x.id)).toEqual(
          every.slice(5).map((x) => x.id),
        );
        expect(b.queryObjects('api1', 'c1', q({ addedAfter: every[24]?.dateAdded ?? 0 }))).toEqual([]);
      }),
    );

    it(
      'selects versions (last, first, all, explicit), spec versions, types and ids',
      withStore((b) => {
        // A STIX 2.0 version of ind 3: no spec_version property.
        const v20 = Object.fromEntries(Object.entries(ind(3, V2)).filter(([k]) => k !== 'spec_version'));
        b.addObjects('api1', 'c1', [ind(1), ind(1, V2), ind(1, '2024-03-01T00:00:00.000Z'), sco, ind(2), ind(3), v20]);
        const versions = (f: Partial<ObjectFilter>) =>
          b.queryObjects('api1', 'c1', q({ ids: [String(ind(1)['id'])], ...f })).map((x) => x.version);
        expect(versions({})).toEqual(['2024-03-01T00:00:00.000Z']);
        expect(versions({ versions: 'last' })).toEqual(['2024-03-01T00:00:00.000Z']);
        expect(versions({ versions: 'first' })).toEqual([V1]);
        expect(versions({ versions: 'all' })).toEqual([V1, V2, '2024-03-01T00:00:00.000Z']);
        expect(versions({ versions: [V2, '2030-01-01T00:00:00.000Z'] })).toEqual([V2]);
        expect(versions({ versions: [] })).toEqual([]);
        // Default: the latest spec version of each object (2.1 over the 2.0 version of ind 3).
        const three = (f: Partial<ObjectFilter>) =>
          b.queryObjects('api1', 'c1', q({ ids: [String(ind(3)['id'])], ...f })).map((x) => [x.specVersion, x.version]);
        expect(three({})).toEqual([['2.1', V1]]);
        expect(three({ specVersions: ['2.0'] })).toEqual([['2.0', V2]]);
        expect(three({ specVersions: ['2.0', '2.1'], versions: 'all' })).toEqual([
          ['2.1', V1],
          ['2.0', V2],
        ]);
        expect(three({ specVersions: ['2.0', '2.1'] })).toEqual([['2.0', V2]]);
        expect(b.queryObjects('api1', 'c1', q({ types: ['ipv4-addr'] })).map((x) => x.id)).toEqual([sco.id]);
        expect(b.queryObjects('api1', 'c1', q({ types: ['ipv4-addr', 'indicator'] }))).toHaveLength(4);
        expect(
          b.queryObjects('api1', 'c1', q({ ids: [String(ind(2)['id']), sco.id, 'x--none'] })).map((x) => x.id),
        ).toEqual([sco.id, ind(2)['id']]);
      }),
    );

    it(
      'filters by TLP (unmarked as the empty level) and keeps collections and API roots apart',
      withStore((b) => {
        b.putApiRoot({ name: 'api2', title: 'Other', maxContentLength: 1000 });
        b.addObjects('api1', 'c1', [ind(1, V1, 'green'), ind(2, V1, 'red'), ind(3), ind(4, V1, 'amber+strict')]);
        const tlpOf = (tlps?: readonly string[]) =>
          b.queryObjects('api1', 'c1', q(tlps ? { tlps } : {})).map((x) => x.tlp ?? '');
        expect(tlpOf()).toEqual(['green', 'red', '', 'amber+strict']);
        expect(tlpOf(['clear', 'green', 'amber', ''])).toEqual(['green', '']);
        expect(tlpOf(['clear', 'green'])).toEqual(['green']);
        expect(tlpOf([])).toEqual([]);
        // The same object in another collection or API root is a record of its own.
        b.addObjects('api1', 'c2', [ind(1, V1, 'green')]);
        b.addObjects('api2', 'c1', [ind(1, V1, 'green')]);
        expect(b.queryObjects('api1', 'c2', q()).map((x) => x.id)).toEqual([ind(1)['id']]);
        expect(b.queryObjects('api2', 'c1', q())).toHaveLength(1);
        expect(b.queryObjects('api2', 'c2', q())).toEqual([]);
        expect(b.deleteObject('api1', 'c1', String(ind(1)['id']))).toBe(1);
        expect(b.queryObjects('api1', 'c2', q())).toHaveLength(1);
        expect(b.queryObjects('api2', 'c1', q())).toHaveLength(1);
        expect(b.queryObjects('api1', 'c1', q({ ids: [String(ind(1)['id'])] }))).toEqual([]);
      }),
    );

    it(
      'deletes all versions of an object or the given ones',
      withStore((b) => {
        b.addObjects('api1', 'c1', [ind(1), ind(1, V2), ind(2)]);
        const id = String(ind(1)['id']);
        expect(b.deleteObject('api1', 'c1', id, [V2, '2030-01-01T00:00:00.000Z'])).toBe(1);
        expect(b.queryObjects('api1', 'c1', q({ ids: [id], versions: 'all' })).map((x) => x.version)).toEqual([V1]);
        expect(b.deleteObject('api1', 'c1', id)).toBe(1);
        expect(b.deleteObject('api1', 'c1', id)).toBe(0);
        expect(b.queryObjects('api1', 'c1', q()).map((x) => x.id)).toEqual([ind(2)['id']]);
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
        for (let i = 0; i < 6; i++) (i % 2 === 0 ? b : other).addObjects('api1', 'c1', [ind(i + 1), ind(i + 11)]);
        expect(other.collection('api1', 'c1')?.id).toBe('c1');
        const rows = other.queryObjects('api1', 'c1', q());
        expect(rows.map((x) => x.id)).toEqual([1, 11, 2, 12, 3, 13, 4, 14, 5, 15, 6, 16].map((n) => ind(n)['id']));
        for (let i = 1; i < rows.length; i++) expect(rows[i]?.dateAdded).toBeGreaterThan(rows[i - 1]?.dateAdded ?? 0);
        expect(other.addObjects('api1', 'c1', [ind(1)])[0]?.added).toBe(false);
      }),
    );

    it(
      'serves exact X-TAXII-Date-Added headers, more/next paging and the partner TLP ceiling over HTTP',
      withStore(async (b) => {
        b.putCollection(coll('shared', { acl: { tenant: 'acme', read: ['partner:peer1'], write: [] } }));
        b.addObjects('api1', 'shared', [
          ...Array.from({ length: 12 }, (_, i) => ind(i + 1, V1, 'green')),
          ind(50, V1, 'red'),
          ind(51, V1, 'amber'),
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
          const records = b.queryObjects('api1', 'shared', q());
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
          expect(tail.body.objects?.map((o) => o.id)).toEqual([ind(50)['id'], ind(51)['id']]);
          // The partner reads up to AMBER: never the RED object.
          const partner = await get(
            'peer1',
            'shared/objects/?limit=5&added_after=' + taxiiTimestamp(records[9]?.dateAdded ?? 0),
          );
          expect(partner.body.objects?.map((o) => o.id)).toEqual([ind(11)['id'], ind(12)['id'], ind(51)['id']]);
          // Another tenant does not see the collection at all.
          expect((await get('other', 'shared/objects/')).status).toBe(404);
        } finally {
          await app.close();
        }
      }),
    );
  });
}
