/**
 * @module
 * Test helpers of the storage package. The event store suite: one set of tests that every event store implementation must pass, run
 * against SQLite (`events/store-suite.test.ts`) and PostgreSQL (`postgres/event-store.test.ts`).
 * Expected results are computed from the written events, so both stores are held to the same
 * answers, order and cursors. Each test writes to fresh tenants, so one database serves the file.
 */
import { beforeAll, afterAll, beforeEach, describe, expect, it } from 'vitest';
import { dayOf, eventId, flattenInto, systemContext, type Alert, type FlatFields, type SocEvent } from '@intersoc/core';
import { encodeBlock, type BlockEvent } from '../events/block.js';
import type { EventHydrator, SearchPage, SearchRequest, StoreStats, WriteBatch, WriteResult } from '../events/types.js';
import type { AuthContext } from '@intersoc/core';

/** The calls the suite exercises (the PostgreSQL store's interface; SQLite is adapted to it). */
export interface SuiteStore {
  write(batch: WriteBatch): Promise<WriteResult>;
  stats(ctx: AuthContext): Promise<StoreStats>;
  searchEvents(ctx: AuthContext, req: SearchRequest): Promise<SearchPage<SocEvent>>;
  getEvent(ctx: AuthContext, id: string): Promise<SocEvent | undefined>;
  searchAlerts(ctx: AuthContext, req: SearchRequest): Promise<SearchPage<Alert>>;
  getAlert(ctx: AuthContext, id: string): Promise<Alert | undefined>;
  close(): Promise<void>;
}

/** A real hydrator for JSON records: what the ingest json plug-in does, minus ECS heuristics. */
export const jsonHydrator: EventHydrator = {
  hydrate(e) {
    const fields: FlatFields = {};
    flattenInto(fields, JSON.parse(e.raw));
    return { fields, ecs: typeof fields['host'] === 'string' ? { 'host.name': fields['host'] } : {} };
  },
};

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1);

function ev(tenant: string, i: number, time: number, rec: Record<string, unknown>): BlockEvent {
  const raw = JSON.stringify(rec);
  return {
    id: eventId(tenant, `f:${i}`, raw),
    time,
    ingested: time,
    source: { format: 'json', kind: 'file', name: 'f' },
    raw,
  };
}

function blocksOf(tenant: string, events: readonly BlockEvent[], size = 50) {
  const byDay = new Map<number, BlockEvent[]>();
  for (const e of events) byDay.set(dayOf(e.time), [...(byDay.get(dayOf(e.time)) ?? []), e]);
  const out = [];
  for (const [day, es] of byDay)
    for (let i = 0; i < es.length; i += size) out.push(encodeBlock(tenant, day, es.slice(i, i + size)));
  return out;
}

function alertOf(tenant: string, id: string, time: number, host: string, eventIds: string[]): Alert {
  return {
    id,
    tenant,
    created: time,
    time,
    severity: 'high',
    tactics: ['credential-access'],
    techniques: ['T1003.001'],
    detector: { kind: 'sigma', ruleId: 'r1', ruleTitle: 'LSASS access' },
    entities: [{ type: 'host', value: host }],
    eventIds,
    summary: 'x',
  };
}

const noWrite = { alerts: [], deadLetters: [] } as const;
let run = 0;

/** Registers the suite for a store made by `open` (called once per file; `close` after). */
export function eventStoreSuite(name: string, open: () => Promise<SuiteStore>): void {
  describe(`event store suite: ${name}`, () => {
    let store: SuiteStore;
    let a: string;
    let b: string;
    let A: AuthContext;
    let B: AuthContext;
    let acme: BlockEvent[];
    let beta: BlockEvent[];
    // Newest first, the order every store returns.
    const ids = (es: readonly BlockEvent[]): string[] => [...es].sort((x, y) => y.time - x.time).map((e) => e.id);
    const rec = (e: BlockEvent): Record<string, unknown> => JSON.parse(e.raw) as Record<string, unknown>;

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });
    beforeEach(async () => {
      run++;
      a = `acme${run}`;
      b = `beta${run}`;
      A = systemContext(a);
      B = systemContext(b);
      acme = Array.from({ length: 500 }, (_, i) =>
        ev(a, i, T0 + i * 600_000, {
          host: `wks-${i % 5}`,
          user: i % 50 === 0 ? 'admin' : `u${i % 7}`,
          port: i % 1000,
          msg: i === 123 ? 'Invoke-Mimikatz sekurlsa' : 'ok',
        }),
      );
      beta = Array.from({ length: 100 }, (_, i) =>
        ev(b, i, T0 + i * 60_000, { host: 'beta-host', user: 'admin', msg: 'Invoke-Mimikatz' }),
      );
      const res = await store.write({ blocks: [...blocksOf(a, acme), ...blocksOf(b, beta)], ...noWrite });
      expect(res).toMatchObject({ events: 600, duplicates: 0, blocks: blocksOf(a, acme).length + 2 });
    });

    it('answers query shapes with the same events in the same order', async () => {
      const q = async (ctx: AuthContext, query: string, extra: Partial<SearchRequest> = {}) =>
        (await store.searchEvents(ctx, { q: query, limit: 1000, ...extra })).items.map((e) => e.id);
      expect(await q(A, 'mimikatz')).toEqual([acme[123]!.id]);
      expect(await q(A, 'user:admin')).toEqual(ids(acme.filter((e) => rec(e)['user'] === 'admin')));
      expect(await q(A, 'host.name:wks-1 AND port:[0 TO 99]')).toEqual(
        ids(acme.filter((e) => rec(e)['host'] === 'wks-1' && (rec(e)['port'] as number) <= 99)),
      );
      expect(await q(A, 'host:wks-2 OR user:u3')).toEqual(
        ids(acme.filter((e) => rec(e)['host'] === 'wks-2' || rec(e)['user'] === 'u3')),
      );
      expect(await q(A, 'host:wks-* AND NOT (user:u1 OR user:u2)')).toEqual(
        ids(acme.filter((e) => rec(e)['user'] !== 'u1' && rec(e)['user'] !== 'u2')),
      );
      expect(await q(A, 'port:>=490 msg:ok')).toEqual(ids(acme.filter((e) => (rec(e)['port'] as number) >= 490)));
      expect(await q(A, `_id:${acme[7]!.id} OR _id:${acme[300]!.id}`)).toEqual([acme[300]!.id, acme[7]!.id]);
      const from = T0 + DAY;
      const to = T0 + 2 * DAY - 1;
      expect(await q(A, '', { from, to })).toEqual(ids(acme.filter((e) => e.time >= from && e.time <= to)));
      expect(await q(A, 'nosuchtoken')).toEqual([]);
      // The other tenant's events never show.
      expect(await q(B, 'mimikatz')).toEqual(ids(beta));
      expect(await q(B, 'host:wks-1')).toEqual([]);
    });

    it('pages with cursors without gaps or repeats, newest first', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.searchEvents(A, { q: 'NOT user:admin', limit: 37, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((e) => e.id));
        cursor = page.next;
      } while (cursor);
      expect(seen).toEqual(ids(acme.filter((e) => rec(e)['user'] !== 'admin')));
      await expect(store.searchEvents(A, { q: '', cursor: 'garbage' })).rejects.toThrow(/cursor/);
      await expect(store.searchEvents(A, { q: 'a AND (' })).rejects.toThrow();
    });

    it('walks many small blocks and many alerts in order, whatever the page size', async () => {
      const c = `many${run}`;
      const C = systemContext(c);
      const es = Array.from({ length: 400 }, (_, i) =>
        ev(c, i, T0 + i * 300_000, { host: `m-${i % 9}`, hit: i % 37 === 0 ? 'rare' : 'no' }),
      );
      // Blocks of 4 events: 100 blocks, several pages of block metadata.
      expect((await store.write({ blocks: blocksOf(c, es, 4), ...noWrite })).events).toBe(400);
      const walk = async (q: string, limit: number): Promise<string[]> => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.searchEvents(C, { q, limit, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((e) => e.id));
          cursor = page.next;
        } while (cursor);
        return seen;
      };
      expect(await walk('', 33)).toEqual(ids(es));
      expect(await walk('', 400)).toEqual(ids(es));
      expect(await walk('hit:rare', 2)).toEqual(ids(es.filter((_, i) => i % 37 === 0)));
      const alerts = Array.from({ length: 150 }, (_, i) =>
        alertOf(c, `${c}-x${String(i).padStart(3, '0')}`, T0 + (i % 40) * 1000, 'm-1', [es[i]!.id]),
      );
      expect((await store.write({ blocks: [], alerts, deadLetters: [] })).alerts).toBe(150);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.searchAlerts(C, { q: 'host:m-1', limit: 45, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((x) => x.id));
        cursor = page.next;
      } while (cursor);
      expect(seen).toEqual([...alerts].sort((x, y) => y.time - x.time || (x.id < y.id ? 1 : -1)).map((x) => x.id));
    });

    it('never stores the same event twice and survives partial replays', async () => {
      expect(await store.write({ blocks: blocksOf(a, acme), ...noWrite })).toMatchObject({
        events: 0,
        duplicates: 500,
        blocks: 0,
      });
      const extra = ev(a, 9999, T0, { host: 'new', msg: 'late arrival' });
      const mixed = await store.write({ blocks: [encodeBlock(a, dayOf(T0), [acme[0]!, extra, acme[1]!])], ...noWrite });
      expect(mixed).toMatchObject({ events: 1, duplicates: 2, blocks: 1 });
      expect((await store.getEvent(A, extra.id))?.fields['msg']).toBe('late arrival');
      expect((await store.searchEvents(A, { q: 'late' })).items.map((e) => e.id)).toEqual([extra.id]);
      // A block that repeats an event within itself, with some events stored before.
      const day = dayOf(T0 + DAY * 30);
      const fresh = Array.from({ length: 200 }, (_, i) => ev(a, 20_000 + i, T0 + DAY * 30 + i, { n: i }));
      const before = [5, 70, 130, 199].map((i) => fresh[i]!);
      expect((await store.write({ blocks: [encodeBlock(a, day, before)], ...noWrite })).events).toBe(4);
      const res = await store.write({ blocks: [encodeBlock(a, day, [...fresh, fresh[40]!])], ...noWrite });
      expect(res).toMatchObject({ events: 196, duplicates: 5 });
      for (const e of fresh) expect((await store.getEvent(A, e.id))?.raw).toBe(e.raw);
      expect((await store.stats(A)).events).toBe(701);
      // Blocks by their newest event: the first block ends with fresh[199] (the second lost it as a
      // duplicate), so fresh[5], stored in it, comes before the second block's events.
      const first10 = ids(fresh.slice(0, 10)).filter((id) => id !== fresh[5]!.id);
      expect((await store.searchEvents(A, { q: 'n:[0 TO 9]', limit: 1000 })).items.map((e) => e.id)).toEqual([
        fresh[5]!.id,
        ...first10,
      ]);
    });

    it('gets events by id only for their tenant', async () => {
      const e = await store.getEvent(A, acme[123]!.id);
      expect(e).toMatchObject({ id: acme[123]!.id, tenant: a, raw: acme[123]!.raw, time: acme[123]!.time });
      expect(e?.ecs['host.name']).toBe('wks-3');
      expect(await store.getEvent(B, acme[123]!.id)).toBeUndefined();
      expect(await store.getEvent(A, 'not-an-id')).toBeUndefined();
      expect(await store.getEvent(A, '0'.repeat(32))).toBeUndefined();
    });

    it('counts per tenant', async () => {
      const s = await store.stats(A);
      expect(s).toMatchObject({ events: 500, blocks: blocksOf(a, acme).length, alerts: 0, deadLetters: 0 });
      expect(s).toMatchObject({ days: new Set(acme.map((e) => dayOf(e.time))).size, tMin: T0, tMax: acme[499]!.time });
      expect(s.storedBytes).toBeGreaterThan(0);
      expect(s.rawBytes).toBeGreaterThan(s.storedBytes);
      expect(await store.stats(B)).toMatchObject({ events: 100, blocks: 2 });
      expect(await store.stats(systemContext(`nobody${run}`))).toMatchObject({ events: 0, blocks: 0, alerts: 0 });
    });

    it('stores alerts idempotently by id and dead letters, per tenant', async () => {
      const alerts = Array.from({ length: 30 }, (_, i) =>
        alertOf(a, `${a}-al${String(i).padStart(2, '0')}`, T0 + (i % 10) * 1000, `wks-${i % 3}`, [acme[i]!.id]),
      );
      const dead = {
        tenant: a,
        time: T0,
        source: { format: 'json', kind: 'udp', name: 'x' },
        reason: 'json: bad',
        raw: Buffer.from([0xff, 0x41]),
      };
      const res = await store.write({ blocks: [], alerts: [...alerts, alerts[0]!], deadLetters: [dead] });
      expect(res).toMatchObject({ alerts: 30, deadLetters: 1, events: 0 });
      expect((await store.write({ blocks: [], alerts, deadLetters: [] })).alerts).toBe(0);
      const wks1 = alerts.filter((x) => x.entities[0]!.value === 'wks-1');
      const found = (await store.searchAlerts(A, { q: 'technique:T1003.001 host:wks-1' })).items;
      const order = (xs: Alert[]) => [...xs].sort((x, y) => y.time - x.time || (x.id < y.id ? 1 : -1)).map((x) => x.id);
      expect(found.map((x) => x.id)).toEqual(order(wks1));
      // Paging over alerts with equal times: ties break on id.
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.searchAlerts(A, { q: '', limit: 7, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((x) => x.id));
        cursor = page.next;
      } while (cursor);
      expect(seen).toEqual(order(alerts));
      expect(await store.getAlert(A, alerts[3]!.id)).toEqual(alerts[3]);
      expect(await store.getAlert(B, alerts[3]!.id)).toBeUndefined();
      expect((await store.searchAlerts(B, { q: '' })).items).toHaveLength(0);
      expect(await store.stats(A)).toMatchObject({ alerts: 30, deadLetters: 1 });
      expect(await store.stats(B)).toMatchObject({ alerts: 0, deadLetters: 0 });
    });
  });
}
