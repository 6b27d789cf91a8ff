/**
 * @module
 * A run held by the engine: its folded state, its playbook, and `write`, the only way its state
 * changes. `write` applies the transitions to the state at once (so decisions taken in the same
 * turn see them), builds what the store keeps beside them (run row, open waits, actions, audit
 * entries) and hands it to the group-commit journal; callers act on the outside world only after
 * the returned promise resolves, i.e. after the commit.
 */
import type { AuthContext } from '@intersoc/core';
import type { Playbook } from '../cacao/types.js';
import type { OpenWait, RunWrite, StoredAction, StoredPlaybook } from '../store/types.js';
import { auditEntry } from './audit-entries.js';
import type { Journal } from './journal.js';
import { apply, newRun, statusOf, type RunState } from './state.js';
import type { RunStatus, Transition, TransitionBody } from './types.js';

/** A run in memory. */
export class LiveRun {
  state: RunState | undefined;
  readonly stored: StoredPlaybook;
  readonly ctx: AuthContext;
  /** Branches with a task driving them. */
  readonly busy = new Set<string>();
  /** Aborts in-flight commands, by branch. */
  readonly aborts = new Map<string, { abort(reason: unknown): void }>();
  readonly timers = new Set<NodeJS.Timeout>();
  /** Set when a commit failed: the run is no longer driven here (a restart resumes it from the store). */
  broken: Error | undefined;
  #nextSeq: number;
  /**
   * Branches whose wait row (inbox entry) may be stored, or undefined when unknown (a run loaded
   * from the store): only those need a DELETE when they move on, not every step of every branch.
   */
  readonly #waitRows: Set<string> | undefined;
  #status: RunStatus | undefined;
  #reason: string | undefined;

  constructor(
    readonly id: string,
    ctx: AuthContext,
    stored: StoredPlaybook,
    private readonly journal: Journal,
    private readonly now: () => number,
    state?: RunState,
  ) {
    this.ctx = ctx;
    this.stored = stored;
    this.state = state;
    this.#nextSeq = (state?.seq ?? 0) + 1;
    this.#waitRows = state ? undefined : new Set();
    if (state) {
      this.#status = statusOf(state);
      this.#reason = state.finished?.reason;
    }
  }

  get playbook(): Playbook {
    return this.stored.playbook;
  }

  /** The run's state (present once run.created is written). */
  get s(): RunState {
    if (!this.state) throw new Error(`run ${this.id} has no state yet`);
    return this.state;
  }

  /** The step's name, for messages. */
  stepName(step: string): string | undefined {
    return this.playbook.workflow[step]?.name;
  }

  /**
   * Applies `bodies` now and commits them; resolves after the commit. Extra audit entries (for
   * facts that are not transitions) commit with them.
   */
  write(bodies: readonly TransitionBody[]): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    const time = this.now();
    // Object.assign, not a spread: spreading bodies of many shapes took about 4 µs each on Node 20
    // (microbenchmark: 0.3 µs with Object.assign), once per transition.
    const transitions: Transition[] = bodies.map(
      (b) => Object.assign({}, b, { seq: this.#nextSeq++, time }) as Transition,
    );
    const touched = new Set<string>();
    const actionSeqs = new Set<number>();
    let all = false;
    for (const t of transitions) {
      if (t.kind === 'run.created') this.state = newRun(this.ctx.tenant, this.id, t);
      else apply(this.s, t);
      if ('branch' in t) touched.add(t.branch);
      if (t.kind === 'run.finished') all = true;
      if (t.kind === 'step.finished' && t.actions && t.actions.length > 0) actionSeqs.add(t.seq);
      if (t.kind === 'action.reverted' || t.kind === 'action.extended') actionSeqs.add(t.action);
    }
    const s = this.s;
    const status = statusOf(s);
    const reason = s.finished?.reason ?? this.#waitReason();
    const changed = status !== this.#status || reason !== this.#reason || transitions[0]?.kind === 'run.created';
    this.#status = status;
    this.#reason = reason;
    const waits: NonNullable<RunWrite['waits']>[number][] = [];
    for (const b of all ? s.branches.values() : [...touched].map((id) => s.branches.get(id))) {
      if (!b) continue;
      if (b.phase === 'waiting' && b.wait && b.step && !s.finished) {
        waits.push({ open: this.#openWait(b.id) });
        this.#waitRows?.add(b.id);
      } else if (!this.#waitRows || this.#waitRows.delete(b.id)) waits.push({ close: { branch: b.id } });
    }
    const actions: StoredAction[] = s.actions
      .filter((a) => actionSeqs.has(a.seq))
      .map((a) => ({
        tenant: s.tenant,
        run: s.id,
        seq: a.seq,
        step: a.step,
        time: a.time,
        connector: a.connector,
        summary: a.summary,
        inverse: a.inverse,
        state: a.state,
        ...(a.expiresAt === undefined ? {} : { expires: a.expiresAt }),
        ...(a.error ? { error: a.error } : {}),
      }));
    const audit = transitions
      .map((t) => auditEntry(t, s, 'step' in t && typeof t.step === 'string' ? this.stepName(t.step) : undefined))
      .filter((e) => e !== undefined);
    const write: RunWrite = {
      tenant: s.tenant,
      run: s.id,
      transitions,
      ...(changed
        ? {
            row: {
              playbookId: s.playbook,
              playbookVersion: s.version,
              playbookName: this.stored.name,
              status,
              dryRun: s.dryRun,
              requestedBy: s.requestedBy,
              trigger: s.trigger,
              created: s.created,
              ...(reason ? { reason } : {}),
              ...(s.parent ? { parentRun: s.parent.run } : {}),
            },
          }
        : {}),
      ...(waits.length > 0 ? { waits } : {}),
      ...(actions.length > 0 ? { actions } : {}),
      audit,
    };
    return this.journal.commit(write).catch((err: unknown) => {
      this.broken = err instanceof Error ? err : new Error(String(err));
      throw this.broken;
    });
  }

  #waitReason(): string | undefined {
    for (const b of this.s.branches.values()) if (b.phase === 'waiting' && b.wait) return b.wait.reason;
    return undefined;
  }

  #openWait(branchId: string): OpenWait {
    const s = this.s;
    const b = s.branches.get(branchId);
    if (!b?.wait || !b.step) throw new Error(`branch ${branchId} is not waiting`);
    const name = this.stepName(b.step);
    return {
      tenant: s.tenant,
      run: s.id,
      branch: b.id,
      step: b.step,
      ...(name ? { stepName: name } : {}),
      playbookName: this.stored.name,
      requestedBy: s.requestedBy,
      since: b.since ?? s.updated,
      wait: b.wait,
      approvals: b.approvals,
    };
  }

  /** Clears timers and aborts in-flight commands (engine shutdown or cancel). */
  stop(reason: string): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const a of this.aborts.values()) a.abort(new Error(reason));
  }
}
