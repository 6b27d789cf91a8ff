/**
 * @module
 * `bench respond`: 10,000 runs (1,000 with `--quick`) of a playbook of 10 action steps with
 * no-op commands (`intersoc noop`, no approval), on a SQLite file with the node's pragmas. Every
 * transition is stored before it takes effect and every step gets its audit entry in the node's
 * hash chain, exactly as in production. Reports steps/s; the baseline is the same number of bare
 * store writes (one `INSERT` per write, each its own transaction) on the same database in the
 * same run. The goal is an engine overhead per step of at most 3 store writes: ratio ≥ 0.333
 * (figures and what they mean: packages/respond/README.md). The engine group-commits: the
 * transitions of all runs that move in one turn of the event loop are written in one transaction with their
 * audit entries (`journal.ts`), and a run moves only after its transition is committed. The
 * figures split the engine phase into time in the store's batch writes and the engine's own
 * work, in wall time and in CPU time (steadier on a shared machine).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemContext, type AuthContext } from '@intersoc/core';
import {
  Engine,
  intersocExecutor,
  playbookDigest,
  SqliteRespondStore,
  type Playbook,
  type WorkflowStep,
} from '@intersoc/respond';
import { openDatabase, openSqliteAuthStores, SqliteAuditStore } from '@intersoc/storage';
import { benchResult, type BenchModule, type BenchOptions, type BenchResult } from './types.js';

const STEPS = 10;
/** Runs in flight at once (a busy node; the rest queue behind them). */
const CONCURRENCY = 500;

const id = (t: string, n: number): string => `${t}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** start → 10 no-op actions → end. */
export function benchPlaybook(): Playbook {
  const workflow: Record<string, WorkflowStep> = {
    [id('start', 1)]: { type: 'start', on_completion: id('action', 1) },
  };
  for (let i = 1; i <= STEPS; i++) {
    workflow[id('action', i)] = {
      type: 'action',
      name: `step ${i}`,
      commands: [{ type: 'intersoc', command: 'noop' }],
      agent: id('individual', 1),
      on_completion: i === STEPS ? id('end', 1) : id('action', i + 1),
    };
  }
  workflow[id('end', 1)] = { type: 'end' };
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: id('playbook', 1),
    name: 'bench: ten no-op steps',
    created_by: id('identity', 1),
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    workflow_start: id('start', 1),
    workflow,
    agent_definitions: { [id('individual', 1)]: { type: 'individual', name: 'node' } },
  };
}

async function run(o: BenchOptions): Promise<BenchResult> {
  const runs = o.quick ? 1_000 : 10_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-bench-respond-'));
  try {
    const file = path.join(dir, 'intersoc.db');
    const db = openDatabase(file);
    openSqliteAuthStores(db);
    const audit = new SqliteAuditStore(db);
    const store = new SqliteRespondStore(db, audit);
    // Time inside the store's batch writes (transitions, indexes, audit chain, commit): the rest
    // of the engine phase is the engine's own work (deciding, commands, promises).
    let storeMs = 0;
    let storeCpu = 0;
    const writeBatch = store.writeBatch.bind(store);
    store.writeBatch = (w) => {
      const t = performance.now();
      const c = process.cpuUsage();
      try {
        writeBatch(w);
      } finally {
        storeMs += performance.now() - t;
        storeCpu += cpuSeconds(process.cpuUsage(c));
      }
    };
    const finished = new Map<string, () => void>();
    const engine = new Engine({
      store,
      executors: [intersocExecutor({})],
      onChange: (_t, run, status) => {
        if (status === 'succeeded' || status === 'failed' || status === 'cancelled') finished.get(run)?.();
      },
    });
    const ctx: AuthContext = { ...systemContext('bench'), user: 'bench' };
    const pb = benchPlaybook();
    store.putPlaybook(ctx, {
      id: pb.id,
      version: pb.modified,
      name: pb.name,
      digest: playbookDigest(pb),
      source: 'local',
      signedBy: [],
      addedBy: 'bench',
      addedAt: Date.now(),
      playbook: pb,
    });

    // Baseline: the same number of bare store writes, each committed alone.
    const writes = runs * STEPS;
    db.exec(
      'CREATE TABLE bench_writes (id INTEGER PRIMARY KEY, run TEXT NOT NULL, step INTEGER NOT NULL, doc TEXT NOT NULL)',
    );
    const insert = db.prepare('INSERT INTO bench_writes (run, step, doc) VALUES (?, ?, ?)');
    o.log(`baseline: ${writes} bare writes`);
    const b0 = performance.now();
    const bc0 = process.cpuUsage();
    for (let i = 0; i < writes; i++)
      insert.run(`run-${Math.floor(i / STEPS)}`, i % STEPS, '{"outcome":"success","commands":[{"verb":"noop"}]}');
    const baselineS = (performance.now() - b0) / 1000;
    const baselineCpu = cpuSeconds(process.cpuUsage(bc0));

    o.log(`engine: ${runs} runs of ${STEPS} steps, ${CONCURRENCY} in flight`);
    const before = engine.stats;
    const t0 = performance.now();
    const ec0 = process.cpuUsage();
    let started = 0;
    let done = 0;
    await new Promise<void>((resolve, reject) => {
      const next = (): void => {
        if (done === runs) return resolve();
        if (started >= runs) return;
        started += 1;
        engine
          .startRun(ctx, { playbook: pb.id })
          .then(async (r) => {
            // The engine drives the run on its own and says when it is done.
            if (r.status !== 'succeeded') await new Promise<void>((ok) => finished.set(r.id, ok));
            finished.delete(r.id);
            done += 1;
            if (done % 2000 === 0) o.log(`${done} runs`);
            next();
          })
          .catch(reject);
      };
      for (let i = 0; i < Math.min(CONCURRENCY, runs); i++) next();
    });
    await engine.idle();
    const engineS = (performance.now() - t0) / 1000;
    const engineCpu = cpuSeconds(process.cpuUsage(ec0));
    const after = engine.stats;
    const failed = store.listRuns(ctx, { status: ['failed', 'waiting', 'running'], limit: 10 }).items.length;
    const verify = await audit.verify(ctx);
    await engine.close();
    const dbBytes = statSync(file).size;
    db.close();

    const steps = runs * STEPS;
    const value = Math.round(steps / engineS);
    const baseline = Math.round(writes / baselineS);
    const commits = after.commits - before.commits;
    const transitions = after.transitions - before.transitions;
    return benchResult({
      name: 'respond',
      unit: 'steps/s',
      value,
      baseline_value: baseline,
      cores: 1,
      extra: {
        runs,
        steps_per_run: STEPS,
        steps,
        concurrency: CONCURRENCY,
        engine_seconds: Math.round(engineS * 100) / 100,
        baseline_unit: 'bare store writes/s (one INSERT per transaction, same database)',
        baseline_seconds: Math.round(baselineS * 100) / 100,
        // Time per step in units of one bare write: the goal is at most 3.
        writes_per_step: Math.round((baseline / value) * 100) / 100,
        goal: 'engine overhead per step ≤ 3 bare store writes (ratio ≥ 0.333)',
        goal_met: baseline / value <= 3,
        store_seconds: Math.round(storeMs / 10) / 100,
        // The same split in bare writes per step: the store's share and the engine's own.
        store_writes_per_step: Math.round((storeMs / 1000 / steps / (baselineS / writes)) * 100) / 100,
        engine_logic_writes_per_step:
          Math.round(((engineS - storeMs / 1000) / steps / (baselineS / writes)) * 100) / 100,
        // CPU time (user + system) of this process in each phase: steadier than wall time on a shared machine.
        engine_cpu_seconds: Math.round(engineCpu * 100) / 100,
        baseline_cpu_seconds: Math.round(baselineCpu * 100) / 100,
        writes_per_step_cpu: Math.round((engineCpu / steps / (baselineCpu / writes)) * 100) / 100,
        store_cpu_seconds: Math.round(storeCpu * 100) / 100,
        store_writes_per_step_cpu: Math.round((storeCpu / steps / (baselineCpu / writes)) * 100) / 100,
        transitions,
        transitions_per_step: Math.round((transitions / steps) * 100) / 100,
        commits,
        transitions_per_commit: Math.round((transitions / Math.max(commits, 1)) * 10) / 10,
        audit_entries: verify.entries,
        audit_chain_ok: verify.ok,
        runs_not_succeeded: failed,
        db_bytes: dbBytes,
        rss_mb: Math.round(process.memoryUsage().rss / 1048576),
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

/** The benchmark. */
export const bench: BenchModule = {
  description: 'playbook engine: 10,000 runs × 10 no-op steps vs bare store writes',
  run,
};
