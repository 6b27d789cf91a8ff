/**
 * @module
 * The durable playbook engine. One engine per data folder drives every run of every tenant:
 * it writes each transition before it takes effect (group-committed, see `journal.ts`), resumes
 * unfinished runs at start from what was written (a step that was in flight runs again only if
 * it is idempotent, otherwise it waits for a person), fails approvals closed when they expire,
 * reverts time-boxed containment when its time is up, and rolls runs back in reverse order.
 */
import { AppError, requireRole, type AuthContext, type Role } from '@intersoc/core';
import type { WorkflowStep } from '../cacao/types.js';
import type { AgentDirectory, CommandExecutor, Connector } from '../commands/types.js';
import type { SqliteRespondStore } from '../store/sqlite-respond-store.js';
import type { StoredPlaybook } from '../store/types.js';
import { idempotentStep, readyAction, startAttempt, type ActionHost } from './action.js';
import { approvalState, expiryReason, voteRefusal } from './approvals.js';
import { failStep, flowStep, writeAndSettle } from './flow.js';
import { Journal } from './journal.js';
import { LiveRun } from './live.js';
import { initialVars } from './scope.js';
import { foldRun, statusOf, type BranchState } from './state.js';
import { FINISHED, type RunStatus, type RunSummary, type RunTrigger } from './types.js';
import { revertActions, type RevertOutcome } from './rollback.js';
import { checkInputs, checkRunnable, digestOf, MAX_VALUE, runId, waitingAt } from './run-input.js';

/** Who may start and steer runs, and who may read them. */
export const RESPOND_WRITERS: readonly Role[] = ['admin', 'analyst'];
export const RESPOND_READERS: readonly Role[] = ['admin', 'analyst', 'viewer'];

/** How an engine is built. */
export interface EngineOptions {
  readonly store: SqliteRespondStore;
  readonly executors?: readonly CommandExecutor[];
  readonly connectors?: readonly Connector[];
  readonly directory?: AgentDirectory;
  /** Default step timeout (ms) when a step has none: 5 minutes. */
  readonly timeoutMs?: number;
  /** How long an approval may wait before it fails closed: 4 hours. */
  readonly approvalTtlMs?: number;
  /** First retry delay (doubles each attempt): 1 s. */
  readonly backoffMs?: number;
  /** Iteration cap of while loops without their own: 100. */
  readonly maxIterations?: number;
  readonly now?: () => number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;
  /** Called after each committed change of a run (live views), with the run's status. */
  readonly onChange?: (tenant: string, run: string, status: RunStatus) => void;
}

/** A request to run a playbook. */
export interface StartRequest {
  readonly playbook: string;
  /** A version (`modified`); the latest by default. */
  readonly version?: string;
  /** Values of playbook variables (external inputs). */
  readonly variables?: Readonly<Record<string, string>>;
  readonly dryRun?: boolean;
  readonly trigger?: RunTrigger;
}

const NO_DIRECTORY: AgentDirectory = { agent: () => undefined, secret: () => undefined };

/** The engine. */
export class Engine {
  readonly #o: EngineOptions;
  readonly #journal: Journal;
  readonly #runs = new Map<string, LiveRun>();
  readonly #host: ActionHost;
  readonly #connectors: ReadonlyMap<string, Connector>;
  #active = 0;
  #idle: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #closed = false;

  constructor(o: EngineOptions) {
    this.#o = o;
    this.#journal = new Journal((w) => o.store.writeBatch(w));
    this.#connectors = new Map((o.connectors ?? []).map((c) => [c.name, c]));
    const now = o.now ?? Date.now;
    this.#host = {
      executors: new Map((o.executors ?? []).map((e) => [e.type, e])),
      directory: o.directory ?? NO_DIRECTORY,
      timeoutMs: o.timeoutMs ?? 300_000,
      approvalTtlMs: o.approvalTtlMs ?? 4 * 3_600_000,
      backoffMs: o.backoffMs ?? 1000,
      maxIterations: o.maxIterations ?? 100,
      now,
      wakeAt: (_live, at) => this.#arm(at),
      onRunFinished: (live) => this.#finished(live),
      startChild: (live, b, stepId, step) => this.#startChild(live, b, stepId, step),
    };
  }

  /** Commits and transitions written so far. */
  get stats(): { commits: number; transitions: number; runs: number } {
    return { ...this.#journal.stats, runs: this.#runs.size };
  }

  // lifecycle ---------------------------------------------------------------------------------

  /** Resumes every unfinished run from the store. */
  async start(): Promise<{ resumed: number; inDoubt: number }> {
    let resumed = 0;
    let inDoubt = 0;
    for (const { tenant, id } of this.#o.store.unfinishedRuns()) {
      try {
        const live = this.#load(this.#engineCtx(tenant), id);
        resumed += 1;
        inDoubt += this.#resume(live);
      } catch (err) {
        this.#log('error', `cannot resume run ${id}`, { tenant, error: (err as Error).message });
      }
    }
    this.#tick();
    return { resumed, inDoubt };
  }

  /** Resolves when no branch can move without a person, a timer or a command in flight ending. */
  async idle(): Promise<void> {
    for (;;) {
      if (!this.#isIdle()) await new Promise<void>((resolve) => this.#idle.push(resolve));
      // Writes still queued for the next group commit are not done yet.
      if (this.#journal.pending === 0) return;
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Stops: aborts in-flight commands (their steps are in doubt at the next start) and clears timers. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    for (const live of this.#runs.values()) live.stop('the engine stopped');
    const deadline = Date.now() + 5000;
    while (this.#active > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  // runs --------------------------------------------------------------------------------------

  /** Starts a run of a stored playbook; resolves once it is written (it then runs on its own). */
  async startRun(ctx: AuthContext, req: StartRequest): Promise<RunSummary> {
    requireRole(ctx, RESPOND_WRITERS);
    this.#open();
    const stored = this.#o.store.getPlaybook(ctx, req.playbook, req.version);
    if (!stored)
      throw new AppError('NOT_FOUND', `no playbook ${req.playbook}${req.version ? ` version ${req.version}` : ''}`);
    checkRunnable(stored.playbook, this.#host.now());
    const vars = checkInputs(stored.playbook, req.variables ?? {});
    const live = this.#create(ctx.tenant, stored, {
      vars,
      dryRun: req.dryRun === true,
      trigger: req.trigger ?? { kind: 'manual' },
      requestedBy: ctx.user,
    });
    // Driven at once: its first steps up to the first action (start and flow steps, which act on
    // nothing outside the run) join the commit of run.created; an action still runs only after
    // the commit that stores what led to it.
    this.#pump(live.live);
    await live.done;
    return this.#summary(ctx, live.live.id);
  }

  /** Approves a step waiting for approval (or, for a step in doubt after a restart, runs it again). */
  async approve(ctx: AuthContext, run: string, step: string, reason?: string): Promise<RunSummary> {
    return this.#decide(ctx, run, step, 'approve', reason);
  }

  /** Denies a waiting step: it fails closed with the reason. */
  async deny(ctx: AuthContext, run: string, step: string, reason: string): Promise<RunSummary> {
    return this.#decide(ctx, run, step, 'deny', reason);
  }

  /** Answers a manual task: sets the step's out_args and lets the run go on. */
  async answer(
    ctx: AuthContext,
    run: string,
    step: string,
    values: Readonly<Record<string, string>>,
  ): Promise<RunSummary> {
    requireRole(ctx, RESPOND_WRITERS);
    this.#open();
    const live = this.#unfinished(ctx, run);
    const b = waitingAt(live, step, 'manual');
    const s = live.playbook.workflow[step] as WorkflowStep;
    const allowed = new Set([...(s.out_args ?? []), ...Object.keys(s.step_variables ?? {})]);
    for (const [k, v] of Object.entries(values)) {
      if (!allowed.has(k)) throw new AppError('VALIDATION', `${k} is not an out_arg or variable of step ${step}`);
      if (v.length > MAX_VALUE)
        throw new AppError('VALIDATION', `value of ${k} is longer than ${MAX_VALUE} characters`);
    }
    const answered = live.write([{ kind: 'step.answered', branch: b.id, step, by: ctx.user, vars: { ...values } }]);
    this.#task(live, b.id, () => startAttempt(live, this.#host, b, step, s));
    await answered;
    return this.#summary(ctx, run);
  }

  /** Resolves a step left in doubt by a restart: run it again, count it as done, or fail it. */
  async resolve(
    ctx: AuthContext,
    run: string,
    step: string,
    resolution: 'retry' | 'done' | 'fail',
  ): Promise<RunSummary> {
    requireRole(ctx, RESPOND_WRITERS);
    this.#open();
    const live = this.#unfinished(ctx, run);
    const b = waitingAt(live, step, 'in-doubt');
    const s = live.playbook.workflow[step] as WorkflowStep;
    const written = live.write([{ kind: 'step.resolved', branch: b.id, step, by: ctx.user, resolution }]);
    if (resolution === 'retry') this.#task(live, b.id, () => startAttempt(live, this.#host, b, step, s));
    else if (resolution === 'done') {
      const next = s.on_success ?? s.on_completion;
      void writeAndSettle(live, this.#host, b, [
        {
          kind: 'step.finished',
          branch: b.id,
          step,
          outcome: 'success',
          output: { resolvedBy: ctx.user, resolution },
          ...(next ? { next } : {}),
        },
      ]).then(() => this.#pump(live));
    } else
      void writeAndSettle(
        live,
        this.#host,
        b,
        failStep(live, b, step, s, `failed by ${ctx.user} after the node stopped while it ran`),
      );
    await written;
    return this.#summary(ctx, run);
  }

  /** Cancels a run (and its child runs); in-flight commands are aborted. Actions stay until rolled back. */
  async cancel(ctx: AuthContext, run: string, reason = 'cancelled'): Promise<RunSummary> {
    requireRole(ctx, RESPOND_WRITERS);
    const live = this.#unfinished(ctx, run);
    await this.#cancelLive(live, ctx.user, reason);
    return this.#summary(ctx, run);
  }

  /** Rolls a run back: cancels it if it still runs, then undoes its actions (and its child runs') newest first. */
  async rollback(ctx: AuthContext, run: string): Promise<{ run: RunSummary; reverted: RevertOutcome[] }> {
    requireRole(ctx, RESPOND_WRITERS);
    const summary = this.#o.store.getRun(ctx, run);
    if (!summary) throw new AppError('NOT_FOUND', `no run ${run}`);
    const live = this.#load(ctx, run);
    if (!live.s.finished) await this.#cancelLive(live, ctx.user, 'rolled back');
    await live.write([{ kind: 'rollback.requested', by: ctx.user }]);
    const family = [live, ...this.#descendants(ctx, run)];
    const reverted = await revertActions(family, this.#connectors, ctx.user, 'rollback', () => true);
    for (const l of family) this.#o.onChange?.(l.ctx.tenant, l.id, statusOf(l.s));
    return { run: this.#summary(ctx, run), reverted };
  }

  /** Extends a time-boxed action by `ms` from now (an analyst keeps the containment). */
  async extend(ctx: AuthContext, run: string, action: number, ms: number): Promise<RunSummary> {
    requireRole(ctx, RESPOND_WRITERS);
    if (!Number.isInteger(ms) || ms < 1000 || ms > 90 * 86_400_000)
      throw new AppError('VALIDATION', 'extension must be 1 s to 90 days');
    const live = this.#load(ctx, run);
    const a = live.s.actions.find((x) => x.seq === action);
    if (!a) throw new AppError('NOT_FOUND', `run ${run} has no action ${action}`);
    if (a.state !== 'active') throw new AppError('CONFLICT', `action ${action} was already ${a.state}`);
    if (a.expiresAt === undefined) throw new AppError('CONFLICT', `action ${action} is not time-boxed`);
    const expires = this.#host.now() + ms;
    await live.write([{ kind: 'action.extended', action, expires, by: ctx.user }]);
    this.#arm(expires);
    return this.#summary(ctx, run);
  }

  /** A run as stored (role-checked, tenant-scoped). */
  summary(ctx: AuthContext, run: string): RunSummary {
    requireRole(ctx, RESPOND_READERS);
    return this.#summary(ctx, run);
  }

  // internals ---------------------------------------------------------------------------------

  #engineCtx(tenant: string): AuthContext {
    return { tenant, user: 'respond-engine', roles: ['analyst'], via: 'system' };
  }

  #open(): void {
    if (this.#closed) throw new AppError('UNAVAILABLE', 'the response engine is stopping');
  }

  #summary(ctx: AuthContext, run: string): RunSummary {
    const s = this.#o.store.getRun(ctx, run);
    if (!s) throw new AppError('NOT_FOUND', `no run ${run}`);
    return s;
  }

  #log(level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void {
    this.#o.log?.(level, message, details);
  }

  /** Creates a run: writes run.created (the write is applied now and committed soon). */
  #create(
    tenant: string,
    stored: StoredPlaybook,
    r: {
      vars: Record<string, string>;
      dryRun: boolean;
      trigger: RunTrigger;
      requestedBy: string;
      parent?: { run: string; branch: string; step: string };
    },
  ): { live: LiveRun; done: Promise<void> } {
    const id = runId(this.#host.now());
    const live = this.#liveRun(this.#engineCtx(tenant), id, stored);
    this.#runs.set(`${tenant}\0${id}`, live);
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

  #liveRun(ctx: AuthContext, id: string, stored: StoredPlaybook, state?: ReturnType<typeof foldRun>): LiveRun {
    const live = new LiveRun(id, ctx, stored, this.#journal, this.#host.now, state);
    const notify = this.#o.onChange;
    if (notify) {
      const write = live.write.bind(live);
      live.write = (bodies) => {
        const p = write(bodies);
        void p.then(() => notify(ctx.tenant, id, statusOf(live.s))).catch(() => undefined);
        return p;
      };
    }
    return live;
  }

  /** The run in memory, or folded from the store (finished runs are loaded for rollback and views). */
  #load(ctx: AuthContext, run: string): LiveRun {
    const key = `${ctx.tenant}\0${run}`;
    const held = this.#runs.get(key);
    if (held && !held.broken) return held;
    const transitions = this.#o.store.transitions(ctx, run);
    if (transitions.length === 0) throw new AppError('NOT_FOUND', `no run ${run}`);
    const state = foldRun(ctx.tenant, run, transitions);
    const stored = this.#o.store.getPlaybook(ctx, state.playbook, state.version);
    if (!stored)
      throw new AppError('NOT_FOUND', `run ${run}: its playbook ${state.playbook} version ${state.version} is gone`);
    const live = this.#liveRun(this.#engineCtx(ctx.tenant), run, stored, state);
    if (!state.finished) this.#runs.set(key, live);
    return live;
  }

  #unfinished(ctx: AuthContext, run: string): LiveRun {
    const live = this.#load(ctx, run);
    if (live.s.finished) throw new AppError('CONFLICT', `run ${run} has ${live.s.finished.status}`);
    return live;
  }

  /** Picks up a run after a restart; returns how many of its steps are in doubt. */
  #resume(live: LiveRun): number {
    let inDoubt = 0;
    for (const b of live.s.branches.values()) {
      if (b.phase === 'running' && b.step) {
        const step = live.playbook.workflow[b.step] as WorkflowStep;
        const stepId = b.step;
        if (idempotentStep(live, this.#host, stepId, step)) {
          this.#log('info', `run ${live.id}: step ${stepId} was in flight; it is idempotent and runs again`);
          this.#task(live, b.id, () =>
            startAttempt(live, this.#host, { ...b, phase: 'ready' } as BranchState, stepId, step),
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
        const child = this.#o.store.getRun(live.ctx, b.childRun);
        if (child && FINISHED.has(child.status)) this.#childDone(live, b, this.#load(live.ctx, b.childRun));
      }
    }
    this.#pump(live);
    return inDoubt;
  }

  async #decide(
    ctx: AuthContext,
    run: string,
    step: string,
    decision: 'approve' | 'deny',
    reason?: string,
  ): Promise<RunSummary> {
    requireRole(ctx, RESPOND_WRITERS);
    this.#open();
    const live = this.#unfinished(ctx, run);
    const b = [...live.s.branches.values()].find((x) => x.phase === 'waiting' && x.step === step);
    if (!b?.wait) throw new AppError('CONFLICT', `step ${step} of run ${run} is not waiting for a decision`);
    const s = live.playbook.workflow[step] as WorkflowStep;
    if (b.wait.kind === 'in-doubt') return this.resolve(ctx, run, step, decision === 'approve' ? 'retry' : 'fail');
    if (b.wait.kind === 'manual') {
      if (decision === 'approve') throw new AppError('CONFLICT', `step ${step} is a manual task: answer it`);
      const written = live.write([
        { kind: 'approval', branch: b.id, step, by: ctx.user, decision, ...(reason ? { reason } : {}) },
      ]);
      void writeAndSettle(
        live,
        this.#host,
        b,
        failStep(live, b, step, s, `declined by ${ctx.user}: ${reason ?? 'no reason given'}`),
      ).then(() => this.#pump(live));
      await written;
      return this.#summary(ctx, run);
    }
    const policy = b.wait.policy ?? 'one';
    const refusal = voteRefusal(policy, live.s.requestedBy, ctx.user, b.approvals);
    if (refusal) throw new AppError('FORBIDDEN', refusal);
    const written = live.write([
      { kind: 'approval', branch: b.id, step, by: ctx.user, decision, ...(reason ? { reason } : {}) },
    ]);
    const st = approvalState(policy, b.approvals);
    if (st.state === 'granted') this.#task(live, b.id, () => startAttempt(live, this.#host, b, step, s));
    else if (st.state === 'denied') {
      void writeAndSettle(live, this.#host, b, failStep(live, b, step, s, `denied by ${st.by}: ${st.reason}`)).then(
        () => this.#pump(live),
      );
    }
    await written;
    return this.#summary(ctx, run);
  }

  async #cancelLive(live: LiveRun, by: string, reason: string): Promise<void> {
    const done = live.write([{ kind: 'run.finished', status: 'cancelled', reason, by }]);
    live.stop(reason);
    for (const child of this.#descendants(live.ctx, live.id)) {
      if (!child.s.finished)
        void child.write([
          { kind: 'run.finished', status: 'cancelled', reason: `parent run ${live.id} ${reason}`, by },
        ]);
      child.stop(reason);
    }
    await done;
    this.#runs.delete(`${live.ctx.tenant}\0${live.id}`);
  }

  #descendants(ctx: AuthContext, run: string): LiveRun[] {
    const out: LiveRun[] = [];
    const ids = this.#o.store.childRuns(ctx, run);
    for (const id of ids) {
      const l = this.#load(ctx, id);
      out.push(l, ...this.#descendants(ctx, id));
    }
    return out;
  }

  /** Starts driving every ready branch that nobody drives. */
  #pump(live: LiveRun): void {
    if (this.#closed || live.broken || !live.state || live.s.finished) return;
    const now = this.#host.now();
    for (const b of live.s.branches.values()) {
      if (b.phase !== 'ready' || live.busy.has(b.id)) continue;
      if (b.retryAt !== undefined && b.retryAt > now) {
        this.#arm(b.retryAt);
        continue;
      }
      this.#task(live, b.id, () => this.#drive(live, b.id));
    }
  }

  /** Runs `fn` as the task of branch `branch` (one at a time per branch), then pumps the run. */
  #task(live: LiveRun, branch: string, fn: () => Promise<void>): void {
    live.busy.add(branch);
    this.#active += 1;
    void fn()
      .catch((err: unknown) => this.#log('error', `run ${live.id}: ${(err as Error).message}`, { branch }))
      .finally(() => {
        live.busy.delete(branch);
        this.#active -= 1;
        this.#pump(live);
        if (this.#isIdle()) for (const r of this.#idle.splice(0)) r();
      });
  }

  /** Moves a branch forward step by step while it can move on its own. */
  async #drive(live: LiveRun, id: string): Promise<void> {
    for (;;) {
      if (this.#closed || live.broken || live.s.finished) return;
      const b = live.s.branches.get(id);
      if (!b || b.phase !== 'ready' || b.step === undefined) return;
      if (b.retryAt !== undefined && b.retryAt > this.#host.now()) return;
      const stepId = b.step;
      const step = live.playbook.workflow[stepId];
      if (!step) {
        await writeAndSettle(
          live,
          this.#host,
          b,
          failStep(live, b, stepId, undefined, `step ${stepId} is not in the playbook`),
        );
      } else if (step.type === 'action') {
        await readyAction(live, this.#host, b, stepId, step);
      } else {
        await flowStep(live, this.#host, b, stepId, step);
      }
      this.#pump(live);
    }
  }

  #isIdle(): boolean {
    if (this.#active > 0) return false;
    for (const live of this.#runs.values()) {
      if (live.broken || !live.state || live.s.finished) continue;
      for (const b of live.s.branches.values()) if (b.phase === 'ready' || b.phase === 'running') return false;
    }
    return true;
  }

  async #startChild(live: LiveRun, b: BranchState, stepId: string, step: WorkflowStep): Promise<void> {
    const stored = step.playbook_id
      ? this.#o.store.getPlaybook(live.ctx, step.playbook_id, step.playbook_version)
      : undefined;
    if (!stored) {
      return writeAndSettle(
        live,
        this.#host,
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
    const child = this.#create(live.ctx.tenant, stored, {
      vars: initialVars(stored.playbook, inputs),
      dryRun: live.s.dryRun,
      trigger: { kind: 'playbook', ref: live.id },
      requestedBy: live.s.requestedBy,
      parent: { run: live.id, branch: b.id, step: stepId },
    });
    const written = live.write([{ kind: 'child.started', branch: b.id, step: stepId, run: child.live.id }]);
    await Promise.all([child.done, written]);
    this.#pump(child.live);
  }

  /** A run ended: forget it here, and let its parent's playbook-action step go on. */
  #finished(live: LiveRun): void {
    this.#runs.delete(`${live.ctx.tenant}\0${live.id}`);
    const parent = live.s.parent;
    if (!parent) return;
    let p: LiveRun;
    try {
      p = this.#load(live.ctx, parent.run);
    } catch {
      return;
    }
    const b = p.s.branches.get(parent.branch);
    if (b && !p.s.finished) this.#childDone(p, b, live);
  }

  #childDone(p: LiveRun, b: BranchState, child: LiveRun): void {
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
    void writeAndSettle(p, this.#host, b, bodies)
      .then(() => this.#pump(p))
      .catch(() => undefined);
  }

  /** Arms the timer for the next deadline at or before `at`. */
  #arm(at: number): void {
    if (this.#closed || at >= this.#timerAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    const delay = Math.min(Math.max(at - this.#host.now(), 0), 2 ** 31 - 1);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#tick();
    }, delay);
  }

  /** Due work: retries, expired waits, time-boxed actions; then the next deadline. */
  #tick(): void {
    if (this.#closed) return;
    const now = this.#host.now();
    let next = Infinity;
    for (const live of [...this.#runs.values()]) {
      if (live.broken || !live.state || live.s.finished) continue;
      for (const b of live.s.branches.values()) {
        if (b.phase === 'waiting' && b.wait?.expires !== undefined) {
          if (b.wait.expires <= now) this.#expire(live, b);
          else next = Math.min(next, b.wait.expires);
        }
        if (b.phase === 'ready' && b.retryAt !== undefined) next = Math.min(next, Math.max(b.retryAt, now));
      }
      this.#pump(live);
    }
    const due = this.#o.store.dueActions(now);
    if (due.length > 0) void this.#expireActions(due);
    const stored = this.#o.store.nextDeadline();
    if (stored !== undefined) next = Math.min(next, Math.max(stored, now + 1000));
    if (next !== Infinity) this.#arm(next);
  }

  #expire(live: LiveRun, b: BranchState): void {
    const stepId = b.step as string;
    const step = live.playbook.workflow[stepId] as WorkflowStep;
    const wait = b.wait;
    if (!wait) return;
    const reason =
      wait.kind === 'approval'
        ? expiryReason(wait.policy ?? 'one', b.approvals, (wait.expires ?? 0) - (b.since ?? 0))
        : `the manual task was not answered within the step's timeout of ${step.timeout ?? 0} ms`;
    void writeAndSettle(live, this.#host, b, failStep(live, b, stepId, step, reason))
      .then(() => this.#pump(live))
      .catch(() => undefined);
  }

  async #expireActions(due: readonly { tenant: string; run: string; seq: number }[]): Promise<void> {
    const byRun = new Map<string, { tenant: string; run: string; seqs: Set<number> }>();
    for (const a of due) {
      const k = `${a.tenant}\0${a.run}`;
      const e = byRun.get(k) ?? { tenant: a.tenant, run: a.run, seqs: new Set<number>() };
      e.seqs.add(a.seq);
      byRun.set(k, e);
    }
    for (const e of byRun.values()) {
      try {
        const live = this.#load(this.#engineCtx(e.tenant), e.run);
        await revertActions([live], this.#connectors, 'system', 'timebox', (a) => e.seqs.has(a.seq));
      } catch (err) {
        this.#log('error', `time box of run ${e.run} could not be reverted`, { error: (err as Error).message });
      }
    }
  }
}
