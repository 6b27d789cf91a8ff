/**
 * @module
 * The engine's runs in memory and what drives them: a run is created or loaded (folded from its
 * stored transitions), resumed after a restart, and moved by one task per branch at a time, each
 * step only after the commit of what led to it. Child runs of playbook-action steps report back
 * to their parent here. The public API (`engine.ts`) and the decisions of people
 * (`decisions.ts`) work through this class.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import type { WorkflowStep } from '../cacao/types.js';
import type { AgentDirectory, Connector } from '../commands/types.js';
import type { StoredPlaybook } from '../store/types.js';
import { idempotentStep, readyAction, startAttempt, type ActionHost } from './action.js';
import { Deadlines } from './deadlines.js';
import { failStep, flowStep, writeAndSettle } from './flow.js';
import { Journal } from './journal.js';
import { LiveRun } from './live.js';
import type { EngineOptions } from './options.js';
import { initialVars } from './scope.js';
import { foldRun, statusOf, type BranchState } from './state.js';
import { FINISHED, type RunSummary, type RunTrigger } from './types.js';
import { digestOf, runId } from './run-input.js';

const NO_DIRECTORY: AgentDirectory = { agent: () => undefined, secret: () => undefined };

/** What a new run is made of. */
export interface NewRun {
  readonly vars: Record<string, string>;
  readonly dryRun: boolean;
  readonly trigger: RunTrigger;
  readonly requestedBy: string;
  readonly parent?: { run: string; branch: string; step: string };
}

/** The runs an engine holds, and their driving. */
export class Runs {
  readonly o: EngineOptions;
  readonly journal: Journal;
  readonly host: ActionHost;
  readonly connectors: ReadonlyMap<string, Connector>;
  readonly deadlines: Deadlines;
  /** Unfinished runs in memory, by tenant and id. */
  readonly live = new Map<string, LiveRun>();
  closed = false;
  #active = 0;
  #idle: (() => void)[] = [];
  readonly #notify: ((live: LiveRun) => void) | undefined;

  constructor(o: EngineOptions) {
    this.o = o;
    this.journal = new Journal((w) => o.store.writeBatch(w));
    this.connectors = new Map((o.connectors ?? []).map((c) => [c.name, c]));
    this.deadlines = new Deadlines(this);
    const onChange = o.onChange;
    this.#notify = onChange ? (live) => onChange(live.ctx.tenant, live.id, statusOf(live.s)) : undefined;
    this.host = {
      executors: new Map((o.executors ?? []).map((e) => [e.type, e])),
      directory: o.directory ?? NO_DIRECTORY,
      timeoutMs: o.timeoutMs ?? 300_000,
      approvalTtlMs: o.approvalTtlMs ?? 4 * 3_600_000,
      backoffMs: o.backoffMs ?? 1000,
      maxIterations: o.maxIterations ?? 100,
      now: o.now ?? Date.now,
      wakeAt: (_live, at) => this.deadlines.arm(at),
      onRunFinished: (live) => this.finished(live),
      startChild: (live, b, stepId, step) => this.startChild(live, b, stepId, step),
    };
  }

  engineCtx(tenant: string): AuthContext {
    return { tenant, user: 'respond-engine', roles: ['analyst'], via: 'system' };
  }

  open(): void {
    if (this.closed) throw new AppError('UNAVAILABLE', 'the response engine is stopping');
  }

  summary(ctx: AuthContext, run: string): RunSummary {
    const s = this.o.store.getRun(ctx, run);
    if (!s) throw new AppError('NOT_FOUND', `no run ${run}`);
    return s;
  }

  log(level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void {
    this.o.log?.(level, message, details);
  }

  /** Creates a run: writes run.created (the write is applied now and committed soon). */
  create(tenant: string, stored: StoredPlaybook, r: NewRun): { live: LiveRun; done: Promise<void> } {
    const id = runId(this.host.now());
    const live = this.liveRun(this.engineCtx(tenant), id, stored);
    this.live.set(`${tenant}\0${id}`, live);
    const done = live.write([
      {
        kind: 'run.created',
        playbook: stored.id,
        version: stored.version,
        start: stored.playbook.workflow_start,
        digest: digestOf(stored.playbook),
        vars: r.vars,
        dryRun: r.dryRun,
        trigger: r.trigger,
        requestedBy: r.requestedBy,
        ...(r.parent ? { parent: r.parent } : {}),
      },
    ]);
    return { live, done };
  }

  liveRun(ctx: AuthContext, id: string, stored: StoredPlaybook, state?: ReturnType<typeof foldRun>): LiveRun {
    const live = new LiveRun(id, ctx, stored, this.journal, this.host.now, state);
    // Told by the journal right after each commit of the run (no promise chained on each write).
    live.onCommitted = this.#notify;
    return live;
  }

  /** The run in memory, or folded from the store (finished runs are loaded for rollback and views). */
  load(ctx: AuthContext, run: string): LiveRun {
    const key = `${ctx.tenant}\0${run}`;
    const held = this.live.get(key);
    if (held && !held.broken) return held;
    const transitions = this.o.store.transitions(ctx, run);
    if (transitions.length === 0) throw new AppError('NOT_FOUND', `no run ${run}`);
    const state = foldRun(ctx.tenant, run, transitions);
    const stored = this.o.store.getPlaybook(ctx, state.playbook, state.version);
    if (!stored)
      throw new AppError('NOT_FOUND', `run ${run}: its playbook ${state.playbook} version ${state.version} is gone`);
    const live = this.liveRun(this.engineCtx(ctx.tenant), run, stored, state);
    if (!state.finished) this.live.set(key, live);
    return live;
  }

  unfinished(ctx: AuthContext, run: string): LiveRun {
    const live = this.load(ctx, run);
    if (live.s.finished) throw new AppError('CONFLICT', `run ${run} has ${live.s.finished.status}`);
    return live;
  }

  /** Picks up a run after a restart; returns how many of its steps are in doubt. */
  resume(live: LiveRun): number {
    let inDoubt = 0;
    for (const b of live.s.branches.values()) {
      if (b.phase === 'running' && b.step) {
        const step = live.playbook.workflow[b.step] as WorkflowStep;
        const stepId = b.step;
        if (idempotentStep(live, this.host, stepId, step)) {
          this.log('info', `run ${live.id}: step ${stepId} was in flight; it is idempotent and runs again`);
          this.task(live, b.id, () =>
            startAttempt(live, this.host, { ...b, phase: 'ready' } as BranchState, stepId, step),
          );
        } else {
          inDoubt += 1;
          void live.write([
            {
              kind: 'step.waiting',
              branch: b.id,
              step: stepId,
              wait: {
                kind: 'in-doubt',
                reason: `the node stopped while attempt ${b.attempt} of this step was running; its commands are not declared idempotent, so a person decides: run it again, count it as done, or fail it`,
              },
            },
          ]);
        }
      } else if (b.phase === 'forked' && b.childRun) {
        const child = this.o.store.getRun(live.ctx, b.childRun);
        if (child && FINISHED.has(child.status)) this.childDone(live, b, this.load(live.ctx, b.childRun));
      }
    }
    this.pump(live);
    return inDoubt;
  }

  async cancelLive(live: LiveRun, by: string, reason: string): Promise<void> {
    const done = live.write([{ kind: 'run.finished', status: 'cancelled', reason, by }]);
    live.stop(reason);
    for (const child of this.descendants(live.ctx, live.id)) {
      if (!child.s.finished)
        void child.write([
          { kind: 'run.finished', status: 'cancelled', reason: `parent run ${live.id} ${reason}`, by },
        ]);
      child.stop(reason);
    }
    await done;
    this.live.delete(`${live.ctx.tenant}\0${live.id}`);
  }

  descendants(ctx: AuthContext, run: string): LiveRun[] {
    const out: LiveRun[] = [];
    const ids = this.o.store.childRuns(ctx, run);
    for (const id of ids) {
      const l = this.load(ctx, id);
      out.push(l, ...this.descendants(ctx, id));
    }
    return out;
  }

  /** Starts driving every ready branch that nobody drives. */
  pump(live: LiveRun): void {
    if (this.closed || live.broken || !live.state || live.s.finished) return;
    const now = this.host.now();
    for (const b of live.s.branches.values()) {
      if (b.phase !== 'ready' || live.busy.has(b.id)) continue;
      if (b.retryAt !== undefined && b.retryAt > now) {
        this.deadlines.arm(b.retryAt);
        continue;
      }
      this.task(live, b.id, () => this.#drive(live, b.id));
    }
  }

  /** Runs `fn` as the task of branch `branch` (one at a time per branch), then pumps the run. */
  task(live: LiveRun, branch: string, fn: () => Promise<void>): void {
    live.busy.add(branch);
    this.#active += 1;
    void fn()
      .catch((err: unknown) => this.log('error', `run ${live.id}: ${(err as Error).message}`, { branch }))
      .finally(() => {
        live.busy.delete(branch);
        this.#active -= 1;
        this.pump(live);
        if (this.isIdle()) for (const r of this.#idle.splice(0)) r();
      });
  }

  /** Resolves when no branch can move without a person, a timer or a command in flight ending. */
  async idle(): Promise<void> {
    for (;;) {
      if (!this.isIdle()) await new Promise<void>((resolve) => this.#idle.push(resolve));
      // Writes still queued for the next group commit are not done yet.
      if (this.journal.pending === 0) return;
      await new Promise((r) => setImmediate(r));
    }
  }

  get active(): number {
    return this.#active;
  }

  /** Moves a branch forward step by step while it can move on its own. */
  async #drive(live: LiveRun, id: string): Promise<void> {
    for (;;) {
      if (this.closed || live.broken || live.s.finished) return;
      const b = live.s.branches.get(id);
      if (!b || b.phase !== 'ready' || b.step === undefined) return;
      if (b.retryAt !== undefined && b.retryAt > this.host.now()) return;
      const stepId = b.step;
      const step = live.playbook.workflow[stepId];
      if (!step) {
        await writeAndSettle(
          live,
          this.host,
          b,
          failStep(live, b, stepId, undefined, `step ${stepId} is not in the playbook`),
        );
      } else if (step.type === 'action') {
        await readyAction(live, this.host, b, stepId, step);
      } else {
        await flowStep(live, this.host, b, stepId, step);
      }
      this.pump(live);
    }
  }

  isIdle(): boolean {
    if (this.#active > 0) return false;
    for (const live of this.live.values()) {
      if (live.broken || !live.state || live.s.finished) continue;
      for (const b of live.s.branches.values()) if (b.phase === 'ready' || b.phase === 'running') return false;
    }
    return true;
  }

  async startChild(live: LiveRun, b: BranchState, stepId: string, step: WorkflowStep): Promise<void> {
    const stored = step.playbook_id
      ? this.o.store.getPlaybook(live.ctx, step.playbook_id, step.playbook_version)
      : undefined;
    if (!stored) {
      return writeAndSettle(
        live,
        this.host,
        b,
        failStep(live, b, stepId, step, `playbook ${step.playbook_id ?? '?'} is not stored on this node`),
      );
    }
    const inputs: Record<string, string> = {};
    for (const name of step.in_args ?? []) {
      const v =
        live.s.vars.get(name) ?? step.step_variables?.[name]?.value ?? live.playbook.playbook_variables?.[name]?.value;
      if (typeof v === 'string') inputs[name] = v;
    }
    const child = this.create(live.ctx.tenant, stored, {
      vars: initialVars(stored.playbook, inputs),
      dryRun: live.s.dryRun,
      trigger: { kind: 'playbook', ref: live.id },
      requestedBy: live.s.requestedBy,
      parent: { run: live.id, branch: b.id, step: stepId },
    });
    const written = live.write([{ kind: 'child.started', branch: b.id, step: stepId, run: child.live.id }]);
    await Promise.all([child.done, written]);
    this.pump(child.live);
  }

  /** A run ended: forget it here, and let its parent's playbook-action step go on. */
  finished(live: LiveRun): void {
    this.live.delete(`${live.ctx.tenant}\0${live.id}`);
    const parent = live.s.parent;
    if (!parent) return;
    let p: LiveRun;
    try {
      p = this.load(live.ctx, parent.run);
    } catch {
      return;
    }
    const b = p.s.branches.get(parent.branch);
    if (b && !p.s.finished) this.childDone(p, b, live);
  }

  childDone(p: LiveRun, b: BranchState, child: LiveRun): void {
    if (b.phase !== 'forked' || b.childRun !== child.id || !b.step) return;
    const stepId = b.step;
    const step = p.playbook.workflow[stepId] as WorkflowStep;
    const fin = child.s.finished;
    let bodies;
    if (fin?.status === 'succeeded') {
      const vars: Record<string, string> = {};
      for (const name of step.out_args ?? []) {
        const v = child.s.vars.get(name);
        if (v !== undefined) vars[name] = v;
      }
      const next = step.on_success ?? step.on_completion;
      bodies = [
        {
          kind: 'step.finished' as const,
          branch: b.id,
          step: stepId,
          outcome: 'success' as const,
          output: { childRun: child.id },
          ...(Object.keys(vars).length > 0 ? { vars } : {}),
          ...(next ? { next } : {}),
        },
      ];
    } else {
      bodies = failStep(
        p,
        b,
        stepId,
        step,
        `child run ${child.id} ${fin?.status ?? 'failed'}: ${fin?.reason ?? ''}`.trim(),
      );
    }
    void writeAndSettle(p, this.host, b, bodies)
      .then(() => this.pump(p))
      .catch(() => undefined);
  }
}
