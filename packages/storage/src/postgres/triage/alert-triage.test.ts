/**
 * The alert triage suite (internal/testing.ts) on a real PostgreSQL server: a scratch database per
 * test migrated by `migratePg`, alerts stored by the event writer's `insertAlerts`, two triage
 * instances on two bridges (two connections). Skips, and says so, only when PostgreSQL is
 * unreachable. Below it, two threads changing the states of one tenant's alerts at once.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { openPg } from '../connect.js';
import { insertAlerts } from '../event-writer.js';
import { migratePg } from '../migrations.js';
import { createScratchDb } from '../scratch.js';
import { openSyncPg } from '../sync/bridge.js';
import { PgAlertTriage } from './alert-triage.js';
import { alertTriageSuite } from './internal/testing.js';

const probe = await createScratchDb('intersoc_triage');
if ('unavailable' in probe) console.warn(`postgres alert triage tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('PostgreSQL', () => {
  alertTriageSuite('PostgreSQL', async (now) => {
    const db = await createScratchDb('intersoc_triage');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    const raw = openPg(db.url, { max: 1 });
    return {
      triage: new PgAlertTriage(a, now),
      other: new PgAlertTriage(b, now),
      async addAlerts(alerts) {
        await raw.begin((tx) => insertAlerts(tx, alerts));
      },
      async close() {
        await a.close();
        await b.close();
        await raw.end({ timeout: 5 });
        await db.drop();
      },
    };
  });
});

/**
 * A thread that sets the state of `ids` (in the order given) `rounds` times through a triage
 * store and a bridge of its own: the built modules, as another process would run them.
 */
function writer(url: string, user: string, rounds: number, ids: readonly string[]): Promise<void> {
  const pg = new URL('../../../dist/postgres/index.js', import.meta.url).href;
  const code = `
    const { workerData: w } = require('node:worker_threads');
    import(w.pg).then(async ({ PgAlertTriage, openSyncPg }) => {
      const bridge = openSyncPg(w.url);
      const triage = new PgAlertTriage(bridge);
      const ctx = { tenant: 'acme', user: w.user, roles: ['analyst'] };
      for (let i = 0; i < w.rounds; i++) {
        const r = triage.setStatus(ctx, w.ids, { status: i % 2 ? 'closed' : 'acknowledged', reason: w.user });
        if (r.updated !== w.ids.length - 1) throw new Error('updated ' + r.updated);
      }
      await bridge.close();
    });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { pg, url, user, rounds, ids } });
    w.once('error', reject);
    w.once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`writer ${user} exited with ${c}`))));
  });
}

describe.skipIf(!('url' in probe))('PostgreSQL alert triage under concurrent writers', () => {
  it('two threads changing 1,200 alerts in opposite orders: no deadlock, one state per alert', async () => {
    const db = await createScratchDb('intersoc_triage');
    if (!('url' in db)) throw new Error(db.unavailable);
    const raw = openPg(db.url, { max: 1 });
    try {
      await migratePg(db.url);
      const alerts = Array.from({ length: 1_200 }, (_, i) => ({
        id: `acme-${String(i).padStart(4, '0')}`,
        tenant: 'acme',
        time: 1_000 + i,
        created: 1_000 + i,
        detector: { kind: 'sigma' as const, ruleId: 'r', ruleTitle: 'R' },
        severity: 'low' as const,
        tactics: [],
        techniques: [],
        entities: [],
        eventIds: [],
        summary: `alert ${i}`,
      }));
      await raw.begin((tx) => insertAlerts(tx, alerts));
      const ids = [...alerts.map((a) => a.id), 'not-an-alert'];
      await Promise.all([writer(db.url, 'x', 6, ids), writer(db.url, 'y', 6, [...ids].reverse())]);
      const pg = openSyncPg(db.url);
      try {
        const t = new PgAlertTriage(pg);
        const ctx = systemContext('acme');
        // The last round of each thread closed them all; each alert has one row, by either thread.
        expect(t.counts(ctx, 0, Number.MAX_SAFE_INTEGER)).toEqual({ new: 0, acknowledged: 0, closed: 1_200 });
        const by = new Set([...t.states(ctx, ids.slice(0, -1)).values()].map((s) => `${s.by} ${s.reason}`));
        expect([...by].every((x) => x === 'x x' || x === 'y y')).toBe(true);
        const [n] = pg.query<{ n: number }>('SELECT count(*) AS n FROM alert_status');
        expect(n?.n).toBe(1_200);
      } finally {
        await pg.close();
      }
    } finally {
      await raw.end({ timeout: 5 });
      await db.drop();
    }
  });
});
