/**
 * @module
 * The durable playbook engine. One engine per data folder drives every run of every tenant:
 * it writes each transition before it takes effect (group-committed, see `journal.ts`), resumes
 * unfinished runs at start from what was written (a step that was in flight runs again only if
 * it is idempotent, otherwise it waits for a person), fails approvals closed when they expire,
 * reverts time-boxed containment when its time is up, and rolls runs back in reverse order.
 *
 * This file is the public API; the runs in memory and their driving are in `runs.ts`, people's
 * decisions in `decisions.ts`, timers in `deadlines.ts`.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import { answer, decide, resolve } from './decisions.js';
import { RESPOND_READERS, RESPOND_WRITERS, type EngineOptions, type StartRequest } from './options.js';
import { revertActions, type RevertOutcome } from './rollback.js';
import { checkInputs, checkRunnable } from './run-input.js';
import { Runs } from './runs.js';
import { statusOf } from './state.js';
import type { RunSummary } from './types.js';

export { RESPOND_READERS, RESPOND_WRITERS } from './options.js';
export type { EngineOptions, StartRequest } from './options.js';

/** The engine. */
export class Engine {
  readonly #runs: Runs;

  constructor(o: EngineOptions) {
    this.#runs = new Runs(o);
  }

  /** Commits and transitions written so far. */
  get stats(): { commits: number; transitions: number; runs: number } {
    return { ...this.#runs.journal.stats, runs: this.#runs.live.size };
  }

  // lifecycle ---------------------------------------------------------------------------------

  /** Resumes every unfinished run from the store. */
  async start(): Promise<{ resumed: number; inDoubt: number }> {
    const runs = this.#runs;
    let resumed = 0;
    let inDoubt = 0;
    for (const { tenant, id } of runs.o.store.unfinishedRuns()) {
      try {
        const live = runs.load(runs.engineCtx(tenant), id);
        resumed += 1;
        inDoubt += runs.resume(live);
      } catch (err) {
        runs.log('error', `cannot resume run ${id}`, { tenant, error: (err as Error).message });
      }
    }
    runs.deadlines.tick();
    return { resumed, inDoubt };
  }

  /** Resolves when no branch can move without a person, a timer or a command in flight ending. */
  async idle(): Promise<void> {
    return this.#runs.idle();
  }

  /** Stops: aborts in-flight commands (their steps are in doubt at the next start) and clears timers. */
  async close(): Promise<void> {
    const runs = this.#runs;
    runs.closed = true;
    runs.deadlines.clear();
    for (const live of runs.live.values()) live.stop('the engine stopped');
    const deadline = Date.now() + 5000;
    while (runs.active > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  // runs --------------------------------------------------------------------------------------

  /** Starts a run of a stored playbook; resolves once it is written (it then runs on its own). */
  async startRun(ctx: AuthContext, req: StartRequest): Promise<RunSummary> {
    requireRole(ctx, RESPOND_WRITERS);
    const runs = this.#runs;
    runs.open();
    const stored = runs.o.store.getPlaybook(ctx, req.playbook, req.version);
    if (!stored)
      throw new AppError('NOT_FOUND', `no playbook ${req.playbook}${req.version ? ` version ${req.version}` : ''}`);
    checkRunnable(stored.playbook, runs.host.now());
    const vars = checkInputs(stored.playbook, req.variables ?? {});
    const live = runs.create(ctx.tenant, stored, {
      vars,
      dryRun: req.dryRun === true,
      trigger: req.trigger ?? { kind: 'manual' },
      requestedBy: ctx.user,
    });
    // Driven at once: its first steps up to the first action (start and flow steps, which act on
    // nothing outside the run) join the commit of run.created; an action still runs only after
    // the commit that stores what led to it.
    runs.pump(live.live);
    await live.done;
    // The row as committed, kept by the run: no read back of what was just written.
    return live.live.committedSummary ?? runs.summary(ctx, live.live.id);
  }

  /** Approves a step waiting for approval (or, for a step in doubt after a restart, runs it again). */
  async approve(ctx: AuthContext, run: string, step: string, reason?: string): Promise<RunSummary> {
    return decide(this.#runs, ctx, run, step, 'approve', reason);
  }

  /** Denies a waiting step: it fails closed with the reason. */
  async deny(ctx: AuthContext, run: string, step: string, reason: string): Promise<RunSummary> {
    return decide(this.#runs, ctx, run, step, 'deny', reason);
  }

  /** Answers a manual task: sets the step's out_args and lets the run go on. */
  async answer(
    ctx: AuthContext,
    run: string,
    step: string,
    values: Readonly<Record<string, string>>,
  ): Promise<RunSummary> {
    return answer(this.#runs, ctx, run, step, values);
  }

  /** Resolves a step left in doubt by a restart: run it again, count it as done, or fail it. */
  async resolve(
    ctx: AuthContext,
    run: string,
    step: string,
    resolution: 'retry' | 'done' | 'fail',
  ): Promise<RunSummary> {
    return resolve(this.#runs, ctx, run, step, resolution);
  }

  /** Cancels a run (and its child runs); in-flight commands are aborted. Actions stay until rolled back. */
  async cancel(ctx: AuthContext, run: string, reason = 'cancelled'): Promise<RunSummary> {
    requireRole(ctx, RESPOND_WRITERS);
    const live = this.#runs.unfinished(ctx, run);
    await this.#runs.cancelLive(live, ctx.user, reason);
    return this.#runs.summary(ctx, run);
  }

  /** Rolls a run back: cancels it if it still runs, then undoes its actions (and its child runs') newest first. */
  async rollback(ctx: AuthContext, run: string): Promise<{ run: RunSummary; reverted: RevertOutcome[] }> {
    requireRole(ctx, RESPOND_WRITERS);
    const runs = this.#runs;
    const summary = runs.o.store.getRun(ctx, run);
    if (!summary) throw new AppError('NOT_FOUND', `no run ${run}`);
    const live = runs.load(ctx, run);
    if (!live.s.finished) await runs.cancelLive(live, ctx.user, 'rolled back');
    await live.write([{ kind: 'rollback.requested', by: ctx.user }]);
    const family = [live, ...runs.descendants(ctx, run)];
    const reverted = await revertActions(family, runs.connectors, ctx.user, 'rollback', () => true);
    for (const l of family) runs.o.onChange?.(l.ctx.tenant, l.id, statusOf(l.s));
    return { run: runs.summary(ctx, run), reverted };
  }

  /** Extends a time-boxed action by `ms` from now (an analyst keeps the containment). */
  async extend(ctx: AuthContext, run: string, action: number, ms: number): Promise<RunSummary> {
    requireRole(ctx, RESPOND_WRITERS);
    if (!Number.isInteger(ms) || ms < 1000 || ms > 90 * 86_400_000)
      throw new AppError('VALIDATION', 'extension must be 1 s to 90 days');
    const runs = this.#runs;
    const live = runs.load(ctx, run);
    const a = live.s.actions.find((x) => x.seq === action);
    if (!a) throw new AppError('NOT_FOUND', `run ${run} has no action ${action}`);
    if (a.state !== 'active') throw new AppError('CONFLICT', `action ${action} was already ${a.state}`);
    if (a.expiresAt === undefined) throw new AppError('CONFLICT', `action ${action} is not time-boxed`);
    const expires = runs.host.now() + ms;
    await live.write([{ kind: 'action.extended', action, expires, by: ctx.user }]);
    runs.deadlines.arm(expires);
    return runs.summary(ctx, run);
  }

  /** A run as stored (role-checked, tenant-scoped). */
  summary(ctx: AuthContext, run: string): RunSummary {
    requireRole(ctx, RESPOND_READERS);
    return this.#runs.summary(ctx, run);
  }
}
