import { describe, expect, it } from 'vitest';
import { systemContext, type AuthContext } from '@intersoc/core';
import { migrate, openDatabase, openSqliteAuthStores, SqliteAuditStore } from '@intersoc/storage';
import { RESPOND_EXTENSION_DEFINITION, RESPOND_EXTENSION_ID } from '../cacao/extension.js';
import type { Playbook, WorkflowStep } from '../cacao/types.js';
import { fid, playbookOf, xAction } from '../internal/fixtures.js';
import { addPlaybook, testEngine } from '../internal/testing.js';
import { foldRun } from '../engine/state.js';
import { RESPOND_SCHEMA } from './schema.js';
import { SqliteRespondStore } from './sqlite-respond-store.js';

const ctx: AuthContext = { ...systemContext('t1'), user: 'ana' };

/** start → three x-test actions that need no approval → end. */
function threeActions(): Playbook {
  const auto = { step_extensions: { [RESPOND_EXTENSION_ID]: { approval: 'auto' } } } as Partial<WorkflowStep>;
  const [start, a1, a2, a3, end] = [
    fid('start', 7),
    fid('action', 71),
    fid('action', 72),
    fid('action', 73),
    fid('end', 7),
  ];
  return playbookOf(
    7,
    start,
    {
      [start]: { type: 'start', on_completion: a1 },
      [a1]: xAction('one', a2, auto),
      [a2]: xAction('two', a3, auto),
      [a3]: xAction('three', end, auto),
      [end]: { type: 'end' },
    },
    { extension_definitions: { [RESPOND_EXTENSION_ID]: RESPOND_EXTENSION_DEFINITION } },
  );
}

describe('respond schema', () => {
  it('moves transitions of a store written before the commit-ordered log, and numbers new runs after them', async () => {
    const db = openDatabase(':memory:');
    openSqliteAuthStores(db);
    // A store as it was: transitions keyed by tenant, run and seq.
    migrate(db, 'respond', RESPOND_SCHEMA.slice(0, 3));
    const row = db.prepare(
      `INSERT INTO respond_runs (tenant, id, playbook_id, playbook_version, playbook_name, status, dry_run,
         requested_by, trigger, created, updated) VALUES (?, ?, 'pb', 'v', 'n', ?, 0, 'ana', '{"kind":"manual"}', ?, ?)`,
    );
    const tr = db.prepare('INSERT INTO respond_transitions (tenant, run, seq, time, body) VALUES (?, ?, ?, ?, ?)');
    row.run('t1', 'old-b', 'succeeded', 2, 2);
    row.run('t1', 'old-a', 'running', 1, 1);
    row.run('t2', 'old-a', 'running', 3, 3);
    for (const seq of [2, 1, 3]) tr.run('t1', 'old-a', seq, seq, JSON.stringify({ kind: 'x', n: seq }));
    tr.run('t1', 'old-b', 1, 5, JSON.stringify({ kind: 'y' }));
    tr.run('t2', 'old-a', 1, 6, JSON.stringify({ kind: 'z' }));

    const store = new SqliteRespondStore(db, new SqliteAuditStore(db));
    // Every transition is still there, in order, and each tenant sees only its own.
    expect(store.transitions(ctx, 'old-a').map((t) => [t.seq, t.time, (t as unknown as { n: number }).n])).toEqual([
      [1, 1, 1],
      [2, 2, 2],
      [3, 3, 3],
    ]);
    expect(store.transitions(ctx, 'old-a', 2).map((t) => t.seq)).toEqual([3]);
    expect(store.transitions(ctx, 'old-b').map((t) => t.kind)).toEqual(['y']);
    expect(store.transitions({ ...ctx, tenant: 't2' }, 'old-a').map((t) => t.kind)).toEqual(['z']);
    expect(store.transitions({ ...ctx, tenant: 't3' }, 'old-a')).toEqual([]);
    // Old runs are numbered in creation order; a new run comes after them.
    const numbers = () =>
      db.prepare('SELECT tenant, id, no FROM respond_runs ORDER BY no').all() as {
        tenant: string;
        id: string;
        no: number;
      }[];
    expect(numbers().map((r) => `${r.tenant}/${r.id}=${r.no}`)).toEqual(['t1/old-a=1', 't1/old-b=2', 't2/old-a=3']);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'respond_transitions'").get()).toEqual({
      n: 0,
    });
  });

  it('keeps each run’s transitions apart when many runs commit together', async () => {
    const t = testEngine();
    const pb = threeActions();
    addPlaybook(t.store, t.ctx, pb);
    const runs = await Promise.all(Array.from({ length: 40 }, () => t.engine.startRun(t.ctx, { playbook: pb.id })));
    await t.engine.idle();
    const nos = new Set<number>();
    for (const r of runs) {
      const ts = t.store.transitions(t.ctx, r.id);
      expect(ts.map((x) => x.seq)).toEqual(ts.map((_, i) => i + 1));
      expect(ts[0]?.kind).toBe('run.created');
      expect(foldRun('t1', r.id, ts).finished?.status).toBe('succeeded');
      const no = t.db.prepare('SELECT no FROM respond_runs WHERE tenant = ? AND id = ?').pluck().get('t1', r.id);
      nos.add(no as number);
    }
    // Distinct numbers, and more transitions than one multi-row INSERT takes (64) went in.
    expect(nos.size).toBe(40);
    expect(t.db.prepare('SELECT count(*) FROM respond_log').pluck().get()).toBeGreaterThan(64);
    await t.engine.close();
  });
});
