/**
 * The api role's incident builder on a real PostgreSQL server (a scratch database migrated as
 * `intersoc db migrate` does): alerts written to `ev_alerts` the way detect workers write them
 * become incidents once they have settled, each alert in exactly one incident; a second feed (a
 * restart, or another api instance) goes on from the stored mark and restores open windows, so a
 * later alert joins the incident it belongs to and no alert is taken twice. Skips, and says so,
 * only when PostgreSQL is unreachable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { systemContext, type Alert } from '@intersoc/core';
import { PgIncidentStore } from '@intersoc/correlate';
import { createScratchDb, migratePg, openPgEventStore, openSyncPg } from '@intersoc/storage/postgres';
import { startIncidentFeed } from './incident-feed.js';

const db = await createScratchDb('intersoc_feed');
if ('unavailable' in db) console.warn(`incident feed tests skipped: ${db.unavailable}`);
afterAll(async () => {
  if ('url' in db) await db.drop();
});

const T0 = Date.UTC(2025, 2, 4, 9);
let n = 0;
function alert(o: { created: number; host: string; user: string; tenant?: string }): Alert {
  n++;
  return {
    id: `alert-${String(n).padStart(3, '0')}`,
    tenant: o.tenant ?? 'acme',
    created: o.created,
    time: T0 + n * 60_000,
    detector: { kind: 'sigma', ruleId: 'r1', ruleTitle: 'Rule r1' },
    severity: 'high',
    tactics: ['execution'],
    techniques: ['T1059.001'],
    entities: [
      { type: 'host', value: o.host },
      { type: 'user', value: o.user },
    ],
    eventIds: [`ev-${n}`],
    summary: 'Rule r1',
  };
}

describe.skipIf(!('url' in db))('incident feed on PostgreSQL', () => {
  it('takes settled alerts once, in incidents; a second feed goes on from the mark and joins open windows', async () => {
    if (!('url' in db)) return;
    await migratePg(db.url);
    const events = await openPgEventStore(db.url, { max: 1 });
    const pg = openSyncPg(db.url);
    const incidents = new PgIncidentStore(pg);
    const ctx = systemContext('acme');
    const errors: unknown[] = [];
    let clock = 1_000_000;
    const now = (): number => clock;
    const first = [
      alert({ created: 900_000, host: 'wks-1', user: 'bob' }),
      alert({ created: 900_000, host: 'wks-1', user: 'bob' }),
      alert({ created: 910_000, host: 'srv-9', user: 'eve' }),
      alert({ created: 910_000, host: 'srv-9', user: 'eve', tenant: 'beta' }),
      // Not settled yet at 1,000,000 with a 5 s settle time.
      alert({ created: 998_000, host: 'wks-1', user: 'bob' }),
    ];
    await events.write({ blocks: [], alerts: first, deadLetters: [] });
    const a = startIncidentFeed({ pg, incidents, now, onError: (e) => errors.push(e), everyMs: 3_600_000 });
    expect(await a.catchUp()).toBe(4);
    expect(await a.catchUp()).toBe(0);
    const listed = incidents.list(ctx).items;
    expect(listed.map((i) => i.alertCount).sort()).toEqual([1, 2]);
    expect(incidents.list(systemContext('beta')).items).toHaveLength(1);
    a.close();

    // A second feed: the unsettled alert and a new one of wks-1 join the open wks-1 incident.
    clock = 1_010_000;
    const later = alert({ created: 1_001_000, host: 'wks-1', user: 'bob' });
    await events.write({ blocks: [], alerts: [later], deadLetters: [] });
    const pg2 = openSyncPg(db.url);
    const b = startIncidentFeed({
      pg: pg2,
      incidents: new PgIncidentStore(pg2),
      now,
      onError: (e) => errors.push(e),
      everyMs: 3_600_000,
    });
    expect(await b.catchUp()).toBe(2);
    // The first feed, run again, finds nothing left: the mark moved for everyone.
    const again = startIncidentFeed({ pg, incidents, now, onError: (e) => errors.push(e), everyMs: 3_600_000 });
    expect(await again.catchUp()).toBe(0);
    b.close();
    again.close();

    const open = incidents.list(ctx).items;
    expect(open.map((i) => i.alertCount).sort()).toEqual([1, 4]);
    const members = open.flatMap((i) => incidents.alerts(ctx, i.id).map((x) => x.id)).sort();
    expect(members).toEqual(
      [...first, later]
        .filter((x) => x.tenant === 'acme')
        .map((x) => x.id)
        .sort(),
    );
    expect(errors).toEqual([]);
    await pg.close();
    await pg2.close();
    await events.close();
  }, 120_000);
});
