/**
 * @module
 * A test harness for the engine: a real store and audit log on an in-memory (or file) database,
 * and executors and a connector whose behaviour the test scripts (count, fail n times, hang until
 * aborted), so flow semantics can be checked step by step. Real executors and connectors have
 * their own tests against real servers.
 */
import { systemContext, type AuthContext } from '@intersoc/core';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import type { AuditVerification } from '@intersoc/storage';
import { RESPOND_EXTENSION_DEFINITION, RESPOND_EXTENSION_ID } from '../cacao/extension.js';
import type { WorkflowStep } from '../cacao/types.js';
import { queuedOps, serveRequests } from '../engine/requests.js';
import { foldRun } from '../engine/state.js';
import type { SyncAuditLog } from '../store/sqlite-respond-store.js';
import { fid, playbookOf, xAction } from './fixtures.js';
import { openDatabase, openSqliteAuthStores, SqliteAuditStore, type SqliteDb } from '@intersoc/storage';
import type { Playbook } from '../cacao/types.js';
import { CommandError, type CommandExecutor, type Connector } from '../commands/types.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { playbookDigest } from '../sign/playbook-signature.js';
import type { RespondStore } from '../store/respond-store.js';
import { runWatcher } from '../store/watch-runs.js';
import { SqliteRespondStore } from '../store/sqlite-respond-store.js';

/** A store on a fresh database. */
export function testStore(file = ':memory:'): { db: SqliteDb; store: SqliteRespondStore; audit: SqliteAuditStore } {
  const db = openDatabase(file);
  openSqliteAuthStores(db);
  const audit = new SqliteAuditStore(db);
  return { db, store: new SqliteRespondStore(db, audit), audit };
}

/** Adds a playbook as the tenant's. */
export function addPlaybook(store: RespondStore, ctx: AuthContext, p: Playbook): void {
  store.putPlaybook(ctx, {
    id: p.id,
    version: p.modified,
    name: p.name,
    digest: playbookDigest(p),
    source: 'local',
    signedBy: [],
    addedBy: ctx.user,
    addedAt: Date.now(),
    playbook: p,
  });
}

/** What the scripted executor saw. */
export interface Script {
  /** Calls per command text. */
  readonly calls: Map<string, number>;
  /** Command texts that fail this many more times. */
  readonly failures: Map<string, number>;
  /** Command texts that hang until aborted. */
  readonly hang: Set<string>;
  /** Reverts, in order. */
  readonly reverted: string[];
}

/** A scripted executor (`x-test`) and connector (`x-test`). */
export function scripted(): { script: Script; executor: CommandExecutor; connector: Connector } {
  const script: Script = { calls: new Map(), failures: new Map(), hang: new Set(), reverted: [] };
  const executor: CommandExecutor = {
    type: 'x-test',
    idempotent: (c) => c['idempotent'] === true,
    describe: (c, x) => `x-test ${x.substitute(String(c.command ?? ''))}`,
    async execute(c, x) {
      const text = x.substitute(String(c.command ?? ''));
      script.calls.set(text, (script.calls.get(text) ?? 0) + 1);
      if (script.hang.has(text)) {
        await new Promise((_, reject) => x.signal.addEventListener('abort', () => reject(x.signal.reason as Error)));
      }
      const f = script.failures.get(text) ?? 0;
      if (f > 0) {
        script.failures.set(text, f - 1);
        throw new CommandError(`scripted failure of ${text}`);
      }
      return {
        output: { ran: text },
        // The call count: a loop body that returns it through out_args counts its iterations.
        text: String(script.calls.get(text) ?? 0),
        ...(c['contain'] === true
          ? { actions: [{ connector: 'x-test', summary: `contained ${text}`, inverse: { undo: text } }] }
          : {}),
      };
    },
    approval: (c: { approval?: unknown }) => (typeof c.approval === 'string' ? c.approval : 'auto'),
  } as CommandExecutor;
  const connector: Connector = {
    name: 'x-test',
    async revert(inverse) {
      script.reverted.push(String(inverse['undo']));
    },
  };
  return { script, executor, connector };
}

/** An engine on a test store with the scripted executor. */
export function testEngine(o: Partial<EngineOptions> = {}, file?: string) {
  const t = testStore(file);
  const s = scripted();
  const engine = new Engine({
    store: t.store,
    executors: [s.executor],
    connectors: [s.connector],
    backoffMs: 10,
    ...o,
  });
  return { ...t, ...s, engine, ctx: { ...systemContext('t1'), user: 'alice', roles: ['analyst'] } as AuthContext };
}

// The respond store suite ------------------------------------------------------------------------
// The same tests on every `RespondStore` (SQLite in `store/sqlite-respond-store.test.ts`,
// PostgreSQL in `store/pg-respond-store.test.ts`): store calls directly where the contract is the
// store's (versions, conflicts, tenants, the request queue, a write to an unknown run), and a real
// engine with the scripted executor where it is the engine's over the store (runs and their
// transition log, approvals, rollback of recorded actions, resume after a crash with no step done
// twice).

/** A store and its audit log, on a database the harness can open a second time. */
export interface StoreHandle {
  readonly store: RespondStore;
  readonly audit: SyncAuditLog & { verify(ctx: AuthContext): Promise<AuditVerification> };
}

/** What a harness provides: a fresh database, and a second handle on it (another process). */
export interface RespondHarness extends StoreHandle {
  another(): StoreHandle;
  close(): Promise<void>;
}

const suiteCtx: AuthContext = { ...systemContext('t1'), user: 'alice', roles: ['analyst'] };
const person = (user: string, tenant = 't1'): AuthContext => ({ tenant, user, roles: ['analyst'], via: 'session' });

function engineOn(h: StoreHandle) {
  const s = scripted();
  const engine = new Engine({ store: h.store, executors: [s.executor], connectors: [s.connector], backoffMs: 10 });
  return { ...s.script, engine };
}

/** start → x-test actions (named) → end, each with the step extension `ext`. */
function chain(n: number, names: readonly string[], ext: Record<string, unknown> = {}, cmd = {}): Playbook {
  const steps = names.map((_, i) => fid('action', n * 10 + i));
  const workflow: Record<string, WorkflowStep> = {
    [fid('start', n)]: { type: 'start', on_completion: steps[0] as string },
  };
  names.forEach((name, i) => {
    workflow[steps[i] as string] = xAction(
      name,
      steps[i + 1] ?? fid('end', n),
      { step_extensions: { [RESPOND_EXTENSION_ID]: { approval: 'auto', ...ext } } } as Partial<WorkflowStep>,
      cmd,
    );
  });
  workflow[fid('end', n)] = { type: 'end' };
  return playbookOf(n, fid('start', n), workflow, {
    extension_definitions: { [RESPOND_EXTENSION_ID]: RESPOND_EXTENSION_DEFINITION },
  });
}

/** Registers the suite for one store. */
export function respondStoreSuite(name: string, open: () => Promise<RespondHarness>): void {
  describe(`respond store (${name})`, () => {
    it('keeps playbook versions: the same version again is no change, other content under it is a conflict', async () => {
      const h = await open();
      try {
        const p1 = chain(1, ['a']);
        addPlaybook(h.store, suiteCtx, p1);
        const p2 = { ...p1, modified: '2025-02-01T00:00:00.000Z', description: 'second' };
        addPlaybook(h.store, suiteCtx, p2);
        const again = { ...h.store.getPlaybook(suiteCtx, p1.id, p1.modified)!, signedBy: ['k1'] };
        expect(h.store.putPlaybook(suiteCtx, again)).toBe(false);
        expect(h.store.getPlaybook(suiteCtx, p1.id, p1.modified)?.signedBy).toEqual(['k1']);
        let err: unknown;
        try {
          h.store.putPlaybook(suiteCtx, { ...again, digest: 'other' });
        } catch (e) {
          err = e;
        }
        expect(isAppError(err) && err.code).toBe('CONFLICT');
        expect(h.store.getPlaybook(suiteCtx, p1.id)?.version).toBe(p2.modified);
        expect(Object.isFrozen(h.store.getPlaybook(suiteCtx, p1.id)?.playbook)).toBe(true);
        expect(h.store.versions(suiteCtx, p1.id).map((v) => v.version)).toEqual([p2.modified, p1.modified]);
        addPlaybook(h.store, suiteCtx, { ...chain(2, ['b']), name: 'A first by name' });
        expect(h.store.listPlaybooks(suiteCtx).map((b) => [b.name, b.versions, b.description ?? null])).toEqual([
          ['A first by name', 1, null],
          ['test playbook 1', 2, 'second'],
        ]);
        const other = person('eve', 't2');
        expect(h.store.listPlaybooks(other)).toEqual([]);
        expect(h.store.getPlaybook(other, p1.id)).toBeUndefined();
      } finally {
        await h.close();
      }
    });

    it('runs a playbook: the transition log in order, the run row, listings by status and playbook, a chained audit', async () => {
      const h = await open();
      try {
        const t = engineOn(h);
        const pb = chain(3, ['one', 'two', 'three']);
        addPlaybook(h.store, suiteCtx, pb);
        const runs = [];
        for (let i = 0; i < 3; i++) runs.push(await t.engine.startRun(suiteCtx, { playbook: pb.id }));
        await t.engine.idle();
        for (const r of runs) {
          const ts = h.store.transitions(suiteCtx, r.id);
          expect(ts.map((x) => x.seq)).toEqual(ts.map((_, i) => i + 1));
          expect(ts[0]?.kind).toBe('run.created');
          expect(foldRun('t1', r.id, ts).finished?.status).toBe('succeeded');
          expect(h.store.transitions(suiteCtx, r.id, 2).map((x) => x.seq)[0]).toBe(3);
          expect(h.store.getRun(suiteCtx, r.id)).toMatchObject({
            status: 'succeeded',
            playbookId: pb.id,
            dryRun: false,
          });
        }
        expect(t.calls.get('two')).toBe(3);
        expect(h.store.listRuns(suiteCtx, { status: ['succeeded'], playbook: pb.id }).items).toHaveLength(3);
        expect(h.store.listRuns(suiteCtx, { status: ['failed'] }).items).toEqual([]);
        const page = h.store.listRuns(suiteCtx, { limit: 2 });
        expect(page.items).toHaveLength(2);
        expect(page.nextBefore).toBeTypeOf('number');
        expect(h.store.unfinishedRuns()).toEqual([]);
        expect(h.store.getRun(person('eve', 't2'), runs[0]!.id)).toBeUndefined();
        expect(h.store.transitions(person('eve', 't2'), runs[0]!.id)).toEqual([]);
        expect((await h.audit.verify(systemContext('t1'))).ok).toBe(true);
        await t.engine.close();
      } finally {
        await h.close();
      }
    });

    it('keeps each run’s transitions apart when many runs commit together', async () => {
      const h = await open();
      try {
        const t = engineOn(h);
        const pb = chain(4, ['one', 'two', 'three']);
        addPlaybook(h.store, suiteCtx, pb);
        const runs = await Promise.all(
          Array.from({ length: 40 }, () => t.engine.startRun(suiteCtx, { playbook: pb.id })),
        );
        await t.engine.idle();
        for (const r of runs) {
          const ts = h.store.transitions(suiteCtx, r.id);
          expect(ts.map((x) => x.seq)).toEqual(ts.map((_, i) => i + 1));
          expect(foldRun('t1', r.id, ts).finished?.status).toBe('succeeded');
        }
        expect(t.calls.get('three')).toBe(40);
        await t.engine.close();
      } finally {
        await h.close();
      }
    });

    it('holds an approval in the inbox until two other people approve (four eyes)', async () => {
      const h = await open();
      try {
        const t = engineOn(h);
        const pb = chain(5, ['act'], { approval: 'four-eyes' });
        addPlaybook(h.store, suiteCtx, pb);
        const run = await t.engine.startRun(person('alice'), { playbook: pb.id });
        await t.engine.idle();
        expect(h.store.getRun(suiteCtx, run.id)?.status).toBe('waiting');
        expect(h.store.openWaits(suiteCtx).map((w) => [w.run, w.wait.kind])).toEqual([[run.id, 'approval']]);
        expect(h.store.openWaits(person('eve', 't2'))).toEqual([]);
        const step = fid('action', 50);
        await t.engine.approve(person('bob'), run.id, step);
        expect(h.store.openWaits(suiteCtx, run.id)[0]?.approvals.map((a) => a.by)).toEqual(['bob']);
        expect(t.calls.get('act')).toBeUndefined();
        await t.engine.approve(person('carol'), run.id, step);
        await t.engine.idle();
        expect(h.store.getRun(suiteCtx, run.id)?.status).toBe('succeeded');
        expect(t.calls.get('act')).toBe(1);
        expect(h.store.openWaits(suiteCtx)).toEqual([]);
        await t.engine.close();
      } finally {
        await h.close();
      }
    });

    it('records actions and rolls them back in reverse order; a time box is a deadline', async () => {
      const h = await open();
      try {
        const t = engineOn(h);
        const pb = chain(6, ['first', 'second'], {}, { contain: true });
        addPlaybook(h.store, suiteCtx, pb);
        const run = await t.engine.startRun(suiteCtx, { playbook: pb.id });
        await t.engine.idle();
        expect(h.store.actions(suiteCtx, run.id).map((a) => [a.summary, a.state])).toEqual([
          ['contained first', 'active'],
          ['contained second', 'active'],
        ]);
        await t.engine.rollback(person('bob'), run.id);
        expect(t.reverted).toEqual(['second', 'first']);
        expect(h.store.actions(suiteCtx, run.id).map((a) => a.state)).toEqual(['reverted', 'reverted']);
        expect(h.store.nextDeadline()).toBeUndefined();
        const boxed = chain(7, ['boxed'], { timebox: 3_600_000 }, { contain: true });
        addPlaybook(h.store, suiteCtx, boxed);
        const r2 = await t.engine.startRun(suiteCtx, { playbook: boxed.id });
        await t.engine.idle();
        const due = h.store.actions(suiteCtx, r2.id)[0]?.expires as number;
        expect(h.store.nextDeadline()).toBe(due);
        expect(h.store.dueActions(due - 1)).toEqual([]);
        expect(h.store.dueActions(due).map((a) => a.summary)).toEqual(['contained boxed']);
        await t.engine.close();
      } finally {
        await h.close();
      }
    });

    it('hands operations to the engine owner through the request queue', async () => {
      const h = await open();
      try {
        const owner = engineOn(h);
        const pb = chain(8, ['queued']);
        addPlaybook(h.store, suiteCtx, pb);
        const cli = h.another();
        const started = queuedOps(cli.store, 20_000).startRun(suiteCtx, { playbook: pb.id });
        const bad = cli.store.queueRequest(suiteCtx, 'format', []);
        let served = 0;
        while (served < 2) {
          served += await serveRequests(h.store, owner.engine);
          await new Promise((r) => setTimeout(r, 20));
        }
        const run = (await started) as { id: string };
        await owner.engine.idle();
        expect(cli.store.getRun(suiteCtx, run.id)?.status).toBe('succeeded');
        expect(cli.store.requestOutcome(bad)).toEqual({
          done: true,
          error: { code: 'BAD_REQUEST', message: 'unknown operation format' },
        });
        expect(h.store.openRequests()).toEqual([]);
        await owner.engine.close();
      } finally {
        await h.close();
      }
    });

    it('reports runs started, moved and finished by an engine on another handle (runWatcher)', async () => {
      const h = await open();
      try {
        const t = engineOn(h);
        const pb = chain(9, ['first', 'second'], { approval: 'one' });
        addPlaybook(h.store, suiteCtx, pb);
        // The api role's view: the store on its own connection, no engine.
        const subscribe = runWatcher(h.another().store, { intervalMs: 10 });
        const seen: [string, string][] = [];
        const other: string[] = [];
        const stop = subscribe('t1', (r) => seen.push([r.id, r.status]));
        const stopOther = subscribe('t2', (r) => other.push(r.id));
        const until = async (what: string, ok: () => boolean): Promise<void> => {
          for (let i = 0; !ok(); i++) {
            if (i > 1000) throw new Error(`the watcher never reported ${what}`);
            await new Promise((r) => setTimeout(r, 10));
          }
        };
        const run = await t.engine.startRun(person('alice'), { playbook: pb.id });
        await t.engine.idle();
        await until('the waiting run', () => seen.some(([id, s]) => id === run.id && s === 'waiting'));
        // Approved, the run moves to its second step and waits again: same status, new transitions.
        let mark = seen.length;
        await t.engine.approve(person('bob'), run.id, fid('action', 90));
        await t.engine.idle();
        await until('the step moved', () => seen.slice(mark).some(([id, s]) => id === run.id && s === 'waiting'));
        mark = seen.length;
        await t.engine.approve(person('bob'), run.id, fid('action', 91));
        await t.engine.idle();
        await until('the finished run', () => seen.slice(mark).some(([id, s]) => id === run.id && s === 'succeeded'));
        expect(t.calls.get('first')).toBe(1);
        expect(t.calls.get('second')).toBe(1);
        expect(other).toEqual([]);
        stop();
        stopOther();
        await t.engine.close();
      } finally {
        await h.close();
      }
    });

    it('refuses transitions of a run it does not hold, and writes nothing of the batch', async () => {
      const h = await open();
      try {
        const t = engineOn(h);
        const pb = chain(9, ['x']);
        addPlaybook(h.store, suiteCtx, pb);
        const run = await t.engine.startRun(suiteCtx, { playbook: pb.id });
        await t.engine.idle();
        const before = h.store.transitions(suiteCtx, run.id).length;
        const tr = { kind: 'run.cancelled', seq: before + 1, time: Date.now(), reason: 'x' } as never;
        let err: unknown;
        try {
          h.store.writeBatch([
            { tenant: 't1', run: run.id, transitions: [tr], audit: [] },
            { tenant: 't1', run: 'no-such-run', transitions: [tr], audit: [] },
          ]);
        } catch (e) {
          err = e;
        }
        expect(isAppError(err) && err.code).toBe('NOT_FOUND');
        expect(h.store.transitions(suiteCtx, run.id)).toHaveLength(before);
        await t.engine.close();
      } finally {
        await h.close();
      }
    });

    it('resumes after a crash on another handle: done steps are not run again, an in-flight one waits for a person', async () => {
      const h = await open();
      try {
        const a = engineOn(h);
        const pb = chain(10, ['one', 'two', 'three'], {}, {});
        addPlaybook(h.store, suiteCtx, pb);
        a.hang.add('two');
        const run = await a.engine.startRun(suiteCtx, { playbook: pb.id });
        while (a.calls.get('two') !== 1) await new Promise((r) => setTimeout(r, 5));
        // The process dies here: engine a is abandoned with "two" in flight; b is a new process.
        const other = h.another();
        const b = engineOn(other);
        expect(other.store.unfinishedRuns()).toEqual([{ tenant: 't1', id: run.id }]);
        expect(await b.engine.start()).toEqual({ resumed: 1, inDoubt: 1 });
        await b.engine.idle();
        const s2 = fid('action', 101);
        expect(other.store.openWaits(suiteCtx, run.id).map((w) => [w.step, w.wait.kind])).toEqual([[s2, 'in-doubt']]);
        await b.engine.resolve(person('bob'), run.id, s2, 'done');
        await b.engine.idle();
        expect(other.store.getRun(suiteCtx, run.id)?.status).toBe('succeeded');
        expect([a.calls.get('one'), b.calls.get('one'), b.calls.get('two'), b.calls.get('three')]).toEqual([
          1,
          undefined,
          undefined,
          1,
        ]);
        expect((await other.audit.verify(systemContext('t1'))).ok).toBe(true);
        await b.engine.close();
      } finally {
        await h.close();
      }
    });
  });
}
