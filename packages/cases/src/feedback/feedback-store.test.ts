/**
 * The feedback store suite, run here on SQLite (a database file opened twice) and on a real
 * PostgreSQL server (a scratch database per test migrated by `migratePg`, two bridges), plus two
 * threads recording false positives of one rule at once on PostgreSQL. The PostgreSQL parts skip,
 * and say so, only when PostgreSQL is unreachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { isAppError, type EntityType } from '@intersoc/core';
import type { IncidentAlert } from '@intersoc/correlate';
import { openDatabase } from '@intersoc/storage';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import { OTHER_TENANT, ROLES_T1 } from '../internal/fixtures.js';
import type { FeedbackStore, RuleOutcome } from './feedback-core.js';
import { SqliteFeedbackStore } from './feedback.js';
import { PgFeedbackStore } from './pg-feedback.js';

const { admin, analyst, viewer } = ROLES_T1;

let n = 0;
/** An alert of `ruleId` with entities as `type=value` or `type/role=value`. */
function ia(ruleId: string, entities: string[]): IncidentAlert {
  n++;
  return {
    id: `a${n}`,
    time: n,
    ruleId,
    rule: `Rule ${ruleId}`,
    kind: 'sigma',
    severity: 'high',
    summary: '',
    tactics: [],
    techniques: [],
    entities: entities.map((s) => {
      const [key = '', value = ''] = s.split('=');
      const [type, role] = key.split('/') as [EntityType, string | undefined];
      return role === undefined ? { type, value } : { type, value, role };
    }),
    eventIds: [],
  };
}

const outcome = (ruleId: string, title: string, alerts: IncidentAlert[]): RuleOutcome => ({
  ruleId,
  ruleTitle: title,
  alerts,
});

const probe = (ruleId: string, entities: string[]) => ({
  detector: { ruleId },
  entities: ia(ruleId, entities).entities,
});

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return isAppError(err) ? err.code : 'not an AppError';
  }
  return undefined;
}

interface Handle {
  readonly store: FeedbackStore;
  /** A second store on the same database (another process). */
  readonly other: FeedbackStore;
  close(): Promise<void>;
}

type Open = (o: { now: () => number; suppressionTtlMs?: number }) => Promise<Handle>;

function feedbackSuite(name: string, open: Open): void {
  describe(`feedback store (${name})`, () => {
    it('counts outcomes per rule, per tenant, most false positives first', async () => {
      const h = await open({ now: () => 1000 });
      try {
        const s = h.store;
        s.record(analyst, 'false-positive', 'c1', [outcome('r2', 'Beta', [ia('r2', ['host=H1'])])]);
        s.record(analyst, 'true-positive', 'c2', [
          outcome('r1', 'Alpha', [ia('r1', ['host=H1'])]),
          outcome('r2', 'Beta', [ia('r2', ['host=H2'])]),
        ]);
        s.record(analyst, 'benign', 'c3', [outcome('r3', 'Gamma', [ia('r3', ['host=H3'])])]);
        expect(s.rules(viewer).map((r) => [r.ruleId, r.falsePositives, r.truePositives, r.benign, r.lastCase])).toEqual(
          [
            ['r2', 1, 1, 0, 'c2'],
            ['r1', 0, 1, 0, 'c2'],
            ['r3', 0, 0, 1, 'c3'],
          ],
        );
        expect(s.rules(viewer)[0]?.updated).toBe(1000);
        expect(s.rules(OTHER_TENANT)).toEqual([]);
        expect(s.suggestions(OTHER_TENANT)).toEqual([]);
        expect(codeOf(() => s.record(viewer, 'benign', 'c4', []))).toBe('FORBIDDEN');
        expect(codeOf(() => s.rules(ROLES_T1.partner))).toBe('FORBIDDEN');
        expect(s.record(analyst, 'benign', 'c5', [])).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it('suggests suppressing the shared entity; an accepted suppression works for its rule and tenant only', async () => {
      let t = 1000;
      const h = await open({ now: () => t });
      try {
        const s = h.store;
        const alerts = [
          ia('od', ['host=WKS-7', 'process=C:\\OneDrive.exe', 'process/parent=explorer.exe']),
          ia('od', ['host=WKS-8', 'process=c:\\onedrive.exe']),
        ];
        const [sug, ...rest] = s.record(analyst, 'false-positive', 'c1', [outcome('od', 'OneDrive', alerts)]);
        expect(rest).toEqual([]);
        expect(sug).toMatchObject({
          ruleId: 'od',
          action: 'suppress',
          field: 'process',
          value: 'C:\\OneDrive.exe',
          cases: ['c1'],
          alerts: 2,
          status: 'suggested',
          created: 1000,
        });
        const id = sug?.id ?? '';
        expect(s.suggestion(admin, id)).toEqual(sug);
        expect(s.suggestion(OTHER_TENANT, id)).toBeUndefined();
        const p = probe('od', ['host=X', 'process=C:\\ONEDRIVE.EXE']);
        expect(s.suppresses('t1', p)).toBe(false);
        expect(codeOf(() => s.decide(analyst, id, true))).toBe('FORBIDDEN');
        expect(codeOf(() => s.decide(OTHER_TENANT, id, true))).toBe('NOT_FOUND');
        t = 2000;
        expect(s.decide(admin, id, true)).toMatchObject({ status: 'accepted', decided: 2000, decidedBy: 'ada' });
        expect(s.suppresses('t1', p)).toBe(true);
        expect(s.suppresses('t2', p)).toBe(false);
        expect(s.suppresses('t1', probe('other', ['process=C:\\OneDrive.exe']))).toBe(false);
        expect(s.suppresses('t1', probe('od', ['host=C:\\OneDrive.exe']))).toBe(false);
        // More evidence keeps it accepted, with its decision, and adds the case once.
        t = 3000;
        const [again] = s.record(analyst, 'false-positive', 'c2', [outcome('od', 'OneDrive', alerts.slice(1))]);
        expect(again).toMatchObject({ id, status: 'accepted', decided: 2000, cases: ['c1', 'c2'], alerts: 3 });
        s.record(analyst, 'false-positive', 'c2', [outcome('od', 'OneDrive', alerts.slice(1))]);
        expect(s.suggestion(admin, id)?.cases).toEqual(['c1', 'c2']);
        expect(s.suggestions(viewer, 'accepted').map((x) => x.id)).toEqual([id]);
      } finally {
        await h.close();
      }
    });

    it('brings a dismissed suggestion back on new evidence; lowers, then disables, a rule only ever wrong', async () => {
      let t = 1000;
      const h = await open({ now: () => t });
      try {
        const s = h.store;
        const [first] = s.record(analyst, 'false-positive', 'c0', [outcome('n', 'Noisy', [ia('n', ['host=H'])])]);
        expect(s.decide(admin, first?.id ?? '', false).status).toBe('dismissed');
        for (let i = 1; i < 5; i++) {
          t = 1000 + i;
          s.record(analyst, 'false-positive', `c${i}`, [outcome('n', 'Noisy', [ia('n', ['host=H'])])]);
        }
        const all = s.suggestions(viewer);
        expect(all.map((x) => [x.action, x.created])).toEqual([
          ['disable', 1004],
          ['lower-level', 1002],
          ['suppress', 1000],
        ]);
        expect(all.find((x) => x.action === 'suppress')).toMatchObject({
          status: 'suggested',
          cases: ['c0', 'c1', 'c2', 'c3', 'c4'],
        });
        expect(all.find((x) => x.action === 'suppress')?.decided).toBeUndefined();
        expect(all.find((x) => x.action === 'lower-level')).toMatchObject({ level: 'low', cases: ['c2', 'c3'] });
        expect(s.suggestions(viewer, 'dismissed')).toEqual([]);
        // A true positive stops rule-level suggestions.
        s.record(analyst, 'true-positive', 'c5', [outcome('n', 'Noisy', [ia('n', ['host=H'])])]);
        const made = s.record(analyst, 'false-positive', 'c6', [outcome('n', 'Noisy', [ia('n', ['host=H'])])]);
        expect(made.map((x) => x.action)).toEqual(['suppress']);
        expect(codeOf(() => s.decide(admin, 'nope', true))).toBe('NOT_FOUND');
      } finally {
        await h.close();
      }
    });

    it('shares the feedback between two handles; another handle’s decision applies once the cache is old', async () => {
      let t = 1000;
      const h = await open({ now: () => t, suppressionTtlMs: 5000 });
      try {
        const [sug] = h.store.record(analyst, 'false-positive', 'c1', [outcome('r', 'R', [ia('r', ['file=/tmp/x'])])]);
        h.other.record(analyst, 'false-positive', 'c2', [outcome('r', 'R', [ia('r', ['file=/tmp/x'])])]);
        expect(h.store.rules(viewer).map((r) => r.falsePositives)).toEqual([2]);
        expect(h.store.suggestion(viewer, sug?.id ?? '')?.cases).toEqual(['c1', 'c2']);
        const p = probe('r', ['file=/TMP/X']);
        expect(h.store.suppresses('t1', p)).toBe(false);
        h.other.decide(admin, sug?.id ?? '', true);
        expect(h.other.suppresses('t1', p)).toBe(true);
        // Still within the store's cache time: its cached answer stands.
        t = 5999;
        expect(h.store.suppresses('t1', p)).toBe(false);
        t = 6000;
        expect(h.store.suppresses('t1', p)).toBe(true);
      } finally {
        await h.close();
      }
    });
  });
}

feedbackSuite('SQLite', ({ now, suppressionTtlMs }) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedback-'));
  const file = join(dir, 'intersoc.db');
  const a = openDatabase(file);
  const b = openDatabase(file);
  const opts = suppressionTtlMs === undefined ? {} : { suppressionTtlMs };
  return Promise.resolve({
    store: new SqliteFeedbackStore(a, now, opts),
    other: new SqliteFeedbackStore(b, now, opts),
    close() {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});

const scratch = await createScratchDb('intersoc_feedback');
if ('unavailable' in scratch) console.warn(`postgres feedback store tests skipped: ${scratch.unavailable}`);
else await scratch.drop();

describe.skipIf(!('url' in scratch))('PostgreSQL', () => {
  feedbackSuite('PostgreSQL', async ({ now, suppressionTtlMs }) => {
    const db = await createScratchDb('intersoc_feedback');
    if (!('url' in db)) throw new Error(db.unavailable);
    await migratePg(db.url);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    const opts = suppressionTtlMs === undefined ? {} : { suppressionTtlMs };
    return {
      store: new PgFeedbackStore(a, now, opts),
      other: new PgFeedbackStore(b, now, opts),
      async close() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });

  it('two threads recording false positives of the same rules at once lose no count and no case', async () => {
    const db = await createScratchDb('intersoc_feedback');
    if (!('url' in db)) throw new Error(db.unavailable);
    try {
      await migratePg(db.url);
      // Opposite rule orders: the store locks rules in one order, so the two cannot deadlock.
      await Promise.all([recorder(db.url, 30, 'left', ['r1', 'r2']), recorder(db.url, 30, 'right', ['r2', 'r1'])]);
      const pg = openSyncPg(db.url);
      try {
        const s = new PgFeedbackStore(pg);
        expect(s.rules(viewer).map((r) => [r.ruleId, r.falsePositives])).toEqual([
          ['r1', 60],
          ['r2', 60],
        ]);
        const suppress = s.suggestions(viewer).filter((x) => x.action === 'suppress');
        expect(suppress.map((x) => [x.ruleId, x.cases.length, x.alerts])).toEqual(
          expect.arrayContaining([
            ['r1', 60, 60],
            ['r2', 60, 60],
          ]),
        );
      } finally {
        await pg.close();
      }
    } finally {
      await db.drop();
    }
  });
});

/**
 * A thread that records `n` false-positive cases of `rules` for tenant t1 through a store and a
 * bridge of its own (the built modules, as another process would run them).
 */
function recorder(url: string, n: number, who: string, rules: string[]): Promise<void> {
  const cases = new URL('../../dist/index.js', import.meta.url).href;
  const pg = new URL('../../../storage/dist/postgres/index.js', import.meta.url).href;
  const code = `
    const { workerData: w } = require('node:worker_threads');
    Promise.all([import(w.cases), import(w.pg)]).then(async ([{ PgFeedbackStore }, { openSyncPg }]) => {
      const bridge = openSyncPg(w.url);
      const store = new PgFeedbackStore(bridge);
      const ctx = { tenant: 't1', user: w.who, roles: ['analyst'], via: 'token' };
      const alert = (ruleId) => ({ id: 'a', time: 1, ruleId, rule: ruleId, kind: 'sigma', severity: 'high',
        summary: '', tactics: [], techniques: [], entities: [{ type: 'host', value: 'H1' }], eventIds: [] });
      for (let i = 0; i < w.n; i++) {
        store.record(ctx, 'false-positive', w.who + '-' + i, w.rules.map((r) => ({ ruleId: r, ruleTitle: r, alerts: [alert(r)] })));
      }
      await bridge.close();
    });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { cases, pg, url, n, who, rules } });
    w.once('error', reject);
    w.once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`recorder exited with ${c}`))));
  });
}
