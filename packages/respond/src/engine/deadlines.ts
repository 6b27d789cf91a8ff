/**
 * @module
 * The engine's clock: one timer for the next deadline of any run (a retry's backoff, an approval
 * or manual task that expires and fails closed, a time-boxed action to revert), and the sweep
 * that handles what is due when it fires.
 */
import type { AuthContext } from '@intersoc/core';
import type { WorkflowStep } from '../cacao/types.js';
import type { Connector } from '../commands/types.js';
import type { ActionHost } from './action.js';
import { expiryReason } from './approvals.js';
import { failStep, writeAndSettle } from './flow.js';
import type { LiveRun } from './live.js';
import { revertActions } from './rollback.js';
import type { BranchState } from './state.js';
import type { EngineOptions } from './options.js';

/**
 * What the deadline timer needs from the engine's run set. Declared here, not imported from
 * runs.ts, because the run set owns a Deadlines: a type import back would be a module cycle.
 */
export interface DeadlineRuns {
  readonly closed: boolean;
  readonly host: ActionHost;
  readonly o: EngineOptions;
  readonly live: ReadonlyMap<string, LiveRun>;
  readonly connectors: ReadonlyMap<string, Connector>;
  pump(live: LiveRun): void;
  load(ctx: AuthContext, run: string): LiveRun;
  engineCtx(tenant: string): AuthContext;
  log(level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void;
}

/** The timer and the sweep of due work. */
export class Deadlines {
  readonly #runs: DeadlineRuns;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;

  constructor(runs: DeadlineRuns) {
    this.#runs = runs;
  }

  /** Arms the timer for the next deadline at or before `at`. */
  arm(at: number): void {
    if (this.#runs.closed || at >= this.#timerAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    const delay = Math.min(Math.max(at - this.#runs.host.now(), 0), 2 ** 31 - 1);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.tick();
    }, delay);
  }

  /** Stops the timer (engine shutdown). */
  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }

  /** Due work: retries, expired waits, time-boxed actions; then the next deadline. */
  tick(): void {
    const runs = this.#runs;
    if (runs.closed) return;
    const now = runs.host.now();
    let next = Infinity;
    for (const live of [...runs.live.values()]) {
      if (live.broken || !live.state || live.s.finished) continue;
      for (const b of live.s.branches.values()) {
        if (b.phase === 'waiting' && b.wait?.expires !== undefined) {
          if (b.wait.expires <= now) this.#expire(live, b);
          else next = Math.min(next, b.wait.expires);
        }
        if (b.phase === 'ready' && b.retryAt !== undefined) next = Math.min(next, Math.max(b.retryAt, now));
      }
      runs.pump(live);
    }
    const due = runs.o.store.dueActions(now);
    if (due.length > 0) void this.#expireActions(due);
    const stored = runs.o.store.nextDeadline();
    if (stored !== undefined) next = Math.min(next, Math.max(stored, now + 1000));
    if (next !== Infinity) this.arm(next);
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
    void writeAndSettle(live, this.#runs.host, b, failStep(live, b, stepId, step, reason))
      .then(() => this.#runs.pump(live))
      .catch(() => undefined);
  }

  async #expireActions(due: readonly { tenant: string; run: string; seq: number }[]): Promise<void> {
    const runs = this.#runs;
    const byRun = new Map<string, { tenant: string; run: string; seqs: Set<number> }>();
    for (const a of due) {
      const k = `${a.tenant}\0${a.run}`;
      const e = byRun.get(k) ?? { tenant: a.tenant, run: a.run, seqs: new Set<number>() };
      e.seqs.add(a.seq);
      byRun.set(k, e);
    }
    for (const e of byRun.values()) {
      try {
        const live = runs.load(runs.engineCtx(e.tenant), e.run);
        await revertActions([live], runs.connectors, 'system', 'timebox', (a) => e.seqs.has(a.seq));
      } catch (err) {
        runs.log('error', `time box of run ${e.run} could not be reverted`, { error: (err as Error).message });
      }
    }
  }
}
