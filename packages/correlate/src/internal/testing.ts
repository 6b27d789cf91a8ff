/**
 * @module
 * The incident store suite: one set of tests every `IncidentStore` implementation must pass,
 * run on SQLite (`store/sqlite-incidents.test.ts`) and on PostgreSQL
 * (`store/pg-incidents.test.ts`). Each test opens a fresh store.
 */
import { describe, expect, it } from 'vitest';
import { systemContext, type AuthContext } from '@intersoc/core';
import { IncidentBuilder } from '../incidents/builder.js';
import type { AlertIncidentRef, IncidentStore } from '../store/types.js';
import { compactAlert } from '../store/incident-rows.js';
import { makeAlert, MIN } from './fixtures.js';

/** A store under test (with the queue helpers both implementations have) and raw access to it. */
export interface IncidentHarness {
  readonly store: IncidentStore & {
    incidentsOfAlerts(ctx: AuthContext, alertIds: readonly string[]): Map<string, AlertIncidentRef>;
    closeWithReason(ctx: AuthContext, id: string, reason: string): boolean;
  };
  /** Inserts a row into `incident_alerts` as another writer (an older version) would. */
  insertAlertRow(tenant: string, alertId: string, incident: string, time: number, doc: string): Promise<void>;
  close(): Promise<void>;
}

const T0 = Date.UTC(2025, 2, 4, 9);
const admin = systemContext('t1');
const viewer: AuthContext = { tenant: 't1', user: 'v', roles: ['viewer'], via: 'token' };
const other: AuthContext = { tenant: 't2', user: 'o', roles: ['admin'], via: 'token' };

/** Two incidents that a third alert merges. */
function fill(store: IncidentStore): string[] {
  const b = new IncidentBuilder();
  b.add(makeAlert({ time: T0, severity: 'high', entities: ['host=A', 'user=u1'], rule: 'x' }));
  b.add(makeAlert({ time: T0 + MIN, entities: ['host=B', 'user=u2', 'ip/destination=198.51.100.9'] }));
  store.apply(admin, b.drain());
  // A third alert links both: they merge.
  b.add(makeAlert({ time: T0 + 2 * MIN, entities: ['host=A', 'user=u1', 'ip/destination=198.51.100.9'] }));
  store.apply(admin, b.drain());
  return store.list(admin, { statuses: ['open', 'merged'] }).items.map((i) => i.id);
}

/** Registers the suite under `name`; `open` gives a fresh, empty store for each test. */
export function incidentStoreSuite(name: string, open: () => Promise<IncidentHarness>): void {
  const withStore = (fn: (h: IncidentHarness) => Promise<void> | void) => async () => {
    const h = await open();
    try {
      await fn(h);
    } finally {
      await h.close();
    }
  };

  describe(`incident store (${name})`, () => {
    it(
      'keeps what the builder produced, with merges moving the alerts',
      withStore(({ store }) => {
        fill(store);
        const open = store.list(admin).items;
        expect(open).toHaveLength(1);
        const inc = open[0];
        expect(inc?.alertCount).toBe(3);
        expect(store.alerts(admin, inc?.id ?? '')).toHaveLength(3);
        const merged = store.list(admin, { statuses: ['merged'] }).items;
        expect(merged).toHaveLength(1);
        expect(merged[0]?.mergedInto).toBe(inc?.id);
        expect(store.counts(admin)).toMatchObject({ total: 1, byStatus: { open: 1, merged: 1 } });
        // The merged incident's observable moved to the survivor.
        expect(
          store.linkObservable(admin, { peer: 'p', kind: 'sighting', ref: 'r', observable: '198.51.100.9', time: T0 }),
        ).toEqual([inc?.id]);
      }),
    );

    it(
      'keeps the event ids of each alert, and reads copies stored without them',
      withStore(async ({ store, insertAlertRow }) => {
        const b = new IncidentBuilder();
        const alert = { ...makeAlert({ time: T0, entities: ['host=A', 'user=u1'] }), eventIds: ['e1', 'e2'] };
        b.add(alert);
        store.apply(admin, b.drain());
        const id = store.incidentOfAlert(admin, alert.id) ?? '';
        expect(store.alerts(admin, id).map((a) => a.eventIds)).toEqual([['e1', 'e2']]);
        // A copy written before event ids were kept.
        const { eventIds: _dropped, ...old } = compactAlert({ ...alert, id: 'old-alert' });
        await insertAlertRow('t1', 'old-alert', id, T0 + 1, JSON.stringify(old));
        expect(store.alerts(admin, id).map((a) => a.eventIds)).toEqual([['e1', 'e2'], []]);
        // Applying the same alert again stores it once.
        b.seed('t1', id, T0, []);
        b.add(alert);
        store.apply(admin, b.drain());
        expect(store.alerts(admin, id)).toHaveLength(2);
      }),
    );

    it(
      'filters by text, severity and time, pages with a cursor',
      withStore(({ store }) => {
        fill(store);
        expect(store.list(admin, { q: '198.51.100.9' }).items).toHaveLength(1);
        expect(store.list(admin, { q: 'HOST' }).items).toHaveLength(0);
        expect(store.list(admin, { q: 'nothing-like-this' }).items).toHaveLength(0);
        expect(store.list(admin, { q: '100%' }).items).toHaveLength(0);
        expect(store.list(admin, { minSeverity: 'critical' }).items).toHaveLength(0);
        const severity = store.list(admin).items[0]?.severity ?? 'critical';
        expect(store.list(admin, { minSeverity: severity }).items).toHaveLength(1);
        expect(store.list(admin, { from: T0 + 3 * MIN }).items).toHaveLength(0);
        const p1 = store.list(admin, { statuses: ['open', 'merged'], limit: 1 });
        expect(p1.items).toHaveLength(1);
        const p2 = store.list(admin, {
          statuses: ['open', 'merged'],
          limit: 1,
          ...(p1.nextCursor ? { cursor: p1.nextCursor } : {}),
        });
        expect(p2.items).toHaveLength(1);
        expect(p2.items[0]?.id).not.toBe(p1.items[0]?.id);
        expect(p2.nextCursor).toBeUndefined();
        expect(() => store.list(admin, { cursor: 'not-a-cursor' })).toThrow(/invalid cursor/);
      }),
    );

    it(
      'keeps analyst status when the builder updates an incident',
      withStore(({ store }) => {
        fill(store);
        const id = store.list(admin).items[0]?.id ?? '';
        expect(store.setStatus(admin, [id], 'case', 'case-1')).toBe(1);
        const b = new IncidentBuilder();
        b.seed('t1', id, T0, []);
        b.add(makeAlert({ time: T0 + 3 * MIN, entities: ['host=A', 'user=u1'] }));
        store.apply(admin, b.drain());
        expect(store.get(admin, id)).toMatchObject({ status: 'case', caseId: 'case-1' });
        expect(() => store.setStatus(admin, [id], 'merged')).toThrow(/merged by the builder/);
      }),
    );

    it(
      'tells the incident of each alert, and closes an incident with a reason until it is reopened',
      withStore(({ store }) => {
        fill(store);
        const inc = store.list(admin).items[0];
        const alertIds = store.alerts(admin, inc?.id ?? '').map((a) => a.id);
        const refs = store.incidentsOfAlerts(admin, [...alertIds, 'no-such-alert']);
        expect(refs.size).toBe(3);
        expect(refs.get(alertIds[0] ?? '')).toEqual({ id: inc?.id, title: inc?.title, status: 'open' });
        expect(store.incidentsOfAlerts(other, alertIds).size).toBe(0);
        expect(store.closeWithReason(admin, inc?.id ?? '', 'False positive')).toBe(true);
        expect(store.get(admin, inc?.id ?? '')).toMatchObject({ status: 'closed', closedReason: 'False positive' });
        expect(store.closeWithReason(admin, inc?.id ?? '', 'again')).toBe(false);
        expect(() => store.closeWithReason(viewer, inc?.id ?? '', 'x')).toThrow();
        store.setStatus(admin, [inc?.id ?? ''], 'open');
        expect(store.get(admin, inc?.id ?? '')?.closedReason).toBeUndefined();
        store.setStatus(admin, [inc?.id ?? ''], 'case', 'case-9');
        expect(store.closeWithReason(admin, inc?.id ?? '', 'False positive')).toBe(false);
        expect(store.incidentsOfAlerts(admin, alertIds).get(alertIds[0] ?? '')?.caseId).toBe('case-9');
      }),
    );

    it(
      'links a peer SOC’s sighting to the incidents that hold the observable',
      withStore(({ store }) => {
        fill(store);
        const link = {
          peer: 'soc-b',
          kind: 'sighting' as const,
          ref: 'sighting--1',
          observable: '198.51.100.9',
          time: T0,
        };
        const ids = store.linkObservable(admin, link);
        expect(ids).toHaveLength(1);
        // The same link twice is one link.
        store.linkObservable(admin, { ...link, time: T0 + 1 });
        const links = store.get(admin, ids[0] ?? '')?.links ?? [];
        expect(links).toHaveLength(1);
        expect(links[0]).toMatchObject({ peer: 'soc-b', time: T0 + 1 });
        expect(store.list(admin).items[0]?.links).toHaveLength(1);
        expect(store.linkObservable(other, link)).toEqual([]);
      }),
    );

    it(
      'splits: put re-summarises, moveAlerts moves only the named alerts of the source',
      withStore(({ store }) => {
        const [survivor] = fill(store).filter((id) => store.get(admin, id)?.status === 'open');
        const inc = store.get(admin, survivor ?? '');
        if (!inc) throw new Error('no incident');
        const alerts = store.alerts(admin, inc.id);
        const moved = alerts.slice(0, 2).map((a) => a.id);
        expect(store.moveAlerts(admin, inc.id, 'inc-split', [...moved, 'not-there'])).toBe(2);
        store.put(admin, { ...inc, id: 'inc-split', title: 'Split off', alertCount: 2 });
        expect(store.get(admin, 'inc-split')).toMatchObject({ title: 'Split off', status: 'open' });
        expect(store.alerts(admin, 'inc-split').map((a) => a.id)).toEqual(moved);
        expect(store.alerts(admin, inc.id)).toHaveLength(1);
        expect(store.incidentOfAlert(admin, moved[0] ?? '')).toBe('inc-split');
        expect(store.moveAlerts(other, 'inc-split', inc.id, moved)).toBe(0);
      }),
    );

    it(
      'restores open windows: openSince leaves merged incidents and older ones out, oldest first',
      withStore(({ store }) => {
        fill(store);
        const all = store.openSince(admin, T0);
        expect(all).toHaveLength(1);
        expect(all[0]?.status).toBe('open');
        expect(store.openSince(admin, T0 + 10 * MIN)).toHaveLength(0);
        expect(store.openSince(other, T0)).toHaveLength(0);
      }),
    );

    it(
      'enforces roles and tenants',
      withStore(({ store }) => {
        fill(store);
        const id = store.list(admin).items[0]?.id ?? '';
        expect(store.get(viewer, id)?.id).toBe(id);
        expect(() => store.setStatus(viewer, [id], 'closed')).toThrow(/requires role/);
        expect(store.get(other, id)).toBeUndefined();
        expect(store.list(other).items).toHaveLength(0);
        expect(store.counts(other).total).toBe(0);
        expect(store.setStatus(other, [id], 'closed')).toBe(0);
        expect(() => store.get({ tenant: 't1', user: 'p', roles: ['partner'], via: 'token' }, id)).toThrow(
          /requires role/,
        );
      }),
    );
  });
}
