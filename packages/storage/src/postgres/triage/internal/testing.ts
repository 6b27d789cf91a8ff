/**
 * @module
 * The alert triage suite, run on `SqliteAlertTriage` (events/alert-triage.test.ts) and
 * `PgAlertTriage` (postgres/triage/alert-triage.test.ts). Alerts go in through each store's own
 * event writer; two triage instances on one database (two connections) stand for two processes.
 */
import { describe, expect, it } from 'vitest';
import { isAppError, systemContext, type Alert, type AuthContext } from '@intersoc/core';
import type { AlertTriage } from '../../../events/alert-triage.js';
import { numberedAlert } from '../../../internal/fixtures.js';

/** Two triage instances on one database, and a way to store alerts as the pipeline does. */
export interface TriageHarness {
  readonly triage: AlertTriage;
  readonly other: AlertTriage;
  addAlerts(alerts: readonly Alert[]): Promise<void>;
  close(): Promise<void>;
}

/** Opens a fresh database; both instances use `now`. */
export type OpenTriage = (now: () => number) => Promise<TriageHarness>;

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 4, 1);
const A = systemContext('acme');
const B = systemContext('beta');
const analyst: AuthContext = { tenant: 'acme', user: 'annie', roles: ['analyst'], via: 'session' };
const viewer: AuthContext = { tenant: 'acme', user: 'victor', roles: ['viewer'], via: 'session' };

const alert = numberedAlert;

/** 12 acme alerts an hour apart and one beta alert. */
const BASE = [...Array.from({ length: 12 }, (_, i) => alert('acme', i)), alert('beta', 0)];

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAppError(err) ? err.code : `not an AppError: ${String(err)}`;
  }
  return undefined;
}

/** Every page of a listing, following cursors. */
function allPages(t: AlertTriage, ctx: AuthContext, q: Parameters<AlertTriage['list']>[1]): string[][] {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const p = t.list(ctx, cursor === undefined ? q : { ...q, cursor });
    pages.push(p.items.map((x) => x.alert.id));
    cursor = p.next;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

/** The suite. */
export function alertTriageSuite(name: string, open: OpenTriage): void {
  describe(`alert triage (${name})`, () => {
    const at = T0 + 99 * HOUR;
    async function withBase<T>(fn: (h: TriageHarness) => T): Promise<T> {
      const h = await open(() => at);
      try {
        await h.addAlerts(BASE);
        return fn(h);
      } finally {
        await h.close();
      }
    }

    it('lists the queue newest first with states, filters and cursor pages', () =>
      withBase(({ triage }) => {
        const all = triage.list(A, {});
        expect(all.items.map((x) => x.alert.id)).toEqual(
          Array.from({ length: 12 }, (_, i) => `acme-alert-${String(11 - i).padStart(4, '0')}`),
        );
        expect(all.next).toBeUndefined();
        expect(all.items[0]?.alert).toEqual(BASE[11]);
        expect(all.items.every((x) => x.state.status === 'new')).toBe(true);
        expect(triage.list(A, { minSeverity: 'high' }).items).toHaveLength(6);
        expect(triage.list(A, { q: 'rule:"Rule A"' }).items.map((x) => x.alert.id)).toEqual([
          'acme-alert-0009',
          'acme-alert-0006',
          'acme-alert-0003',
          'acme-alert-0000',
        ]);
        expect(triage.list(A, { from: T0 + 2 * HOUR, to: T0 + 4 * HOUR }).items.map((x) => x.alert.id)).toEqual([
          'acme-alert-0004',
          'acme-alert-0003',
          'acme-alert-0002',
        ]);
        // A full last page still carries a cursor; the page after it is empty.
        expect(allPages(triage, A, { limit: 4 }).map((p) => p.length)).toEqual([4, 4, 4, 0]);
        expect(allPages(triage, A, { limit: 5 }).flat()).toEqual(all.items.map((x) => x.alert.id));
        expect(triage.list(B, {}).items.map((x) => x.alert.id)).toEqual(['beta-alert-0000']);
        expect(triage.list(systemContext('nobody'), {}).items).toEqual([]);
      }));

    it('finds an entity under any of its spellings', () =>
      withBase(({ triage }) => {
        for (const q of ['host:HOST-1', 'host:host-1.corp.example.com', 'host:"HOST-1.corp.example.com"'])
          expect([q, triage.list(A, { q }).items.length]).toEqual([q, 6]);
        for (const q of ['user:bob', 'user:CORP\\bob', 'user:bob@corp.example.com'])
          expect([q, triage.list(A, { q }).items.length]).toEqual([q, 7]);
        expect(triage.list(A, { q: 'host:host-2' }).items).toHaveLength(0);
      }));

    it('refuses bad cursors and costly queries, and stops at the deadline with a cursor', () =>
      withBase(({ triage }) => {
        expect(codeOf(() => triage.list(A, { cursor: 'not-a-cursor' }))).toBe('VALIDATION');
        expect(
          codeOf(() =>
            triage.list(A, {
              q: 'host:*a*b*c*',
              limits: { maxWildcardSegments: 1, maxClauses: 100, maxDepth: 10, leadingWildcardMaxDays: 0 },
            }),
          ),
        ).toBe('EXPENSIVE_QUERY');
        const late = triage.list(A, { deadline: 0 });
        expect(late.items.map((x) => x.alert.id)).toEqual(['acme-alert-0011']);
        expect(triage.list(A, { cursor: late.next!, limit: 1 }).items.map((x) => x.alert.id)).toEqual([
          'acme-alert-0010',
        ]);
      }));

    it('acknowledges and closes in bulk, with reasons, within the tenant only', () =>
      withBase(({ triage }) => {
        const res = triage.setStatus(
          analyst,
          ['nope', 'acme-alert-0002', 'beta-alert-0000', 'acme-alert-0001', 'acme-alert-0002'],
          { status: 'acknowledged', reason: ' looking ' },
        );
        expect(res).toEqual({ updated: 2, missing: ['nope', 'beta-alert-0000'] });
        expect(triage.get(B, 'beta-alert-0000')?.state).toEqual({ status: 'new' });
        expect(triage.get(B, 'acme-alert-0001')).toBeUndefined();
        expect(triage.get(A, 'acme-alert-0001')).toEqual({
          alert: BASE[1],
          state: { status: 'acknowledged', reason: 'looking', by: 'annie', changed: at },
        });
        expect(codeOf(() => triage.setStatus(analyst, ['acme-alert-0003'], { status: 'closed' }))).toBe('VALIDATION');
        expect(codeOf(() => triage.setStatus(analyst, ['acme-alert-0003'], { status: 'closed', reason: ' ' }))).toBe(
          'VALIDATION',
        );
        triage.setStatus(analyst, ['acme-alert-0002', 'acme-alert-0003'], { status: 'closed', reason: 'benign admin' });
        triage.setStatus(analyst, ['acme-alert-0004'], { status: 'new' });
        expect(triage.get(A, 'acme-alert-0004')?.state).toEqual({ status: 'new', by: 'annie', changed: at });
        expect(triage.list(A, { statuses: ['closed'] }).items.map((x) => x.alert.id)).toEqual([
          'acme-alert-0003',
          'acme-alert-0002',
        ]);
        expect(triage.list(A, { statuses: ['new'] }).items).toHaveLength(9);
        expect(triage.list(A, { statuses: ['acknowledged', 'closed'] }).items.map((x) => x.alert.id)).toEqual([
          'acme-alert-0003',
          'acme-alert-0002',
          'acme-alert-0001',
        ]);
        expect(triage.list(A, { statuses: ['new', 'acknowledged', 'closed'] }).items).toHaveLength(12);
        expect(triage.counts(A, 0, Number.MAX_SAFE_INTEGER)).toEqual({ new: 9, acknowledged: 1, closed: 2 });
        expect(triage.counts(A, T0 + 3 * HOUR, T0 + 4 * HOUR)).toEqual({ new: 1, acknowledged: 0, closed: 1 });
        expect(triage.counts(B, 0, Number.MAX_SAFE_INTEGER)).toEqual({ new: 1, acknowledged: 0, closed: 0 });
        expect(
          triage
            .closedBetween(A, at, at)
            .map((x) => `${x.id} ${x.reason}`)
            .sort(),
        ).toEqual(['acme-alert-0002 benign admin', 'acme-alert-0003 benign admin']);
        expect(triage.closedBetween(A, at + HOUR, at + 2 * HOUR)).toEqual([]);
        expect(triage.closedBetween(B, 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
        const states = triage.states(A, ['acme-alert-0003', 'acme-alert-0005', 'beta-alert-0000']);
        expect(Object.fromEntries([...states].map(([id, s]) => [id, s.status]))).toEqual({
          'acme-alert-0003': 'closed',
          'acme-alert-0005': 'new',
          'beta-alert-0000': 'new',
        });
        expect(codeOf(() => triage.setStatus(viewer, ['acme-alert-0005'], { status: 'acknowledged' }))).toBe(
          'FORBIDDEN',
        );
        expect(triage.get(A, 'acme-alert-0005')?.state.status).toBe('new');
      }));

    it("sees another instance's state changes, the last change of an alert winning", () =>
      withBase(({ triage, other }) => {
        triage.setStatus(analyst, ['acme-alert-0007'], { status: 'acknowledged' });
        expect(other.get(A, 'acme-alert-0007')?.state.status).toBe('acknowledged');
        other.setStatus({ ...analyst, user: 'otto' }, ['acme-alert-0007', 'acme-alert-0008'], {
          status: 'closed',
          reason: 'duplicate',
        });
        expect(triage.states(A, ['acme-alert-0007']).get('acme-alert-0007')).toEqual({
          status: 'closed',
          reason: 'duplicate',
          by: 'otto',
          changed: at,
        });
        expect(triage.counts(A, 0, Number.MAX_SAFE_INTEGER)).toEqual({ new: 10, acknowledged: 0, closed: 2 });
      }));

    it('pages through many alerts with equal times, in byte order of ids, across store reads', async () => {
      const h = await open(() => at);
      try {
        // 700 alerts, 7 per millisecond, ids differing in case and accents (byte order, not locale).
        const many = Array.from({ length: 700 }, (_, i) =>
          alert('acme', i, {
            id: `${['a', 'B', 'b', 'Z', 'é', '_', '0'][i % 7] ?? ''}-${String(i).padStart(4, '0')}`,
            time: T0 + Math.floor(i / 7),
            severity: i % 50 === 0 ? 'critical' : 'low',
          }),
        );
        await h.addAlerts(many);
        const byte = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));
        const expected = [...many].sort((x, y) => y.time - x.time || byte(y.id, x.id)).map((a) => a.id);
        expect(allPages(h.triage, A, { limit: 300 }).flat()).toEqual(expected);
        expect(allPages(h.other, A, { limit: 7 }).flat()).toEqual(expected);
        // Few matches spread over the whole queue: the listing reads past many rows to fill a page.
        const crit = allPages(h.triage, A, { minSeverity: 'critical', limit: 10 });
        expect(crit.map((p) => p.length)).toEqual([10, 4]);
        const rare = allPages(h.triage, A, { q: 'severity:critical', limit: 3 });
        expect(rare.flat()).toEqual(crit.flat());
        expect(rare.map((p) => p.length)).toEqual([3, 3, 3, 3, 2]);
      } finally {
        await h.close();
      }
    });
  });
}
